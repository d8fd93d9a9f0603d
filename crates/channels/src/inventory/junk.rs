//! Placeholder values that must never serve as identifiers: firmware that was
//! never filled in reports the same serial or UUID on every board, and
//! matching on it would merge unrelated computers into one CI.

/// Serial numbers that mean "none", compared case-insensitively.
const JUNK_SERIALS: &[&str] = &[
    "to be filled by o.e.m.",
    "to be filled by oem",
    "system serial number",
    "chassis serial number",
    "default string",
    "not specified",
    "not applicable",
    "not available",
    "none",
    "null",
    "n/a",
    "na",
    "unknown",
    "invalid",
    "serial",
    "serial number",
    "0123456789",
    "123456789",
    "1234567890",
];

/// Hostnames every unconfigured machine has.
const JUNK_HOSTNAMES: &[&str] = &["localhost", "localhost.localdomain", "localhost6", "(none)"];

/// UUIDs known to be shared by many boards (besides all zeros and all Fs).
const JUNK_UUIDS: &[&str] = &["03000200-0400-0500-0006-000700080009"];

/// The serial, trimmed, unless it is empty, a known placeholder, or one
/// character repeated ("0", "00000000", "........").
pub(super) fn serial(raw: &str) -> Option<String> {
    let s = raw.trim();
    let mut chars = s.chars();
    let first = chars.next()?;
    if chars.all(|c| c == first) || JUNK_SERIALS.iter().any(|j| j.eq_ignore_ascii_case(s)) {
        return None;
    }
    Some(s.to_owned())
}

/// The UUID, lowercase, if it has 32 hex digits and is not all zeros, all
/// Fs, or a known shared value.
pub(super) fn uuid(raw: &str) -> Option<String> {
    let s = raw.trim().trim_start_matches('{').trim_end_matches('}').to_ascii_lowercase();
    let hex: Vec<char> = s.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.iter().all(char::is_ascii_hexdigit) {
        return None;
    }
    if hex.iter().all(|c| *c == '0') || hex.iter().all(|c| *c == 'f') || JUNK_UUIDS.contains(&s.as_str()) {
        return None;
    }
    Some(s)
}

/// The hostname, lowercase, unless empty or a default one.
pub(super) fn hostname(raw: &str) -> Option<String> {
    let s = raw.trim().to_ascii_lowercase();
    if s.is_empty() || JUNK_HOSTNAMES.contains(&s.as_str()) {
        return None;
    }
    Some(s)
}

/// The MAC address, lowercase with colons, if it has 12 hex digits and is
/// neither all zeros nor the broadcast address.
pub(super) fn mac(raw: &str) -> Option<String> {
    let s = normalize_mac(raw)?;
    if s == "00:00:00:00:00:00" || s == "ff:ff:ff:ff:ff:ff" {
        return None;
    }
    Some(s)
}

/// "00-1A-2B-3C-4D-5E" or "001a.2b3c.4d5e" as "00:1a:2b:3c:4d:5e"; `None`
/// when it is not 12 hex digits.
pub(super) fn normalize_mac(raw: &str) -> Option<String> {
    let hex: Vec<char> =
        raw.trim().chars().filter(|c| !matches!(c, ':' | '-' | '.')).map(|c| c.to_ascii_lowercase()).collect();
    if hex.len() != 12 || !hex.iter().all(char::is_ascii_hexdigit) {
        return None;
    }
    let pairs: Vec<String> = hex.chunks(2).map(|p| p.iter().collect()).collect();
    Some(pairs.join(":"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_serials_are_dropped() {
        for s in ["", " ", "0", "00000000", "None", "To be filled by O.E.M.", "System Serial Number", "Default string"]
        {
            assert_eq!(serial(s), None, "{s:?}");
        }
        assert_eq!(serial(" 5CD1234XYZ "), Some("5CD1234XYZ".to_owned()));
    }

    #[test]
    fn junk_uuids_are_dropped() {
        assert_eq!(uuid("00000000-0000-0000-0000-000000000000"), None);
        assert_eq!(uuid("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"), None);
        assert_eq!(uuid("not-a-uuid"), None);
        assert_eq!(
            uuid("4C4C4544-0042-3510-8051-B3C04F4A4E32"),
            Some("4c4c4544-0042-3510-8051-b3c04f4a4e32".to_owned())
        );
    }

    #[test]
    fn macs_are_normalised() {
        assert_eq!(mac("00-1A-2B-3C-4D-5E"), Some("00:1a:2b:3c:4d:5e".to_owned()));
        assert_eq!(mac("00:00:00:00:00:00"), None);
        assert_eq!(mac("zz:00:00:00:00:00"), None);
    }
}
