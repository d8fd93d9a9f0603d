//! A user's time zone: an IANA name such as `Europe/Warsaw`, checked
//! against the time-zone database on construction.

use jiff::tz::TimeZone;

/// A checked IANA time-zone name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneName(String);

impl ZoneName {
    /// `Europe/Warsaw`, `UTC`, `America/Argentina/Buenos_Aires`; not
    /// offsets (`+02:00`) or POSIX rules, which ignore daylight saving.
    pub fn parse(name: &str) -> Result<Self, crate::code::Message> {
        let name = name.trim();
        let looks_iana = !name.is_empty()
            && name.len() <= 64
            && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-' | '+'))
            && !name.starts_with(['+', '-']);
        match TimeZone::get(name) {
            Ok(tz) if looks_iana => Ok(Self(tz.iana_name().unwrap_or(name).to_owned())),
            _ => Err(crate::code::Code::NotZone
                .msg(format!("{name:?} is not a time zone: use an IANA name such as Europe/Warsaw"))
                .with("zone", format!("{name:?}"))),
        }
    }

    /// Coordinated Universal Time.
    pub fn utc() -> Self {
        Self("UTC".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn zone(&self) -> TimeZone {
        TimeZone::get(&self.0).unwrap_or(TimeZone::UTC)
    }
}

/// The zone to show times in for a stored name; UTC for none or one the
/// database no longer knows.
pub fn zone_or_utc(name: Option<&str>) -> TimeZone {
    name.and_then(|n| TimeZone::get(n).ok()).unwrap_or(TimeZone::UTC)
}

/// Every zone name the database knows, sorted: for choosing one.
pub fn all_names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert_eq!(ZoneName::parse(" Europe/Warsaw ").unwrap().as_str(), "Europe/Warsaw");
        assert_eq!(ZoneName::parse("UTC").unwrap().as_str(), "UTC");
        for bad in ["", "Mars/Olympus", "+02:00", "EST5EDT,M3.2.0,M11.1.0", "../etc/passwd", "Europe/Warsaw/x"] {
            assert!(ZoneName::parse(bad).is_err(), "{bad:?}");
        }
        assert!(ZoneName::parse("Mars/Olympus").unwrap_err().text.contains("IANA"));
        assert_eq!(zone_or_utc(Some("Nowhere/Town")), TimeZone::UTC);
        assert!(all_names().iter().any(|n| n == "Europe/Warsaw"));
    }
}
