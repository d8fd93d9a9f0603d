//! Sending over SMTP with lettre: one connection per message (notifications
//! are few and bursty; a pool would hold idle connections the relay drops),
//! a hard deadline per send, and errors sorted into retry-later and give-up.
//!
//! To a plain-text relay without credentials (a local MTA: the high-volume
//! case) the connection is opened here with `TCP_NODELAY`: lettre writes the
//! message and its final `.` in two writes, and without it Nagle's algorithm
//! holds the `.` until the relay's delayed ACK, 40 ms per message. Measured
//! with `steward bench outbox`: about 60 → several hundred messages/s.

use std::fmt;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{AsyncSmtpConnection, Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{Mailbox, OutgoingEmail};
use crate::DeliveryError;

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain text: only for a relay on the same host or a trusted network.
    None,
    /// Plain connection upgraded with STARTTLS, which is required: a relay
    /// that does not offer it fails the send rather than getting the message
    /// in clear text. Usually port 587.
    StartTls,
    /// TLS from the first byte ("implicit TLS", SMTPS). Usually port 465.
    Tls,
}

/// Where and how to send mail. The server certificate is checked against the
/// system's trust store and the host name.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    /// Shown as `<redacted>` in `Debug` so it never reaches a log.
    pub password: Option<String>,
    /// The sender of notifications, e.g. `Steward <steward@example.com>`.
    pub from: String,
    /// The longest one send may take, from connecting to the relay's final
    /// answer; also the limit for each network step within it.
    pub timeout: Duration,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The configuration cannot work: a bad sender address or TLS setup.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("SMTP configuration: {0}")]
pub struct SmtpConfigError(pub String);

/// Sends [`OutgoingEmail`]s through one relay. Cheap to share (`Arc`) between
/// workers; each send opens its own connection.
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// Host and port for the direct path (plain text, no credentials).
    direct: Option<(String, u16)>,
    hello: ClientId,
    from: Mailbox,
    timeout: Duration,
}

impl SmtpSender {
    pub fn new(config: &SmtpConfig) -> Result<Self, SmtpConfigError> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| SmtpConfigError(format!("the sender address {:?} is not usable: {e}", config.from)))?;
        if config.host.trim().is_empty() {
            return Err(SmtpConfigError("the relay host is empty".into()));
        }
        let tls_params =
            || TlsParameters::new(config.host.clone()).map_err(|e| SmtpConfigError(format!("TLS setup failed: {e}")));
        let tls = match config.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::StartTls => Tls::Required(tls_params()?),
            SmtpTls::Tls => Tls::Wrapper(tls_params()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.clone())
            .port(config.port)
            .tls(tls)
            .timeout(Some(config.timeout));
        if let Some(user) = &config.username {
            builder = builder.credentials(Credentials::new(user.clone(), config.password.clone().unwrap_or_default()));
        }
        let direct = (config.tls == SmtpTls::None && config.username.is_none())
            .then(|| (config.host.trim().to_owned(), config.port));
        Ok(Self { transport: builder.build(), direct, hello: ClientId::default(), from, timeout: config.timeout })
    }

    /// The configured sender, for [`OutgoingEmail::from`].
    pub fn sender(&self) -> &Mailbox {
        &self.from
    }

    /// The sender's domain, for [`super::thread_id`] and
    /// [`super::new_message_id`].
    pub fn domain(&self) -> &str {
        self.from.email.domain()
    }

    /// Delivers one email to the relay. `Ok` means the relay accepted it for
    /// all recipients; it never panics and never takes longer than the
    /// configured timeout.
    pub async fn send(&self, email: &OutgoingEmail) -> Result<(), DeliveryError> {
        let message = email.to_message()?;
        let send = async {
            match &self.direct {
                Some((host, port)) => self.send_direct(host, *port, &message).await,
                None => self.transport.send(message).await.map(drop).map_err(|e| classify(&e)),
            }
        };
        match tokio::time::timeout(self.timeout, send).await {
            Ok(r) => r,
            Err(_) => Err(DeliveryError::transient(format!(
                "the mail server did not finish within {} s",
                self.timeout.as_secs_f32()
            ))),
        }
    }
}

impl SmtpSender {
    /// One message over a connection of our own with `TCP_NODELAY` (see the
    /// module's comment); the same commands lettre's transport sends.
    async fn send_direct(&self, host: &str, port: u16, message: &lettre::Message) -> Result<(), DeliveryError> {
        let stream = tokio::net::TcpStream::connect((host, port))
            .await
            .map_err(|e| DeliveryError::transient(format!("the mail server could not be reached: {e}")))?;
        // Only latency is at stake; a socket that refuses it still works.
        let _ = stream.set_nodelay(true);
        let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello)
            .await
            .map_err(|e| classify(&e))?;
        let result = conn.send(message.envelope(), &message.formatted()).await;
        // The relay has the message (or refused it); a failed goodbye changes nothing.
        let _ = conn.quit().await;
        result.map(drop).map_err(|e| classify(&e))
    }
}

/// 5xx answers and errors in our own request are permanent; everything else
/// (4xx answers, refused or dropped connections, timeouts, TLS trouble) may
/// pass, so it is worth another try later.
fn classify(e: &lettre::transport::smtp::Error) -> DeliveryError {
    if e.is_permanent() {
        DeliveryError::permanent(format!("the mail server refused the message: {e}"))
    } else if e.is_client() {
        DeliveryError::permanent(format!("the message could not be sent: {e}"))
    } else if e.is_transient() {
        DeliveryError::transient(format!("the mail server deferred the message: {e}"))
    } else if e.is_timeout() {
        DeliveryError::transient(format!("the mail server timed out: {e}"))
    } else {
        DeliveryError::transient(format!("the mail server could not be reached: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SmtpConfig {
        SmtpConfig {
            host: "mail.example.com".into(),
            port: 587,
            tls: SmtpTls::StartTls,
            username: Some("steward".into()),
            password: Some("hunter2".into()),
            from: "Steward <steward@example.com>".into(),
            timeout: Duration::from_secs(10),
        }
    }

    #[test]
    fn debug_hides_the_password() {
        let shown = format!("{:?}", config());
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
    }

    #[test]
    fn bad_sender_is_a_config_error() {
        let err = SmtpSender::new(&SmtpConfig { from: "not an address".into(), ..config() }).err().unwrap();
        assert!(err.to_string().contains("sender address"), "{err}");
    }

    #[test]
    fn sender_knows_its_domain() {
        let sender = SmtpSender::new(&config()).unwrap();
        assert_eq!(sender.domain(), "example.com");
        assert_eq!(sender.sender().email.to_string(), "steward@example.com");
    }
}
