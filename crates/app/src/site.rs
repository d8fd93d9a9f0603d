//! The site's defaults: the language and time zone of users who have not
//! chosen their own, and of people without an account.
//!
//! For a user the order is: their own setting, else what their browser
//! last used (recorded at sign-in), else the site's default.

use crate::{Actor, App, AppError};
use jiff::tz::TimeZone;
use steward_domain::zone::ZoneName;
use steward_store::{accounts, accounts::User};

/// The languages Steward speaks.
pub const LANGUAGES: [&str; 2] = ["en", "pl"];

/// `site.language` and `site.time_zone`.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// `en` or `pl`.
    pub language: String,
    /// An IANA zone name, checked.
    pub time_zone: ZoneName,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self { language: "en".into(), time_zone: ZoneName::utc() }
    }
}

impl SiteConfig {
    /// The language to write to this user in.
    pub fn language_of(&self, u: &User) -> String {
        self.language_for(u.locale.as_deref(), u.browser_locale.as_deref())
    }

    /// A user's own setting, else their browser's, else the site's.
    pub fn language_for(&self, setting: Option<&str>, browser: Option<&str>) -> String {
        [setting, browser]
            .into_iter()
            .flatten()
            .filter_map(language_of_tag)
            .next()
            .unwrap_or_else(|| self.language.clone())
    }

    /// The zone to show this user times in.
    pub fn zone_of(&self, u: &User) -> TimeZone {
        self.zone_for(u.time_zone.as_deref(), u.browser_time_zone.as_deref())
    }

    /// A user's own zone, else their browser's, else the site's.
    pub fn zone_for(&self, setting: Option<&str>, browser: Option<&str>) -> TimeZone {
        [setting, browser]
            .into_iter()
            .flatten()
            .find_map(|z| TimeZone::get(z.trim()).ok().filter(|_| !z.trim().is_empty()))
            .unwrap_or_else(|| self.time_zone.zone())
    }

    /// The zone a signed-in user's pages show times in.
    pub fn zone_of_actor(&self, a: &Actor) -> TimeZone {
        self.zone_for(a.time_zone.as_deref(), a.browser_time_zone.as_deref())
    }
}

/// The language of a tag such as `pl`, `pl-PL` or `en_GB`, if we speak it.
pub fn language_of_tag(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    LANGUAGES.contains(&primary.as_str()).then_some(primary)
}

impl App {
    /// Records the language and time zone the user's browser used at
    /// sign-in, for their e-mail when they have chosen none. What is not
    /// one of ours (a language Steward does not speak, a zone the database
    /// does not know) is not recorded; what was recorded before stays.
    pub async fn note_browser(
        &self,
        user_id: i64,
        language: Option<&str>,
        time_zone: Option<&str>,
    ) -> Result<(), AppError> {
        let language = language.and_then(language_of_tag);
        let zone = time_zone.and_then(|z| ZoneName::parse(z).ok()).map(|z| z.as_str().to_owned());
        if language.is_none() && zone.is_none() {
            return Ok(());
        }
        self.store
            .write(move |c| {
                Box::pin(async move {
                    accounts::set_browser(c, user_id, language.as_deref(), zone.as_deref()).await?;
                    steward_store::sessions::bump_rev(c).await
                })
            })
            .await?;
        self.forget_credentials();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_beats_the_browser_which_beats_the_site() {
        let site = SiteConfig { language: "pl".into(), time_zone: ZoneName::parse("Asia/Tokyo").unwrap() };
        assert_eq!(site.language_for(Some("en"), Some("pl")), "en");
        assert_eq!(site.language_for(None, Some("en")), "en");
        assert_eq!(site.language_for(None, None), "pl");
        assert_eq!(site.language_for(Some("de"), Some("fr")), "pl", "only languages we speak count");
        assert_eq!(site.language_for(Some("en-GB"), None), "en", "a tag counts by its language");
        assert_eq!(site.language_for(None, Some("PL_pl")), "pl");
        let name = |z: TimeZone| z.iana_name().unwrap_or("").to_owned();
        assert_eq!(name(site.zone_for(Some("Europe/Warsaw"), Some("America/New_York"))), "Europe/Warsaw");
        assert_eq!(name(site.zone_for(None, Some("America/New_York"))), "America/New_York");
        assert_eq!(name(site.zone_for(None, None)), "Asia/Tokyo");
        assert_eq!(name(site.zone_for(Some("Nowhere/Town"), Some(""))), "Asia/Tokyo");
        assert_eq!(name(SiteConfig::default().zone_for(None, None)), "UTC");
    }
}
