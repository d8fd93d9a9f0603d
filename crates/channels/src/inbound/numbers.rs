//! Finding the record a received email is about: in its threading ids
//! (reliable, we made them) or in its subject (what people type and edit).
//!
//! A record number is 2 to 5 capital letters and 7 to 12 digits: `INC0000123`
//! today, other kinds (`CHG`, `PRB`, `RITM`…) later, and more digits once a
//! counter passes 9 999 999. Any such number matches, whatever prefixes the
//! site configured (`[numbers]` allows exactly 2 to 5 letters): the caller
//! reads it with the configured and the default prefixes. Written by hand rather than with a regex crate:
//! the pattern is simple and the crate would be the only user.

/// Whether all of `s` is a record number.
pub fn is_record_number(s: &str) -> bool {
    match_at(s.as_bytes(), 0) == Some(s.len())
}

/// The end of a record number starting at `start`, if one does (letters and
/// digits only; the caller checks what surrounds it).
fn match_at(b: &[u8], start: usize) -> Option<usize> {
    let letters = b[start..].iter().take_while(|c| c.is_ascii_uppercase()).count();
    if !(2..=5).contains(&letters) {
        return None;
    }
    let digits = b[start + letters..].iter().take_while(|c| c.is_ascii_digit()).count();
    (7..=12).contains(&digits).then_some(start + letters + digits)
}

/// The record number in a subject: the first one in square brackets
/// (`Re: [INC0000123] Printer`), else the first standing alone as a word
/// (`Re: INC0000123 printer`). Not one glued to other letters or digits
/// (`xINC0000123`, `INC00001234567890`).
pub fn record_number_in(subject: &str) -> Option<String> {
    let b = subject.as_bytes();
    for (open, _) in subject.match_indices('[') {
        let inner = &subject[open + 1..];
        if let Some(close) = inner.find(']') {
            let candidate = inner[..close].trim();
            if is_record_number(candidate) {
                return Some(candidate.to_owned());
            }
        }
    }
    let word_char = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_alphanumeric());
    (0..b.len())
        .filter(|&i| b[i].is_ascii_uppercase() && (i == 0 || !word_char(i - 1)))
        .find_map(|i| match_at(b, i).filter(|&end| !word_char(end)).map(|end| subject[i..end].to_owned()))
}

/// The record named by one of our message ids, `<INC0000123@domain>` (a
/// record's thread root) or `<anything.INC0000123@domain>` (one
/// notification), among `ids` (`In-Reply-To` first, then `References`; with
/// or without angle brackets). Ids of other domains are ignored, so a
/// foreign id that happens to look like ours does not match.
pub fn thread_record<I, S>(ids: I, domain: &str) -> Option<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    ids.into_iter().find_map(|id| {
        let id = id.as_ref().trim().trim_start_matches('<').trim_end_matches('>');
        let (local, host) = id.rsplit_once('@')?;
        if !host.eq_ignore_ascii_case(domain) {
            return None;
        }
        let candidate = local.rsplit('.').next()?;
        is_record_number(candidate).then(|| candidate.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects() {
        let cases = [
            ("[INC0000123] Printer on fire", Some("INC0000123")),
            ("Re: [INC0000123] Printer on fire", Some("INC0000123")),
            ("RE: AW: Odp: [ INC0000123 ] Drukarka", Some("INC0000123")),
            ("Re: INC0000123 printer", Some("INC0000123")),
            ("Re:INC0000123", Some("INC0000123")),
            ("About CHG0000042 and [INC0000007]", Some("INC0000007")),
            ("[RITM0001234] Laptop", Some("RITM0001234")),
            // Prefixes a site configured: two to five letters.
            ("Re: [TKT0000001] Monitor", Some("TKT0000001")),
            ("Re: KB0000042 helped", Some("KB0000042")),
            ("AW: [TICKT0000009]", Some("TICKT0000009")),
            ("[INC12345678] big counter", Some("INC12345678")),
            ("Printer on fire", None),
            ("xINC0000123", None),
            ("ABCDEFINC0000123", None),
            ("1INC0000123", None),
            ("INC0000123X", None),
            ("INC000012", None),
            ("inc0000123", None),
            ("[I0000123]", None),
            ("[ABCDEF0000123]", None),
            ("INC0000000000000", None),
            ("Zażółć [INC0000123] gęślą", Some("INC0000123")),
            ("", None),
            ("[", None),
        ];
        for (subject, want) in cases {
            assert_eq!(record_number_in(subject).as_deref(), want, "{subject}");
        }
    }

    #[test]
    fn threading_ids() {
        let d = "example.com";
        assert_eq!(thread_record(["<INC0000123@example.com>"], d).as_deref(), Some("INC0000123"));
        assert_eq!(thread_record(["<9f2ce1a0b1c2d3e4.INC0000123@EXAMPLE.com>"], d).as_deref(), Some("INC0000123"));
        assert_eq!(thread_record(["INC0000123@example.com"], d).as_deref(), Some("INC0000123"));
        assert_eq!(
            thread_record(["<CAF=abc@mail.gmail.com>", "<x.INC0000009@example.com>"], d).as_deref(),
            Some("INC0000009")
        );
        assert_eq!(thread_record(["<INC0000123@other.org>"], d), None);
        assert_eq!(thread_record(["<notarecord@example.com>", "garbage", ""], d), None);
        assert_eq!(thread_record(Vec::<String>::new(), d), None);
    }
}
