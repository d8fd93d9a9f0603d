//! Record numbers: a kind prefix and seven digits, e.g. INC0000042.

use std::{fmt, str::FromStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordNumber {
    pub kind: RecordKind,
    pub seq: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    Incident,
    Problem,
    /// A knowledge article (KB).
    Article,
}

impl RecordKind {
    /// Every kind of record, in the order a choice between them is shown.
    pub const ALL: [RecordKind; 3] = [RecordKind::Incident, RecordKind::Problem, RecordKind::Article];

    pub fn prefix(self) -> &'static str {
        match self {
            RecordKind::Incident => "INC",
            RecordKind::Problem => "PRB",
            RecordKind::Article => "KB",
        }
    }
    /// The number of a record of this kind, written with the kind's prefix
    /// (any case) or bare (`INC0000042`, `inc42`, `42`); a number of another
    /// kind is none.
    pub fn seq_of(self, s: &str) -> Option<i64> {
        let s = s.trim();
        if let Ok(n) = s.parse::<i64>() {
            return (n > 0).then_some(n);
        }
        s.parse::<RecordNumber>().ok().filter(|n| n.kind == self).map(|n| n.seq)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Incident => "incident",
            RecordKind::Problem => "problem",
            RecordKind::Article => "article",
        }
    }
    /// The kind a record's `kind` column names.
    pub fn named(name: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
    /// The path of this kind's pages and of its API resource
    /// (`/incidents/INC0000001`, `/api/v1/incidents/INC0000001`).
    pub fn paths(self) -> (&'static str, &'static str) {
        match self {
            RecordKind::Incident => ("incidents", "incidents"),
            RecordKind::Problem => ("problems", "problems"),
            RecordKind::Article => ("kb", "articles"),
        }
    }
}

impl RecordNumber {
    pub fn incident(seq: i64) -> Self {
        Self { kind: RecordKind::Incident, seq }
    }
    pub fn problem(seq: i64) -> Self {
        Self { kind: RecordKind::Problem, seq }
    }
    pub fn article(seq: i64) -> Self {
        Self { kind: RecordKind::Article, seq }
    }
}

impl fmt::Display for RecordNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:07}", self.kind.prefix(), self.seq)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a record number: expected a prefix such as INC and digits, e.g. INC0000001")]
pub struct BadNumber;

impl FromStr for RecordNumber {
    type Err = BadNumber;
    fn from_str(s: &str) -> Result<Self, BadNumber> {
        let s = s.trim();
        // Prefixes differ in length (KB, INC) and none is another's start.
        let (kind, digits) = RecordKind::ALL
            .into_iter()
            .find_map(|k| {
                let (prefix, digits) = s.split_at_checked(k.prefix().len())?;
                prefix.eq_ignore_ascii_case(k.prefix()).then_some((k, digits))
            })
            .ok_or(BadNumber)?;
        if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BadNumber);
        }
        let seq: i64 = digits.parse().map_err(|_| BadNumber)?;
        if seq < 1 {
            return Err(BadNumber);
        }
        Ok(Self { kind, seq })
    }
}

/// The records a search text names by number: `INC0001127` or `inc1127`
/// names one; a bare `1127` (or `#1127`) names the record of that number of
/// every kind, so a search can go straight to it when only one exists and
/// offer the choice when several do.
pub fn numbers_in(text: &str) -> Vec<RecordNumber> {
    let text = text.trim();
    if let Ok(n) = text.parse::<RecordNumber>() {
        return vec![n];
    }
    let digits = text.strip_prefix('#').unwrap_or(text);
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    match digits.parse::<i64>() {
        Ok(seq) if seq > 0 => RecordKind::ALL.iter().map(|&kind| RecordNumber { kind, seq }).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_texts_name_records_by_number() {
        let n = RecordNumber::incident(1127);
        for text in ["INC0001127", "inc1127"] {
            assert_eq!(numbers_in(text), vec![n], "{text}");
        }
        assert_eq!(numbers_in("prb1127"), vec![RecordNumber::problem(1127)]);
        // A bare number names the record of that number of every kind.
        for text in ["1127", " #1127 ", "0001127"] {
            assert_eq!(numbers_in(text), vec![n, RecordNumber::problem(1127), RecordNumber::article(1127)], "{text}");
        }
        for text in ["", "vpn", "INC", "0", "#", "1127 vpn", "12345678901234", "-5"] {
            assert!(numbers_in(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn numbers_of_one_kind() {
        for s in ["INC0000042", "inc42", " 42 ", "0042"] {
            assert_eq!(RecordKind::Incident.seq_of(s), Some(42), "{s}");
        }
        assert_eq!(RecordKind::Problem.seq_of("PRB0000042"), Some(42));
        for s in ["PRB0000042", "0", "-1", "", "INC", "x42"] {
            assert_eq!(RecordKind::Incident.seq_of(s), None, "{s}");
        }
    }

    #[test]
    fn formats_and_parses() {
        let n = RecordNumber::incident(42);
        assert_eq!(n.to_string(), "INC0000042");
        assert_eq!("INC0000042".parse::<RecordNumber>(), Ok(n));
        assert_eq!("inc42".parse::<RecordNumber>(), Ok(n));
        assert_eq!(RecordNumber::incident(12_345_678).to_string(), "INC12345678");
        assert_eq!("PRB0000007".parse::<RecordNumber>(), Ok(RecordNumber::problem(7)));
        assert_eq!(RecordNumber::problem(7).to_string(), "PRB0000007");
        assert_eq!(RecordNumber::article(7).to_string(), "KB0000007");
        assert_eq!("kb7".parse::<RecordNumber>(), Ok(RecordNumber::article(7)));
        assert_eq!(RecordKind::Article.seq_of("KB0000007"), Some(7));
        assert_eq!(RecordKind::Article.seq_of("INC0000007"), None);
        for bad in ["", "INC", "KB", "KBX1", "XYZ0000001", "INC-1", "INC0000000", "INC12a", "INC9999999999999"] {
            assert!(bad.parse::<RecordNumber>().is_err(), "{bad}");
        }
    }
}
