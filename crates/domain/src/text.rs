//! The one rule for text a user sends, checked at every edge: a length in
//! characters, and no control characters. Multi-line text (descriptions,
//! comments, notes) may hold newlines and tabs (a browser's CRLF becomes
//! LF); single-line text (titles, names, labels) holds none at all.
//! File names additionally lose the bidirectional overrides that make
//! `invoice\u{202E}fdp.exe` look like `invoiceexe.pdf`.

/// A field's allowed length in characters (not bytes), and whether it may
/// span lines.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub min: usize,
    pub max: usize,
    pub multiline: bool,
}

impl Limit {
    const fn line(min: usize, max: usize) -> Limit {
        Limit { min, max, multiline: false }
    }
    const fn lines(min: usize, max: usize) -> Limit {
        Limit { min, max, multiline: true }
    }
}

pub const TITLE: Limit = Limit::line(1, 200);
pub const DESCRIPTION: Limit = Limit::lines(0, 20_000);
pub const COMMENT: Limit = Limit::lines(1, 20_000);
pub const SHORT: Limit = Limit::line(0, 100);
pub const NAME: Limit = Limit::line(1, 100);
pub const NOTES: Limit = Limit::lines(1, 20_000);

/// Why a text was refused, ready to be shown beside its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("is required")]
    Required,
    #[error("is too long: at most {max} characters, got {got}")]
    TooLong { max: usize, got: usize },
    #[error("must not contain control characters")]
    Control,
    #[error("must be a single line")]
    Multiline,
}

/// Trims the text and checks it against the limit; multi-line text comes
/// back with `\n` line ends.
pub fn check(value: &str, limit: Limit) -> Result<String, TextError> {
    let v = value.trim();
    let v = if limit.multiline && v.contains('\r') { v.replace("\r\n", "\n") } else { v.to_owned() };
    let n = v.chars().count();
    if n < limit.min {
        return Err(TextError::Required);
    }
    if n > limit.max {
        return Err(TextError::TooLong { max: limit.max, got: n });
    }
    for c in v.chars() {
        match c {
            '\n' | '\t' if limit.multiline => {}
            '\n' | '\r' if !limit.multiline => return Err(TextError::Multiline),
            c if c.is_control() || is_line_separator(c) && !limit.multiline => return Err(TextError::Control),
            _ => {}
        }
    }
    Ok(v)
}

/// Text from a source that cannot be asked again (a received email) made
/// to fit the rule instead of refused: line ends become `\n` (or spaces
/// on a single line), tabs stay only in multi-line text, other control
/// characters go, and the rest is cut to the limit.
pub fn fit(value: &str, limit: Limit) -> String {
    let v = value.replace("\r\n", "\n");
    let kept = v.chars().filter_map(|c| match c {
        '\n' | '\t' if limit.multiline => Some(c),
        '\n' | '\r' | '\t' => Some(' '),
        c if c.is_control() || is_line_separator(c) && !limit.multiline => None,
        c => Some(c),
    });
    kept.collect::<String>().trim().chars().take(limit.max).collect()
}

/// U+2028 and U+2029 break lines in many viewers without being controls.
fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

/// Characters that reorder the text shown around them (embeddings,
/// overrides and isolates), so a file name can display as something else.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A file name as kept: no path, no controls or bidi overrides, none of
/// the characters Windows refuses, no leading dots, at most 200 characters.
pub fn file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_bidi_control(*c) && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*'))
        .take(200)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() { "attachment".to_owned() } else { cleaned.to_owned() }
}

impl From<TextError> for crate::code::Message {
    fn from(e: TextError) -> Self {
        use crate::code::Code;
        let text = e.to_string();
        match e {
            TextError::Required => Code::Required.msg(text),
            TextError::TooLong { max, got } => Code::TooLong.msg(text).with("max", max).with("got", got),
            TextError::Control => Code::ControlCharacters.msg(text),
            TextError::Multiline => Code::SingleLine.msg(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_lengths_in_characters() {
        assert_eq!(check("  hi ", TITLE), Ok("hi".into()));
        assert_eq!(check("   ", TITLE), Err(TextError::Required));
        assert_eq!(check(&"ż".repeat(200), TITLE).map(|s| s.chars().count()), Ok(200));
        assert_eq!(check(&"x".repeat(201), TITLE), Err(TextError::TooLong { max: 200, got: 201 }));
    }

    #[test]
    fn no_controls_and_lines_only_where_text_is_multiline() {
        assert_eq!(check("line\nline", DESCRIPTION), Ok("line\nline".into()));
        assert_eq!(check("a\r\nb\tc", COMMENT), Ok("a\nb\tc".into()));
        for bad in ["a\u{0}b", "a\u{1b}[31mb", "a\u{7f}", "a\u{85}b", "a\rb", "a\u{8}b"] {
            assert_eq!(check(bad, COMMENT), Err(TextError::Control), "{bad:?}");
            assert!(check(bad, TITLE).is_err(), "{bad:?}");
        }
        for one_line in [TITLE, NAME, SHORT] {
            assert_eq!(check("a\nb", one_line), Err(TextError::Multiline));
            assert_eq!(check("a\r\nb", one_line), Err(TextError::Multiline));
            assert_eq!(check("a\tb", one_line), Err(TextError::Control));
            assert_eq!(check("a\u{2028}b", one_line), Err(TextError::Control));
        }
        assert_eq!(check("Zażółć gęślą jaźń — ok", TITLE), Ok("Zażółć gęślą jaźń — ok".into()));
    }

    #[test]
    fn fit_makes_text_follow_the_rule() {
        assert_eq!(fit(" Re: printer\r\n  down\u{c} ", TITLE), "Re: printer   down");
        assert_eq!(fit("a\r\nb\rc\u{0}d\te", COMMENT), "a\nb cd\te");
        assert_eq!(fit(&"x".repeat(300), TITLE).len(), 200);
        for s in ["a\u{1}\nb", "tab\there", "x\u{2028}y", "\u{85}z"] {
            assert!(check(&fit(s, TITLE), TITLE).is_ok(), "{s:?}");
            assert!(check(&fit(s, COMMENT), COMMENT).is_ok(), "{s:?}");
        }
    }

    #[test]
    fn file_names_lose_paths_controls_and_bidi_overrides() {
        assert_eq!(file_name("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(file_name("a\u{2066}b\u{2069}c\u{202A}d.txt"), "abcd.txt");
        assert_eq!(file_name("../../etc/passwd"), "passwd");
        assert_eq!(file_name("C:\\temp\\log.txt"), "log.txt");
        assert_eq!(file_name("..hidden\n"), "hidden");
        assert_eq!(file_name("\u{202E}"), "attachment");
        assert_eq!(file_name("raport_końcowy.pdf"), "raport_końcowy.pdf");
        assert_eq!(file_name("a\"b<c>.txt"), "abc.txt");
        assert_eq!(file_name(".."), "attachment");
        assert_eq!(file_name(""), "attachment");
    }
}
