//! TLS certificate expiry: complete a handshake, read the server's leaf
//! certificate and judge its notAfter.
//!
//! The chain is deliberately not verified: the check is about expiry, and
//! internal services often use a private CA or a self-signed certificate
//! the system does not trust (check_http -C does the same). Signatures of
//! the handshake are still checked, and nothing is sent after it.

use super::{elapsed_ms, timed_out};
use std::sync::Arc;
use std::time::{Duration, Instant};
use steward_domain::check::definition::TlsCheck;
use steward_domain::check::{Outcome, Status, verdict, x509};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use tokio_rustls::rustls::crypto::{WebPkiSupportedAlgorithms, ring};
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{ClientConfig, DigitallySignedStruct, Error, SignatureScheme};

pub async fn run(check: &TlsCheck, timeout: Duration) -> Outcome {
    let started = Instant::now();
    let target = format!("{}:{}", check.host, check.port);
    match tokio::time::timeout(timeout, leaf(check)).await {
        Err(_) => timed_out(&format!("no TLS handshake with {target}"), timeout, started),
        Ok(Err(e)) => Outcome::new(Status::Critical, format!("{target}: {e}"), elapsed_ms(started)),
        Ok(Ok(der)) => match x509::validity(&der) {
            Err(e) => Outcome::new(Status::Unknown, format!("{target}: {e}"), elapsed_ms(started)),
            Ok(v) => verdict::tls(check, v.not_after, jiff::Timestamp::now(), elapsed_ms(started)),
        },
    }
}

/// The server's own certificate (the first of the chain it sent).
async fn leaf(check: &TlsCheck) -> Result<Vec<u8>, String> {
    let provider = Arc::new(ring::default_provider());
    let verifier = Arc::new(ExpiryOnly(provider.signature_verification_algorithms));
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    // An IP address is named without SNI, as clients do.
    let name = ServerName::try_from(check.host.clone())
        .map_err(|e| format!("{:?} cannot be named in TLS: {e}", check.host))?;
    let tcp =
        TcpStream::connect((check.host.as_str(), check.port)).await.map_err(|e| format!("cannot connect: {e}"))?;
    let tls = TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| format!("the TLS handshake failed: {e}"))?;
    let (_, session) = tls.get_ref();
    let certs = session.peer_certificates().unwrap_or_default();
    certs.first().map(|c| c.as_ref().to_vec()).ok_or_else(|| "the server sent no certificate".to_owned())
}

/// Accepts any certificate chain (see the module's note) but checks the
/// handshake's signatures with the provider's algorithms.
#[derive(Debug)]
struct ExpiryOnly(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for ExpiryOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        tokio_rustls::rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        tokio_rustls::rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}
