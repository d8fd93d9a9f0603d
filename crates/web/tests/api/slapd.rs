//! A real OpenLDAP server (Debian's `slapd`, installed by
//! scripts/install-ldap.sh) for the directory sign-in tests: started as a
//! child on a free 127.0.0.1 port with its own slapd.conf and mdb database
//! in a temporary folder, filled from an LDIF, killed on drop.
//!
//! People are in ou=people, groups (groupOfNames) in ou=groups; the
//! memberof overlay keeps each person's `memberOf`. Groups are added after
//! the start (the overlay acts on online changes only, not on slapadd).
//! Steward's service account is cn=steward,dc=example,dc=org; anonymous
//! clients may bind only, so the service account's search is needed.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BASE: &str = "dc=example,dc=org";
pub const SERVICE_DN: &str = "cn=steward,dc=example,dc=org";
pub const SERVICE_PASSWORD: &str = "service-account-pw";
const ADMIN_DN: &str = "cn=admin,dc=example,dc=org";
const ADMIN_PASSWORD: &str = "directory-admin-pw";
const SLAPD: &str = "/usr/sbin/slapd";
const SLAPADD: &str = "/usr/sbin/slapadd";
const LDAPMODIFY: &str = "/usr/bin/ldapmodify";

/// The people and their passwords: alice (agents, network), bob (staff),
/// carol (agents, but `employeeType: disabled`), dave (agents, network, no
/// password: the directory refuses every bind as him), admin (admins: named
/// like a local account), mallory (in no mapped group), "eve smith" (staff;
/// a name Steward does not take).
const PEOPLE: &[(&str, &str, &str, Option<&str>)] = &[
    ("alice", "Alice Liddell", "alice@example.org", Some("alice-directory-pw")),
    ("bob", "Bob Builder", "bob@example.org", Some("bob-directory-pw")),
    ("carol", "Carol Disabled", "carol@example.org", Some("carol-directory-pw")),
    ("dave", "Dave Nopassword", "dave@example.org", None),
    ("admin", "Directory Admin", "dir-admin@example.org", Some("admin-directory-pw")),
    ("mallory", "Mallory Nogroup", "mallory@example.org", Some("mallory-directory-pw")),
    ("eve smith", "Eve Smith", "eve@example.org", Some("eve-directory-pw")),
];

const GROUPS: &[(&str, &[&str])] = &[
    ("admins", &["admin"]),
    ("agents", &["alice", "carol", "dave"]),
    ("network", &["alice", "dave"]),
    ("staff", &["bob", "eve smith"]),
];

pub fn password_of(uid: &str) -> &'static str {
    PEOPLE.iter().find(|p| p.0 == uid).and_then(|p| p.3).unwrap_or("")
}

pub fn dn_of(uid: &str) -> String {
    format!("uid={uid},ou=people,{BASE}")
}

pub fn group_dn(cn: &str) -> String {
    format!("cn={cn},ou=groups,{BASE}")
}

pub struct Slapd {
    child: Option<Child>,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl Slapd {
    /// A running directory with the people and groups above.
    pub fn start() -> Slapd {
        Self::start_with(false)
    }

    /// The same, also offering StartTLS with a certificate for 127.0.0.1
    /// made for this run (its PEM: [`Slapd::ca_file`]).
    pub fn start_tls() -> Slapd {
        Self::start_with(true)
    }

    /// The self-signed certificate slapd shows, as PEM.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("cert.pem")
    }

