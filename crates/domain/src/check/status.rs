//! The status of one check result and the result itself.

use super::perfdata::PerfDatum;
use serde::{Deserialize, Serialize};

/// A check's status, numbered as Nagios plugins exit: 0 ok, 1 warning,
/// 2 critical, 3 unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Ok, Status::Warning, Status::Critical, Status::Unknown];

    /// A plugin's exit code: 0–3 as the plugin API says; anything else, and
    /// a process ended by a signal (`None`), is unknown.
    pub fn from_exit_code(code: Option<i32>) -> Status {
        match code {
            Some(0) => Status::Ok,
            Some(1) => Status::Warning,
            Some(2) => Status::Critical,
            _ => Status::Unknown,
        }
    }

    /// The Nagios number (0–3).
    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Critical => "critical",
            Status::Unknown => "unknown",
        }
    }

    /// The word a plugin's status line starts with (`CRITICAL - …`).
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warning => "WARNING",
            Status::Critical => "CRITICAL",
            Status::Unknown => "UNKNOWN",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one run of a check found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub status: Status,
    /// The status line: one line a person reads in a list.
    pub message: String,
    /// Further lines (a plugin's long output); empty for most checks.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub long_text: String,
    /// How long the run took, from start to verdict.
    pub latency_ms: u64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub perfdata: Vec<PerfDatum>,
}

impl Outcome {
    /// An outcome with a status line only.
    pub fn new(status: Status, message: impl Into<String>, latency_ms: u64) -> Outcome {
        Outcome { status, message: message.into(), long_text: String::new(), latency_ms, perfdata: Vec::new() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_map_as_the_plugin_api_says() {
        assert_eq!(Status::from_exit_code(Some(0)), Status::Ok);
        assert_eq!(Status::from_exit_code(Some(1)), Status::Warning);
        assert_eq!(Status::from_exit_code(Some(2)), Status::Critical);
        assert_eq!(Status::from_exit_code(Some(3)), Status::Unknown);
        for odd in [Some(4), Some(-1), Some(127), Some(255), None] {
            assert_eq!(Status::from_exit_code(odd), Status::Unknown, "{odd:?}");
        }
        for s in Status::ALL {
            assert_eq!(Status::from_exit_code(Some(i32::from(s.code()))), s);
            assert_eq!(serde_json::to_value(s).unwrap(), serde_json::Value::from(s.as_str()));
        }
    }
}
