//! `[audit]`: where the audit chain's newest entry (id and hash) is kept
//! outside the database, for `steward audit verify` to compare with.

use serde::Deserialize;
use std::path::PathBuf;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// After every audit entry is committed, `ID HASH` is written here
    /// (replaced atomically); empty: only the log carries the head.
    pub head_file: String,
}

pub const ENV_KEYS: &[(&str, &str)] = &[("STEWARD_AUDIT_HEAD_FILE", "audit.head_file")];

pub const EXAMPLE: &str = r#"
# The audit log is a hash chain; its newest entry's id and hash are logged after every
# entry (target steward::audit, field chain_head) and, with a file named here, written
# to it ("ID HASH"). Keep it where the database's users cannot write (another disk, a
# WORM or synced folder): `steward audit verify` compares the database with it.
[audit]
head_file = ""          # e.g. "/var/lib/steward/audit.head"      env: STEWARD_AUDIT_HEAD_FILE
"#;

impl AuditConfig {
    /// The head file, if one is configured.
    pub fn head_file(&self) -> Option<PathBuf> {
        let f = self.head_file.trim();
        (!f.is_empty()).then(|| PathBuf::from(f))
    }
}
