//! `[checks]`: Steward's own checks on this node: whether it runs them,
//! how many at once, the plugin folder, and how long results are kept.

use anyhow::{Result, bail};
use serde::Deserialize;
use std::path::PathBuf;
use steward_app::checks::ChecksConfig as AppChecks;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChecksConfig {
    /// false: this node runs no checks (others sharing the database do).
    pub enabled: bool,
    /// The one folder Nagios plugins run from; empty: plugin checks are
    /// off. In the file only: what may run is not an environment's say.
    pub plugin_dir: String,
    /// Checks this node runs at once.
    pub concurrency: u32,
    pub keep_raw_days: u32,
    pub keep_minute_days: u32,
}

impl Default for ChecksConfig {
    fn default() -> Self {
        let d = AppChecks::default();
        ChecksConfig {
            enabled: d.enabled,
            plugin_dir: String::new(),
            concurrency: u32::try_from(d.concurrency).unwrap_or(200),
            keep_raw_days: d.keep_raw_days,
            keep_minute_days: d.keep_minute_days,
        }
    }
}

pub const ENV_KEYS: &[(&str, &str)] = &[
    ("STEWARD_CHECKS_ENABLED", "checks.enabled"),
    ("STEWARD_CHECKS_CONCURRENCY", "checks.concurrency"),
    ("STEWARD_CHECKS_KEEP_RAW_DAYS", "checks.keep_raw_days"),
    ("STEWARD_CHECKS_KEEP_MINUTE_DAYS", "checks.keep_minute_days"),
];
pub const INTEGER_KEYS: &[&str] = &["checks.concurrency", "checks.keep_raw_days", "checks.keep_minute_days"];
pub const BOOLEAN_KEYS: &[&str] = &["checks.enabled"];

pub const EXAMPLE: &str = r#"
# Steward's own checks (HTTP, TCP, DNS, TLS, ping, Nagios plugins).
[checks]
enabled = true          # false: this node runs none (others sharing the database do)  env: STEWARD_CHECKS_ENABLED
plugin_dir = ""         # the one folder plugins run from, e.g. "/usr/lib/nagios/plugins";
                        # empty: plugin checks are refused (set in this file only)
concurrency = 200       # checks this node runs at once (1 to 10000)         env: STEWARD_CHECKS_CONCURRENCY
keep_raw_days = 14      # raw results (1 to 3650)                            env: STEWARD_CHECKS_KEEP_RAW_DAYS
keep_minute_days = 90   # minute rollups (at least keep_raw_days); hours and days are kept for ever
                        #                                                    env: STEWARD_CHECKS_KEEP_MINUTE_DAYS
"#;

impl ChecksConfig {
    /// The app's settings, checked; a bad value names its key.
    pub fn to_app(&self) -> Result<AppChecks> {
        if !(1..=10_000).contains(&self.concurrency) {
            bail!("checks.concurrency: must be between 1 and 10000, got {}", self.concurrency);
        }
        if !(1..=3650).contains(&self.keep_raw_days) {
            bail!("checks.keep_raw_days: must be between 1 and 3650, got {}", self.keep_raw_days);
        }
        if self.keep_minute_days < self.keep_raw_days || self.keep_minute_days > 3650 {
            bail!(
                "checks.keep_minute_days: must be between keep_raw_days ({}) and 3650, got {}",
                self.keep_raw_days,
                self.keep_minute_days
            );
        }
        let plugin_dir = match self.plugin_dir.trim() {
            "" => None,
            dir => {
                let path = PathBuf::from(dir);
                if !path.is_absolute() {
                    bail!("checks.plugin_dir: must be an absolute path, got {dir:?}");
                }
                if !path.is_dir() {
                    bail!("checks.plugin_dir: {dir:?} is not a folder");
                }
                Some(path)
            }
        };
        Ok(AppChecks {
            enabled: self.enabled,
            plugin_dir,
            concurrency: self.concurrency as usize,
            keep_raw_days: self.keep_raw_days,
            keep_minute_days: self.keep_minute_days,
            ..AppChecks::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_name_their_key() {
        let ok = ChecksConfig::default().to_app().unwrap();
        assert!(ok.enabled && ok.plugin_dir.is_none() && ok.keep_raw_days == 14 && ok.keep_minute_days == 90);
        let cases = [
            (ChecksConfig { concurrency: 0, ..Default::default() }, "checks.concurrency: must be between 1 and 10000"),
            (ChecksConfig { keep_raw_days: 0, ..Default::default() }, "checks.keep_raw_days: must be between"),
            (ChecksConfig { keep_minute_days: 7, ..Default::default() }, "checks.keep_minute_days: must be between"),
            (
                ChecksConfig { plugin_dir: "plugins".into(), ..Default::default() },
                "checks.plugin_dir: must be an absolute path",
            ),
            (ChecksConfig { plugin_dir: "/no/such/dir".into(), ..Default::default() }, "is not a folder"),
        ];
        for (cfg, expected) in cases {
            let e = cfg.to_app().unwrap_err().to_string();
            assert!(e.contains(expected), "{e}");
        }
        let dir = ChecksConfig { plugin_dir: "/tmp".into(), ..Default::default() }.to_app().unwrap();
        assert_eq!(dir.plugin_dir.as_deref(), Some(std::path::Path::new("/tmp")));
    }
}
