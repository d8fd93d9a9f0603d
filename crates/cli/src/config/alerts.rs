//! `[alerts]`: where the Alertmanager-compatible API is served besides the
//! root — a path prefix, as Alertmanager's `--web.route-prefix`.

use anyhow::{Result, bail};
use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertsConfig {
    /// Also serve `/api/v2/…`, `/-/healthy` and `/-/ready` under this path
    /// (e.g. `/alertmanager`); empty: at the root only.
    pub path_prefix: String,
}

pub const ENV_KEYS: &[(&str, &str)] = &[("STEWARD_ALERTS_PATH_PREFIX", "alerts.path_prefix")];

pub const EXAMPLE: &str = r#"
# The Alertmanager API (/api/v2/..., /-/healthy, /-/ready) is served at the root and,
# with a prefix, under it too: Prometheus' alertmanager_config path_prefix, amtool's
# --alertmanager.url=http://host:8080/alertmanager.
[alerts]
path_prefix = ""        # e.g. "/alertmanager": starts with /, no trailing /, not one of
                        # Steward's own paths (/api, /alerts, ...)   env: STEWARD_ALERTS_PATH_PREFIX
"#;

impl AlertsConfig {
    /// The prefix, checked (none when empty); a bad one names its key.
    pub fn prefix(&self) -> Result<Option<String>> {
        let p = self.path_prefix.trim();
        if p.is_empty() {
            return Ok(None);
        }
        if let Err(e) = steward_web::alertmanager::check_prefix(p) {
            bail!("alerts.path_prefix: {e}");
        }
        Ok(Some(p.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_is_checked() {
        let c = |p: &str| AlertsConfig { path_prefix: p.into() }.prefix();
        assert_eq!(c("").unwrap(), None);
        assert_eq!(c(" /alertmanager ").unwrap().as_deref(), Some("/alertmanager"));
        let e = c("/api").unwrap_err().to_string();
        assert!(e.starts_with("alerts.path_prefix: ") && e.contains("collides with Steward's own paths"), "{e}");
        assert!(c("alertmanager").unwrap_err().to_string().contains("must start with /"));
        assert!(c("/alertmanager/").unwrap_err().to_string().contains("must not end with /"));
    }
}
