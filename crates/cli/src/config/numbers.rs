//! `[numbers]`: the prefix each kind's record numbers are written with
//! (INC0000042), as ServiceNow and GLPI let an administrator choose.

use anyhow::Result;
use serde::Deserialize;
use steward_domain::number::{PrefixError, Prefixes, RecordKind};

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NumbersConfig {
    pub incident: String,
    pub problem: String,
    pub article: String,
    pub change: String,
    pub task: String,
}

impl Default for NumbersConfig {
    fn default() -> Self {
        let d = |k: RecordKind| k.default_prefix().to_owned();
        Self {
            incident: d(RecordKind::Incident),
            problem: d(RecordKind::Problem),
            article: d(RecordKind::Article),
            change: d(RecordKind::Change),
            task: d(RecordKind::Task),
        }
    }
}

pub const ENV_KEYS: &[(&str, &str)] = &[
    ("STEWARD_NUMBERS_INCIDENT", "numbers.incident"),
    ("STEWARD_NUMBERS_PROBLEM", "numbers.problem"),
    ("STEWARD_NUMBERS_ARTICLE", "numbers.article"),
    ("STEWARD_NUMBERS_CHANGE", "numbers.change"),
    ("STEWARD_NUMBERS_TASK", "numbers.task"),
];

pub const EXAMPLE: &str = r#"
# The prefix of each kind's record numbers: 2 to 5 letters A-Z (any case; shown upper-cased),
# a different one per kind. Numbers written with the default prefixes (INC0000042) are still
# understood after a change (links, searches, replies to older mail), unless another kind
# now uses that prefix.
[numbers]
incident = "INC"   # INC0000042                                        env: STEWARD_NUMBERS_INCIDENT
problem = "PRB"    #                                                   env: STEWARD_NUMBERS_PROBLEM
article = "KB"     # knowledge articles                                env: STEWARD_NUMBERS_ARTICLE
change = "CHG"     # changes                                           env: STEWARD_NUMBERS_CHANGE
task = "TASK"      # change tasks                                      env: STEWARD_NUMBERS_TASK
"#;

impl NumbersConfig {
    /// The prefixes, checked; a refusal names its key (`numbers.incident`).
    pub fn to_domain(&self) -> Result<Prefixes> {
        Prefixes::new([&self.incident, &self.problem, &self.article, &self.change, &self.task]).map_err(|e| {
            let key = e.kind().map_or_else(|| "numbers".to_owned(), |k| format!("numbers.{}", k.as_str()));
            anyhow::anyhow!("{key}: {e}")
        })
    }

    /// Makes them the prefixes of this process (see `steward_domain::number`).
    pub fn install(&self) -> Result<()> {
        self.to_domain()?.install().map_err(|e: PrefixError| anyhow::anyhow!("numbers: {e}"))
    }
}
