//! Times and links as pages show them. Every moment is shown in the
//! viewer's time zone with its time of day; the zone is set for the whole
//! request by [`with_viewer_zone`] (the UI's middleware), so every page and
//! widget follows without passing it around.

use crate::i18n::{self, Lang, Plural};
use jiff::{Timestamp, tz::TimeZone};

const MINUTE: i64 = 60 * 1_000_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

tokio::task_local! {
    static ZONE: TimeZone;
}

/// Runs `f` (a request) with times shown in `zone`.
pub async fn with_zone<F: std::future::Future>(zone: TimeZone, f: F) -> F::Output {
    ZONE.scope(zone, f).await
}

/// The zone of the request being rendered; UTC outside one.
pub fn zone() -> TimeZone {
    ZONE.try_with(TimeZone::clone).unwrap_or(TimeZone::UTC)
}

/// The zone's name as users know it: `Europe/Warsaw`, `UTC`.
pub fn zone_name(z: &TimeZone) -> &str {
    z.iana_name().unwrap_or("UTC")
}

pub fn now_micros() -> i64 {
    Timestamp::now().as_microsecond()
}

/// RFC 3339, for `<time datetime>`.
pub fn iso(micros: i64) -> String {
    Timestamp::from_microsecond(micros).map(|t| t.to_string()).unwrap_or_default()
}

/// "24 Nov 2025, 17:05 CET" / "24 lis 2025, 17:05 CET", in the viewer's zone.
pub fn absolute(lang: Lang, micros: i64) -> String {
    absolute_in(lang, micros, &zone())
}

/// [`absolute`] in a given zone; the abbreviation says which.
pub fn absolute_in(lang: Lang, micros: i64, tz: &TimeZone) -> String {
    let Ok(t) = Timestamp::from_microsecond(micros) else { return String::new() };
    let z = t.to_zoned(tz.clone());
    let abbr = tz.to_offset_info(t).abbreviation().to_owned();
    let month = i18n::month_abbr(lang, z.month());
    format!("{} {month} {}, {:02}:{:02} {abbr}", z.day(), z.year(), z.hour(), z.minute())
}

/// "just now", "5 minutes ago", "3 hours ago", "yesterday", "4 days ago",
/// and the moment itself for anything older than a month.
pub fn relative(lang: Lang, micros: i64, now: i64) -> String {
    let ago = now - micros;
    let n = |unit: i64| u64::try_from(ago / unit).unwrap_or(0);
    match ago {
        a if a < MINUTE => i18n::just_now(lang).to_owned(),
        a if a < HOUR => i18n::tn(lang, Plural::MinutesAgo, n(MINUTE)),
        a if a < DAY => i18n::tn(lang, Plural::HoursAgo, n(HOUR)),
        a if a < 30 * DAY => i18n::tn(lang, Plural::DaysAgo, n(DAY)),
        _ => absolute(lang, micros),
    }
}

/// A query string ("?a=1&b=x%20y") from the pairs with a value.
pub fn query(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", crate::auth::urlencode(k), crate::auth::urlencode(v)))
        .collect();
    if parts.is_empty() { String::new() } else { format!("?{}", parts.join("&")) }
}

/// The longest `next` kept; longer ones go home.
const NEXT_MAX: usize = 2048;

/// A post-login target that stays on this site: a path such as
/// `/incidents?state=open`, else `/`.
///
/// Browsers drop tabs and newlines from a URL and read `\` as `/`, so
/// `/\t/evil.example` would become `//evil.example`, another site; a
/// newline in a `Location` header is refused by the HTTP layer (a 500).
/// So only visible ASCII is accepted (the login redirect percent-encodes
/// everything else), with no backslash anywhere and no second `/` at the
/// start; `/login` and `/logout` would loop.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else { return "/".to_owned() };
    let path = n.split(['?', '#']).next().unwrap_or_default();
    let same_site = n.len() <= NEXT_MAX
        && n.starts_with('/')
        && !n.starts_with("//")
        && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
        && !["/login", "/logout"].iter().any(|page| path == *page || path.starts_with(&format!("{page}/")));
    if same_site { n.to_owned() } else { "/".to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_764_000_000_000_000; // 2025-11-24T16:00:00Z

    #[test]
    fn absolute_times_per_language() {
        assert_eq!(absolute(Lang::En, T), "24 Nov 2025, 16:00 UTC");
        assert_eq!(absolute(Lang::Pl, T), "24 lis 2025, 16:00 UTC");
        assert_eq!(iso(T), "2025-11-24T16:00:00Z");
    }

    #[tokio::test]
    async fn times_follow_the_viewers_zone() {
        let warsaw = TimeZone::get("Europe/Warsaw").unwrap();
        assert_eq!(absolute_in(Lang::En, T, &warsaw), "24 Nov 2025, 17:00 CET");
        let summer = T - 150 * DAY; // 2025-06-27
        assert_eq!(absolute_in(Lang::Pl, summer, &warsaw), "27 cze 2025, 18:00 CEST");
        let york = TimeZone::get("America/New_York").unwrap();
        assert_eq!(absolute_in(Lang::En, T, &york), "24 Nov 2025, 11:00 EST");
        // Inside a request with a zone, everything follows it.
        let (shown, old) =
            with_zone(warsaw, async { (absolute(Lang::En, T), relative(Lang::En, T, T + 40 * DAY)) }).await;
        assert_eq!((shown.as_str(), old.as_str()), ("24 Nov 2025, 17:00 CET", "24 Nov 2025, 17:00 CET"));
        assert_eq!(zone_name(&zone()), "UTC", "outside a request: UTC");
    }

    #[test]
    fn relative_times() {
        assert_eq!(relative(Lang::En, T, T + 5_000_000), "just now");
        assert_eq!(relative(Lang::En, T, T - 5_000_000), "just now", "clock skew is not the future");
        assert_eq!(relative(Lang::En, T, T + 5 * MINUTE), "5 minutes ago");
        assert_eq!(relative(Lang::Pl, T, T + 3 * HOUR), "3 godziny temu");
        assert_eq!(relative(Lang::En, T, T + DAY + HOUR), "yesterday");
        assert_eq!(relative(Lang::Pl, T, T + 5 * DAY), "5 dni temu");
        assert_eq!(relative(Lang::En, T, T + 40 * DAY), "24 Nov 2025, 16:00 UTC", "old moments keep their time");
    }

    #[test]
    fn queries_and_redirect_targets() {
        assert_eq!(query(&[("state", "open"), ("text", "vpn down"), ("cursor", "")]), "?state=open&text=vpn%20down");
        assert_eq!(query(&[("a", "")]), "");
        for good in ["/incidents?state=open", "/incidents/INC0000042#comments", "/cmdb?q=a%2Fb", "/loginx", "/"] {
            assert_eq!(safe_next(Some(good)), good);
        }
        let long = format!("/{}", "a".repeat(NEXT_MAX));
        for bad in [
            "//evil.example",
            "https://evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/\\evil.example",
            "/a\\b",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/x",
            "/\r\n/x",
            "/ /evil.example",
            "/\u{0}/x",
            "/\u{7f}/x",
            "/\u{a0}/evil.example",
            "/\u{3000}/evil.example",
            "/\u{ff0f}evil.example",
            "/é",
            " /incidents",
            "/login?next=/",
            "/login",
            "/logout",
            "/logout/x",
            "",
            &long,
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
