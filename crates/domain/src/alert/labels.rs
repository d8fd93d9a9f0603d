//! An alert's identity: its label set, checked as Alertmanager 0.25 checks
//! it, and the fingerprint prometheus/common computes for it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Problems;
use crate::code::{Code, Message};

/// Label names to values, sorted by name (byte order, as Go's `sort.Strings`:
/// the fingerprint depends on that order).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Labels(BTreeMap<String, String>);

/// "… is not a valid label name", naming `name`.
pub fn invalid_label_name(name: &str) -> Message {
    Code::InvalidLabelName
        .msg(format!("{name:?} is not a valid label name: letters, digits and _, not starting with a digit"))
        .with("name", name)
}

/// The classic Prometheus label name rule, `[a-zA-Z_][a-zA-Z0-9_]*`
/// (prometheus/common `LabelName.IsValid` before UTF-8 names).
pub fn is_valid_label_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().enumerate().all(|(i, b)| b.is_ascii_alphabetic() || b == b'_' || (i > 0 && b.is_ascii_digit()))
}

impl Labels {
    pub fn new() -> Labels {
        Labels::default()
    }

    /// The value of `name`; a missing label reads as the empty string, as
    /// in every Alertmanager comparison.
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) -> Option<String> {
        self.0.insert(name.into(), value.into())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    pub fn into_map(self) -> BTreeMap<String, String> {
        self.0
    }

    /// Drops labels whose value is empty. Alertmanager does this to every
    /// posted alert before checking it (`removeEmptyLabels`), so `a=""` is
    /// the same alert, with the same fingerprint, as no `a` at all.
    pub fn remove_empty(&mut self) {
        self.0.retain(|_, v| !v.is_empty());
    }

    /// The labels whose names are in `names` (present ones only), as a
    /// route's `group_by` picks them.
    pub fn only<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Labels {
        let mut out = Labels::new();
        for n in names {
            if let Some((k, v)) = self.0.get_key_value(n) {
                out.0.insert(k.clone(), v.clone());
            }
        }
        out
    }

    /// Every name checked against the classic rule, each bad one reported
    /// as `<field>.<name>`. Annotations are checked this way too.
    pub fn validate_names(&self, field: &str) -> Problems {
        self.0
            .keys()
            .filter(|n| !is_valid_label_name(n))
            .map(|n| (format!("{field}.{n}"), invalid_label_name(n)))
            .collect()
    }

    /// An alert's labels as Alertmanager 0.25 accepts them: valid names
    /// and at least one label. Call [`Labels::remove_empty`] first, as
    /// Alertmanager does. (Values are Rust strings, so always valid UTF-8.)
    pub fn validate(&self) -> Problems {
        let mut problems = self.validate_names("labels");
        if self.is_empty() {
            problems.push(("labels".into(), Code::NoLabels.msg("an alert needs at least one label with a value")));
        }
        problems
    }

    /// prometheus/common `LabelSet.Fingerprint()`: FNV-1a 64 over each
    /// label in name order as name, 0xff, value, 0xff. The empty set hashes
    /// to the FNV offset basis.
    pub fn fingerprint(&self) -> u64 {
        self.0.iter().fold(FNV_OFFSET, |h, (name, value)| fnv_label(h, name, value))
    }
}

/// The key of one label pair in the label index: the fingerprint of the
/// set holding that label alone (FNV-1a 64 over name, 0xff, value, 0xff).
/// Readers recheck the labels, so a collision lists nothing wrong.
pub fn pair_key(name: &str, value: &str) -> u64 {
    fnv_label(FNV_OFFSET, name, value)
}

/// One label's step of a fingerprint: name, 0xff, value, 0xff.
fn fnv_label(h: u64, name: &str, value: &str) -> u64 {
    let h = fnv_add(fnv_add(h, name.as_bytes()), &[SEPARATOR]);
    fnv_add(fnv_add(h, value.as_bytes()), &[SEPARATOR])
}

const FNV_OFFSET: u64 = 14_695_981_039_346_656_037;
const FNV_PRIME: u64 = 1_099_511_628_211;
/// A byte that never occurs in UTF-8, so `a=bc` and `ab=c` differ.
const SEPARATOR: u8 = 0xff;

fn fnv_add(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// A fingerprint as Alertmanager's API prints it: 16 lower-case hex digits.
pub fn fingerprint_text(fp: u64) -> String {
    format!("{fp:016x}")
}

/// A fingerprint from its text: 1 to 16 hex digits, either case, as Go's
/// `strconv.ParseUint(s, 16, 64)` reads them (no sign, no `0x`).
pub fn parse_fingerprint(text: &str) -> Result<u64, Message> {
    let bad = || {
        Code::NotFingerprint
            .msg(format!("{text:?} is not a fingerprint: 1 to 16 hexadecimal digits"))
            .with("text", text)
    };
    if text.is_empty() || text.len() > 16 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    u64::from_str_radix(text, 16).map_err(|_| bad())
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Labels {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Labels(iter.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }
}

impl From<BTreeMap<String, String>> for Labels {
    fn from(map: BTreeMap<String, String>) -> Self {
        Labels(map)
    }
}

/// `{a="1", b="2"}`, values quoted as Go's `%q` would for plain text.
impl std::fmt::Display for Labels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("{")?;
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{k}={v:?}")?;
        }
        f.write_str("}")
    }
}

#[cfg(test)]
#[path = "labels_tests.rs"]
mod tests;