    fn start_with(tls: bool) -> Slapd {
        for tool in [SLAPD, SLAPADD, LDAPMODIFY] {
            assert!(
                Path::new(tool).exists(),
                "{tool} is missing: the directory tests need Debian's slapd and ldap-utils; run scripts/install-ldap.sh"
            );
        }
        let mut dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("db")).unwrap();
        let mut conf = conf(dir.path());
        if tls {
            let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
            std::fs::write(dir.path().join("cert.pem"), pem("CERTIFICATE", made.cert.der())).unwrap();
            std::fs::write(dir.path().join("key.pem"), pem("PRIVATE KEY", &made.signing_key.serialize_der())).unwrap();
            let d = dir.path().display();
            conf = format!("TLSCertificateFile {d}/cert.pem\nTLSCertificateKeyFile {d}/key.pem\n{conf}");
        }
        std::fs::write(dir.path().join("slapd.conf"), conf).unwrap();
        std::fs::write(dir.path().join("base.ldif"), base_ldif()).unwrap();
        let out = Command::new(SLAPADD)
            .arg("-f")
            .arg(dir.path().join("slapd.conf"))
            .arg("-l")
            .arg(dir.path().join("base.ldif"))
            .output()
            .unwrap();
        assert!(out.status.success(), "slapadd: {}", String::from_utf8_lossy(&out.stderr));
        // A free port may be taken between asking and binding: try again.
        for _ in 0..5 {
            let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let mut s = Slapd { child: None, port, dir };
            if s.spawn() {
                s.modify(&groups_ldif());
                return s;
            }
            dir = s.take_dir();
        }
        panic!("slapd did not start on a free port");
    }

    fn take_dir(mut self) -> tempfile::TempDir {
        self.stop();
        std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap())
    }

    /// Starts slapd on `self.port` (again, after [`Slapd::stop`]); whether
    /// it listens.
    pub fn spawn(&mut self) -> bool {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(self.log_path()).unwrap();
        // -d 256 (stats): stays in the foreground and logs every operation.
        let child = Command::new(SLAPD)
            .arg("-f")
            .arg(self.dir.path().join("slapd.conf"))
            .arg("-h")
            .arg(self.url())
            .args(["-d", "256"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return true;
            }
            if let Some(c) = self.child.as_mut() {
                if c.try_wait().unwrap().is_some() {
                    self.child = None;
                    return false;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}/", self.port)
    }

    /// Kills slapd: the port answers nothing.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Stops or continues slapd's process (SIGSTOP/SIGCONT): connections
    /// are accepted by the kernel but never answered.
    pub fn freeze(&self, frozen: bool) {
        let pid = self.child.as_ref().unwrap().id().to_string();
        let signal = if frozen { "-STOP" } else { "-CONT" };
        assert!(Command::new("kill").args([signal, &pid]).status().unwrap().success());
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("slapd.log")
    }

    /// How many binds as `dn` slapd has logged.
    pub fn binds_as(&self, dn: &str) -> usize {
        let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let needle = format!("BIND dn=\"{dn}\" method=128");
        log.lines().filter(|l| l.contains(&needle)).count()
    }

    /// Applies an LDIF of changes as the directory's admin.
    pub fn modify(&self, ldif: &str) {
        use std::io::Write;
        let mut child = Command::new(LDAPMODIFY)
            .args(["-x", "-H", &self.url(), "-D", ADMIN_DN, "-w", ADMIN_PASSWORD])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(ldif.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "ldapmodify: {}\n{ldif}", String::from_utf8_lossy(&out.stderr));
    }

    /// Moves `uid` from group `from` to group `to`.
    pub fn move_member(&self, uid: &str, from: &str, to: &str) {
        let dn = dn_of(uid);
        self.modify(&format!(
            "dn: {}\nchangetype: modify\ndelete: member\nmember: {dn}\n\ndn: {}\nchangetype: modify\nadd: member\nmember: {dn}\n",
            group_dn(from),
            group_dn(to)
        ));
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        if self.child.is_some() {
            self.freeze(false);
        }
        self.stop();
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

fn conf(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile {d}/slapd.pid
argsfile {d}/slapd.args
database mdb
maxsize 16777216
suffix \"{BASE}\"
rootdn \"{ADMIN_DN}\"
rootpw {ADMIN_PASSWORD}
directory {d}/db
overlay memberof
access to attrs=userPassword by anonymous auth by * none
access to * by users read by * none
"
    )
}

fn base_ldif() -> String {
    let mut l = format!(
        "dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n\
         dn: ou=people,{BASE}\nobjectClass: organizationalUnit\nou: people\n\n\
         dn: ou=groups,{BASE}\nobjectClass: organizationalUnit\nou: groups\n\n\
         dn: {SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: steward\n\
         userPassword: {SERVICE_PASSWORD}\n\n"
    );
    for (uid, name, mail, password) in PEOPLE {
        let sn = name.split(' ').next_back().unwrap();
        l.push_str(&format!(
            "dn: {}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {name}\nsn: {sn}\nmail: {mail}\n",
            dn_of(uid)
        ));
        if let Some(p) = password {
            l.push_str(&format!("userPassword: {p}\n"));
        }
        if *uid == "carol" {
            l.push_str("employeeType: disabled\n");
        }
        l.push('\n');
    }
    l
}

fn groups_ldif() -> String {
    let mut l = String::new();
    for (cn, members) in GROUPS {
        l.push_str(&format!("dn: {}\nchangetype: add\nobjectClass: groupOfNames\ncn: {cn}\n", group_dn(cn)));
        for m in *members {
            l.push_str(&format!("member: {}\n", dn_of(m)));
        }
        l.push('\n');
    }
    l
}
