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
}

impl RecordKind {
    pub fn prefix(self) -> &'static str {
        match self {
            RecordKind::Incident => "INC",
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Incident => "incident",
        }
    }
}

impl RecordNumber {
    pub fn incident(seq: i64) -> Self {
        Self { kind: RecordKind::Incident, seq }
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
        let (prefix, digits) = s.split_at_checked(3).ok_or(BadNumber)?;
        let kind = match prefix.to_ascii_uppercase().as_str() {
            "INC" => RecordKind::Incident,
            _ => return Err(BadNumber),
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        let n = RecordNumber::incident(42);
        assert_eq!(n.to_string(), "INC0000042");
        assert_eq!("INC0000042".parse::<RecordNumber>(), Ok(n));
        assert_eq!("inc42".parse::<RecordNumber>(), Ok(n));
        assert_eq!(RecordNumber::incident(12_345_678).to_string(), "INC12345678");
        for bad in ["", "INC", "XYZ0000001", "INC-1", "INC0000000", "INC12a", "INC9999999999999"] {
            assert!(bad.parse::<RecordNumber>().is_err(), "{bad}");
        }
    }
}
