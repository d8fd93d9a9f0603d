//! The "as of" moment the CMDB pages are read at. Links carry it as RFC
//! 3339 (`2026-01-31T12:00:00Z`); the form's `datetime-local` input sends
//! a time without a zone (`2026-01-31T12:00`), which is read in the
//! viewer's time zone, as the form says.

use crate::i18n_codes::ui;
use jiff::{Timestamp, civil::DateTime};
use steward_app::{Code, Message};

/// The moment `input` names, None for now (empty), or the message for the
/// field. A moment in the future is refused: the CMDB has no plans.
pub fn parse(input: &str, now: i64) -> Result<Option<i64>, Message> {
    let at = local(input)?;
    if at.is_some_and(|us| us > now) {
        return Err(ui(Code::InFuture, &[]));
    }
    Ok(at)
}

/// The moment a form's `datetime-local` input names in the viewer's zone
/// (or an RFC 3339 time with its offset), None when empty, or the message
/// for the field. Forms that plan ahead (a change's window) read it so.
pub fn local(input: &str) -> Result<Option<i64>, Message> {
    let s = input.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let at = match s.parse::<Timestamp>() {
        Ok(t) => t,
        Err(_) => s
            .parse::<DateTime>()
            .ok()
            .and_then(|d| d.to_zoned(super::fmt::zone()).ok())
            .map(|z| z.timestamp())
            .ok_or_else(|| ui(Code::NotRfc3339, &[("text", s)]))?,
    };
    Ok(Some(at.as_microsecond()))
}

/// The value for the `datetime-local` input: the viewer's zone, minutes
/// (seconds when the moment has them).
pub fn input_value(micros: i64) -> String {
    let Ok(t) = Timestamp::from_microsecond(micros) else { return String::new() };
    let d = t.to_zoned(super::fmt::zone()).datetime();
    let minutes = format!("{:04}-{:02}-{:02}T{:02}:{:02}", d.year(), d.month(), d.day(), d.hour(), d.minute());
    if d.second() == 0 { minutes } else { format!("{minutes}:{:02}", d.second()) }
}

/// The moment for links, RFC 3339 in UTC.
pub fn param(micros: i64) -> String {
    super::fmt::iso(micros)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    const NOW: i64 = 1_764_000_000_000_000; // 2025-11-24T16:00:00Z

    #[test]
    fn the_form_input_is_read_as_utc() {
        let at = parse("2025-11-01T12:30", NOW).unwrap().unwrap();
        assert_eq!(param(at), "2025-11-01T12:30:00Z");
        assert_eq!(input_value(at), "2025-11-01T12:30");
        let with_seconds = parse(" 2025-11-01T12:30:15 ", NOW).unwrap().unwrap();
        assert_eq!(input_value(with_seconds), "2025-11-01T12:30:15");
    }

    #[test]
    fn links_carry_rfc_3339_with_any_offset() {
        let at = parse("2025-11-01T14:30:00+02:00", NOW).unwrap().unwrap();
        assert_eq!(param(at), "2025-11-01T12:30:00Z");
        assert_eq!(parse("", NOW), Ok(None));
    }

    #[test]
    fn bad_and_future_moments_get_a_message() {
        let said = |lang, text| parse(text, NOW).map_err(|m| crate::i18n_codes::message(lang, &m).into_owned());
        assert_eq!(
            said(Lang::En, "yesterday"),
            Err("“yesterday” is not a date and time such as 2026-01-31T12:00".to_owned())
        );
        assert_eq!(
            said(Lang::Pl, "2025-13-01T00:00").unwrap_err(),
            "„2025-13-01T00:00” to nie jest data z godziną, np. 2026-01-31T12:00"
        );
        assert_eq!(said(Lang::En, "2030-01-01T00:00"), Err("is in the future".to_owned()));
        assert_eq!(parse("2030-01-01T00:00", NOW).map_err(|m| m.code), Err(Code::InFuture));
    }
}
