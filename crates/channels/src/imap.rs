//! Mail in by IMAP: a mailbox polled for unseen messages.
//!
//! Messages are read with `BODY.PEEK[]`, so reading marks nothing; the
//! caller marks a message seen only once it has been taken in, so a
//! message whose processing failed is read again at the next poll.

use crate::DeliveryError;
use async_imap::{Client, Session};
use futures_util::TryStreamExt;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImapTls {
    /// Plain IMAP (port 143), for a server on this host or a trusted net.
    None,
    /// IMAP over TLS (port 993), certificates checked against the system's
    /// trust store.
    Tls,
}

#[derive(Clone)]
pub struct ImapConfig {
    pub host: String,
    pub port: u16,
    pub tls: ImapTls,
    pub username: String,
    pub password: String,
    /// The folder to read, usually `INBOX`.
    pub folder: String,
    /// For each step (connect, log in, each command).
    pub timeout: Duration,
}

impl fmt::Debug for ImapConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImapConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("folder", &self.folder)
            .finish()
    }
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + fmt::Debug> Io for T {}

/// A logged-in session on the configured folder.
pub struct Mailbox {
    session: Session<Box<dyn Io>>,
    timeout: Duration,
}

fn transient(what: &str) -> impl Fn(async_imap::error::Error) -> DeliveryError + '_ {
    move |e| DeliveryError::transient(format!("IMAP {what}: {e}"))
}

async fn within<T>(
    limit: Duration,
    what: &str,
    f: impl Future<Output = Result<T, DeliveryError>>,
) -> Result<T, DeliveryError> {
    tokio::time::timeout(limit, f)
        .await
        .unwrap_or_else(|_| Err(DeliveryError::transient(format!("IMAP {what}: no answer within {limit:?}"))))
}

impl Mailbox {
    /// Connects, logs in and selects the folder.
    pub async fn open(cfg: &ImapConfig) -> Result<Mailbox, DeliveryError> {
        let t = cfg.timeout;
        let tcp = within(t, "connect", async {
            TcpStream::connect((cfg.host.as_str(), cfg.port))
                .await
                .map_err(|e| DeliveryError::transient(format!("IMAP connect to {}:{}: {e}", cfg.host, cfg.port)))
        })
        .await?;
        let stream: Box<dyn Io> = match cfg.tls {
            ImapTls::None => Box::new(tcp),
            ImapTls::Tls => Box::new(within(t, "TLS", tls(cfg, tcp)).await?),
        };
        let mut client = Client::new(stream);
        within(t, "greeting", async {
            match client.read_response().await {
                Ok(Some(_)) => Ok(()),
                Ok(None) => Err(DeliveryError::transient("IMAP: the server closed the connection at once")),
                Err(e) => Err(DeliveryError::transient(format!("IMAP greeting: {e}"))),
            }
        })
        .await?;
        let mut session = within(t, "login", async {
            client
                .login(&cfg.username, &cfg.password)
                .await
                .map_err(|(e, _)| DeliveryError::permanent(format!("IMAP login as {}: {e}", cfg.username)))
        })
        .await?;
        within(t, "select", async { session.select(&cfg.folder).await.map_err(transient("select")) }).await?;
        Ok(Mailbox { session, timeout: t })
    }

    /// The unseen messages' UIDs, oldest first.
    pub async fn unseen(&mut self) -> Result<Vec<u32>, DeliveryError> {
        let s = &mut self.session;
        let mut uids: Vec<u32> =
            within(self.timeout, "search", async { s.uid_search("UNSEEN").await.map_err(transient("search")) })
                .await?
                .into_iter()
                .collect();
        uids.sort_unstable();
        Ok(uids)
    }

    /// The raw message, without marking it seen; None if it is gone.
    pub async fn fetch(&mut self, uid: u32) -> Result<Option<Vec<u8>>, DeliveryError> {
        let s = &mut self.session;
        within(self.timeout, "fetch", async {
            let fetches: Vec<_> = s
                .uid_fetch(uid.to_string(), "BODY.PEEK[]")
                .await
                .map_err(transient("fetch"))?
                .try_collect()
                .await
                .map_err(transient("fetch"))?;
            Ok(fetches.iter().find_map(|f| f.body().map(<[u8]>::to_vec)))
        })
        .await
    }

    pub async fn mark_seen(&mut self, uid: u32) -> Result<(), DeliveryError> {
        let s = &mut self.session;
        within(self.timeout, "store", async {
            let _: Vec<_> = s
                .uid_store(uid.to_string(), "+FLAGS (\\Seen)")
                .await
                .map_err(transient("store"))?
                .try_collect()
                .await
                .map_err(transient("store"))?;
            Ok(())
        })
        .await
    }

    pub async fn close(mut self) {
        let _ = tokio::time::timeout(self.timeout, self.session.logout()).await;
    }
}

async fn tls(cfg: &ImapConfig, tcp: TcpStream) -> Result<tokio_rustls::client::TlsStream<TcpStream>, DeliveryError> {
    use rustls_platform_verifier::ConfigVerifierExt;
    let config = rustls::ClientConfig::with_platform_verifier()
        .map_err(|e| DeliveryError::permanent(format!("IMAP TLS set-up: {e}")))?;
    let name = rustls::pki_types::ServerName::try_from(cfg.host.clone())
        .map_err(|e| DeliveryError::permanent(format!("IMAP host {:?}: {e}", cfg.host)))?;
    tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| DeliveryError::transient(format!("IMAP TLS with {}: {e}", cfg.host)))
}
