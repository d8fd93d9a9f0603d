//! A real SMTP server for tests: aiosmtpd from Debian's python3-aiosmtpd
//! (`scripts/install-mail.sh`), run as a child process that stores every
//! message in a Maildir. Shared by the channels, web and CLI test suites
//! (`#[path = …] mod smtpd;`).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PYTHON: &str = "/usr/bin/python3";

/// aiosmtpd's Maildir handler, refusing two recipients the way real servers
/// do: `nobody@` permanently (550), `busy@` for now (451).
const HANDLER: &str = r#"
from aiosmtpd.handlers import Mailbox

class Picky(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local == "nobody":
            return "550 5.1.1 <%s>: Recipient address rejected: mailbox unavailable" % address
        if local == "busy":
            return "451 4.3.0 Temporary lookup failure, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"
"#;

/// A running aiosmtpd; killed when dropped.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub maildir: PathBuf,
    _dir: tempfile::TempDir,
}

/// A port that was free a moment ago (bound and released): nothing listens.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl SmtpServer {
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    /// Starts on `port` (e.g. where a relay was down) and waits until it
    /// accepts connections.
    pub fn start_on(port: u16) -> Self {
        let found = Command::new(PYTHON).args(["-c", "import aiosmtpd"]).stderr(Stdio::null()).status();
        assert!(
            found.is_ok_and(|s| s.success()),
            "{PYTHON} -m aiosmtpd is not available: run scripts/install-mail.sh (installs python3-aiosmtpd)"
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("steward_test_smtpd.py"), HANDLER).unwrap();
        let maildir = dir.path().join("Maildir");
        let mut child = Command::new(PYTHON)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "steward_test_smtpd.Picky"])
            .arg(&maildir)
            .env("PYTHONPATH", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = child.try_wait().unwrap() {
                let mut err = String::new();
                std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
                panic!("aiosmtpd exited ({status}): {err}");
            }
            assert!(started.elapsed() < Duration::from_secs(15), "aiosmtpd did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpServer { child, port, maildir, _dir: dir }
    }

    /// The raw messages stored so far.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else { return Vec::new() };
        entries.map(|e| std::fs::read(e.unwrap().path()).unwrap()).collect()
    }

    /// The Message-ID header of every stored message.
    pub fn message_ids(&self) -> Vec<String> {
        self.messages()
            .iter()
            .filter_map(|m| {
                let text = String::from_utf8_lossy(m);
                text.lines()
                    .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
                    .map(|l| l["message-id:".len()..].trim().to_owned())
            })
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
