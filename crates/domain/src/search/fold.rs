//! Folding: the one rule that turns text into search tokens, used by the
//! indexer and by the query parser so that both always agree.
//!
//! Text is decomposed (NFKD: `ﬁ` → `fi`, `²` → `2`), combining marks are
//! dropped (`ó` → `o`), letters are lowercased, the Latin letters that do
//! not decompose are spelled out (`ł` → `l`, `ß` → `ss`, `æ` → `ae`, `ø` → `o`,
//! `đ` → `d`, …), and every character that is then not an ASCII letter or
//! digit separates words. A token therefore only ever holds `[a-z0-9]`,
//! which is what makes it safe to put into an FTS5 or tsquery expression.
//! Letters of other scripts (Cyrillic, Greek, CJK, Arabic, …) become
//! separators too: the search covers English and Polish.

use std::ops::Range;

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

/// A word of the original text: where it is, and its folded token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte range in the original text.
    pub span: Range<usize>,
    /// The folded token: non-empty, `[a-z0-9]` only.
    pub token: String,
}

/// The text folded to its tokens, separated by single spaces.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    scan(text, |w| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w.token);
    });
    out
}

/// The folded tokens of a text, in order.
pub fn words(text: &str) -> impl Iterator<Item = String> {
    spans(text).into_iter().map(|w| w.token)
}

/// The words of a text with where each one stands in it, so a match on
/// the folded token can be shown in the original text.
pub fn spans(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    scan(text, |w| out.push(w));
    out
}

/// Is the string a token as `fold` makes them: non-empty `[a-z0-9]`?
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// What one character of input folds to, piece by piece.
enum Piece {
    Char(char),
    Separator,
}

/// Walks the text once, handing each finished word to `emit`.
fn scan(text: &str, mut emit: impl FnMut(Word)) {
    let mut token = String::new();
    let mut span = 0..0;
    for (at, c) in text.char_indices() {
        let end = at + c.len_utf8();
        fold_char(c, &mut |piece| match piece {
            Piece::Char(f) => {
                if token.is_empty() {
                    span.start = at;
                }
                span.end = end;
                token.push(f);
            }
            Piece::Separator => {
                if !token.is_empty() {
                    emit(Word { span: span.clone(), token: std::mem::take(&mut token) });
                }
            }
        });
    }
    if !token.is_empty() {
        emit(Word { span, token });
    }
}

fn fold_char(c: char, out: &mut impl FnMut(Piece)) {
    if c.is_ascii() {
        out(if c.is_ascii_alphanumeric() { Piece::Char(c.to_ascii_lowercase()) } else { Piece::Separator });
        return;
    }
    // A combining mark stays inside its word (`e` + U+0301 is one word).
    decompose_compatible(c, |d| {
        if is_combining_mark(d) {
            return;
        }
        for l in d.to_lowercase() {
            if let Some(spelled) = spell_out(l) {
                spelled.chars().for_each(|s| out(Piece::Char(s)));
            } else if l.is_ascii_alphanumeric() {
                out(Piece::Char(l));
            } else if !is_combining_mark(l) {
                out(Piece::Separator);
            }
        }
    });
}

