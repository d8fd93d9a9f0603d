//! `[site]`: the language and time zone of users who have not chosen
//! their own (pages and e-mail), and of e-mail to people without an
//! account.

use anyhow::{Result, bail};
use serde::Deserialize;
use steward_app::site::{LANGUAGES, SiteConfig as AppSite};
use steward_domain::zone::ZoneName;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    /// en or pl
    pub language: String,
    /// An IANA time-zone name.
    pub time_zone: String,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self { language: "en".into(), time_zone: "UTC".into() }
    }
}

pub const ENV_KEYS: &[(&str, &str)] =
    &[("STEWARD_SITE_LANGUAGE", "site.language"), ("STEWARD_SITE_TIME_ZONE", "site.time_zone")];

pub const EXAMPLE: &str = r#"
# For users who have not chosen their own language or time zone: pages and e-mail use
# their browser's (recorded at sign-in), else these.
[site]
language = "en"      # en or pl                                      env: STEWARD_SITE_LANGUAGE
time_zone = "UTC"    # an IANA name, e.g. "Europe/Warsaw"             env: STEWARD_SITE_TIME_ZONE
"#;

impl SiteConfig {
    /// The app's settings, checked; a bad value names its key.
    pub fn to_app(&self) -> Result<AppSite> {
        let language = self.language.trim();
        if !LANGUAGES.contains(&language) {
            bail!("site.language: must be one of {}, got {:?}", LANGUAGES.join(", "), self.language);
        }
        let time_zone = ZoneName::parse(&self.time_zone).map_err(|e| anyhow::anyhow!("site.time_zone: {e}"))?;
        Ok(AppSite { language: language.to_owned(), time_zone })
    }
}
