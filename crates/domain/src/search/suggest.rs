//! Suggestions while a report is typed: the words of its title and
//! description, any of which may match (a search box asks for every word;
//! a half-written report rarely has all its words in one article), ranked
//! by the engine by how well they match.
//!
//! Like [`super::query`], nothing typed reaches an engine as syntax: the
//! expressions are rebuilt from folded `[a-z0-9]` tokens.

use super::fold::spans;
use super::query::{MIN_PREFIX, Mark};
use super::stop_words::is_stop_word;

/// The most words taken from a report: the title's first, then the
/// description's. More would only slow the engine without changing the
/// best matches.
pub const MAX_WORDS: usize = 12;
/// How much of a description is read for words, in bytes.
const DESCRIPTION_BYTES: usize = 2_000;

/// The words a suggestion looks for; built only by [`words_of`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggest {
    words: Vec<String>,
    /// The title's last word is still being typed: it matches as a prefix.
    prefix: Option<String>,
}

/// The words of a report being typed, or none when it has nothing to look
/// for yet (empty, punctuation, only common words). A title's last word
/// that nothing follows is being typed and matches as a prefix once it has
/// three letters (fewer match most of the index).
pub fn words_of(title: &str, description: &str) -> Option<Suggest> {
    let mut words: Vec<String> = Vec::new();
    let mut prefix = None;
    let title_words = spans(title);
    let last = title_words.len().checked_sub(1);
    for (i, w) in title_words.into_iter().enumerate() {
        let typing = Some(i) == last && w.span.end == title.len();
        if typing && !is_stop_word(&w.token) {
            if w.token.len() >= MIN_PREFIX {
                prefix = Some(w.token);
            }
            continue;
        }
        push(&mut words, w.token);
    }
    let mut end = description.len().min(DESCRIPTION_BYTES);
    while !description.is_char_boundary(end) {
        end -= 1;
    }
    // The description's last word may be cut in half: leave it out.
    let described = spans(&description[..end]);
    let whole = if end < description.len() { described.len().saturating_sub(1) } else { described.len() };
    for w in described.into_iter().take(whole) {
        push(&mut words, w.token);
    }
    if let Some(p) = &prefix {
        words.retain(|w| w != p);
    }
    words.truncate(MAX_WORDS - usize::from(prefix.is_some()));
    (!words.is_empty() || prefix.is_some()).then_some(Suggest { words, prefix })
}

/// Keeps a word worth matching: not a common word, not a single letter,
/// not seen yet.
fn push(words: &mut Vec<String>, token: String) {
    if token.len() > 1 && !is_stop_word(&token) && !words.contains(&token) {
        words.push(token);
    }
}

impl Suggest {
    /// The tokens to highlight in a suggestion.
    pub fn marks(&self) -> Vec<Mark> {
        let mut marks: Vec<Mark> = self.words.iter().map(|w| Mark { token: w.clone(), prefix: false }).collect();
        marks.extend(self.prefix.iter().map(|p| Mark { token: p.clone(), prefix: true }));
        marks
    }

    /// An FTS5 `MATCH` expression: any of the words, each quoted.
    pub fn to_fts5(&self) -> String {
        let mut terms: Vec<String> = self.words.iter().map(|w| format!("\"{}\"", safe(w))).collect();
        terms.extend(self.prefix.iter().map(|p| format!("\"{}\"*", safe(p))));
        terms.join(" OR ")
    }

    /// Input for `to_tsquery('simple', …)`: any of the words.
    pub fn to_tsquery(&self) -> String {
        let mut terms: Vec<String> = self.words.iter().map(|w| safe(w).to_owned()).collect();
        terms.extend(self.prefix.iter().map(|p| format!("{}:*", safe(p))));
        terms.join(" | ")
    }
}

/// Only folded tokens reach an engine (as in `query::safe`).
fn safe(token: &str) -> &str {
    assert!(super::fold::is_token(token), "search token {token:?} is not folded");
    token
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_words_come_first_and_the_last_one_typed_is_a_prefix() {
        let s = words_of("Drukarka nie drukuje na piętrze 3, błąd papie", "Papier się zacina. Drukarka HP").unwrap();
        assert_eq!(
            s.to_fts5(),
            r#""drukarka" OR "drukuje" OR "pietrze" OR "blad" OR "papier" OR "zacina" OR "hp" OR "papie"*"#
        );
        assert_eq!(s.to_tsquery(), "drukarka | drukuje | pietrze | blad | papier | zacina | hp | papie:*");
    }

    #[test]
    fn a_finished_title_has_no_prefix_and_short_prefixes_wait() {
        let s = words_of("VPN drops ", "").unwrap();
        assert_eq!(s.to_tsquery(), "vpn | drops");
        let s = words_of("VPN dr", "").unwrap();
        assert_eq!(s.to_tsquery(), "vpn");
        assert_eq!(words_of("VPN dro", "").unwrap().to_tsquery(), "vpn | dro:*");
    }

    #[test]
    fn nothing_to_look_for_is_none() {
        assert_eq!(words_of("", ""), None);
        assert_eq!(words_of("?!", "—"), None);
        assert_eq!(words_of("the and", "is the"), None);
        assert_eq!(words_of("a", ""), None);
    }

    #[test]
    fn syntax_typed_is_only_words() {
        let s = words_of(r#"NEAR(x y) "a* OR col:b ^c"#, r#"") AND -drop"#).unwrap();
        for t in s.to_fts5().split(" OR ") {
            assert!(t.starts_with('"') && (t.ends_with('"') || t.ends_with("\"*")), "{t}");
        }
        assert!(!s.to_tsquery().contains('&') && !s.to_tsquery().contains('!'));
    }

    #[test]
    fn long_reports_are_capped() {
        let title = (0..40).map(|i| format!("word{i}")).collect::<Vec<_>>().join(" ");
        let body = "x".repeat(10_000) + " tail";
        let s = words_of(&title, &body).unwrap();
        assert_eq!(s.marks().len(), MAX_WORDS);
        assert!(s.marks().iter().all(|m| m.token.starts_with("word")));
        // A description cut in the middle of a character is still read.
        assert!(words_of("", &"ż".repeat(1_500)).is_none());
    }
}