/// Lowercase Latin letters that Unicode does not decompose into a base
/// letter and a mark.
fn spell_out(c: char) -> Option<&'static str> {
    Some(match c {
        'ł' => "l",
        'ß' => "ss",
        'æ' => "ae",
        'ø' => "o",
        'đ' | 'ð' => "d",
        'œ' => "oe",
        'þ' => "th",
        'ħ' => "h",
        'ı' => "i",
        'ŧ' => "t",
        'ƒ' => "f",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn polish_and_other_latin_letters_fold_to_ascii() {
        assert_eq!(fold("Żółty"), "zolty");
        assert_eq!(fold("ŁÓDŹ łódź"), "lodz lodz");
        assert_eq!(fold("Zażółć gęślą jaźń"), "zazolc gesla jazn");
        assert_eq!(fold("Straße STRASSE"), "strasse strasse");
        assert_eq!(fold("ẞ"), "ss");
        assert_eq!(fold("Æble Øresund Đorđe"), "aeble oresund dorde");
        assert_eq!(fold("Œuvre Þór Ðú ħ ı"), "oeuvre thor du h i");
        assert_eq!(fold("Crème brûlée naïve façade"), "creme brulee naive facade");
        assert_eq!(fold("İstanbul"), "istanbul");
    }

    #[test]
    fn combining_marks_stay_inside_their_word() {
        // "żółty" written with combining marks instead of precomposed letters.
        assert_eq!(fold("z\u{307}o\u{301}\u{142}ty"), "zolty");
        assert_eq!(fold("e\u{301}t\u{e9}"), "ete");
        // A mark with nothing before it is not a word.
        assert_eq!(fold("\u{301} a"), "a");
    }

    #[test]
    fn compatibility_forms_decompose() {
        assert_eq!(fold("ﬁle"), "file");
        assert_eq!(fold("Ｗｉｎｄｏｗｓ１１"), "windows11");
        assert_eq!(fold("m²"), "m2");
        assert_eq!(fold("½"), "1 2");
    }

    #[test]
    fn everything_else_separates_words() {
        assert_eq!(fold("printer-jam, INC0001127!"), "printer jam inc0001127");
        assert_eq!(fold("a.b@c.example"), "a b c example");
        assert_eq!(fold("NEAR(a b) OR \"c\"* ^d col:x -e +f {g}"), "near a b or c d col x e f g");
        assert_eq!(fold("'; DROP TABLE x; --"), "drop table x");
        assert_eq!(fold("tab\there\0nul\u{202e}rtl"), "tab here nul rtl");
        assert_eq!(fold("Привет мир printer"), "printer");
        assert_eq!(fold("打印机 printer 🖨️ jam"), "printer jam");
        assert_eq!(fold("שלום printer"), "printer");
        assert_eq!(fold("٣ digits"), "digits");
        assert_eq!(fold(""), "");
        assert_eq!(fold("  ...  "), "");
    }

    #[test]
    fn words_and_spans_point_back_into_the_original() {
        let text = "Drukarka „Żółta” nie działa";
        let got: Vec<_> = words(text).collect();
        assert_eq!(got, ["drukarka", "zolta", "nie", "dziala"]);
        let s = spans(text);
        assert_eq!(&text[s[1].span.clone()], "Żółta");
        assert_eq!(&text[s[3].span.clone()], "działa");
        let marks = "ź\u{301}le";
        assert_eq!(spans(marks)[0].span, 0..marks.len());
    }

    #[test]
    fn tokens_are_recognised() {
        assert!(is_token("abc123"));
        for bad in ["", "Abc", "a b", "ą", "a-b", "\"", "*"] {
            assert!(!is_token(bad), "{bad:?}");
        }
    }

    proptest! {
        /// Whatever comes in, every token is `[a-z0-9]`, folding is
        /// idempotent, and each span cuts the original at char boundaries.
        #[test]
        fn tokens_are_safe_and_folding_is_stable(text in any::<String>()) {
            let folded = fold(&text);
            for w in spans(&text) {
                prop_assert!(is_token(&w.token), "{:?}", w.token);
                prop_assert!(text.get(w.span.clone()).is_some());
            }
            prop_assert_eq!(fold(&folded), folded.clone());
            prop_assert_eq!(words(&text).collect::<Vec<_>>().join(" "), folded);
        }

        #[test]
        fn latin_text_keeps_its_word_count(text in "[a-zA-ZąćęłńóśźżĄĆĘŁŃÓŚŹŻ ]{0,40}") {
            prop_assert_eq!(words(&text).count(), text.split_whitespace().count());
        }
    }
}
