//! What a person typed in a search box, parsed into a [`Query`] and
//! rendered for SQLite FTS5 and PostgreSQL text search.
//!
//! Nothing typed is ever passed to an engine as syntax: operators such as
//! `AND`, `NEAR(…)`, `*`, `^`, `col:`, `-` or parentheses fold to
//! separators or plain words, and the expression is rebuilt from folded
//! tokens alone (`[a-z0-9]`), each of them quoted or bare.

use super::fold::{Word, is_token, spans};
use super::stop_words::is_stop_word;

/// The longest search text accepted, in characters.
pub const MAX_CHARS: usize = 500;
/// The shortest word matched as a prefix while typed: shorter ones would
/// match much of the index (SQLite keeps a prefix index for three letters).
pub const MIN_PREFIX: usize = 3;

/// Quotation marks that open or close a phrase: the ASCII one and the
/// typographic ones a phone or a Polish keyboard puts in („…”, “…”).
const QUOTES: [char; 4] = ['"', '„', '“', '”'];

/// A parsed search: the terms every hit must contain (implicit AND), and
/// the record numbers it names. Built only by [`parse`], so every token in
/// it is a folded `[a-z0-9]` token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    terms: Vec<Term>,
    numbers: Vec<NumberRef>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// One token; `prefix` while the person is still typing it.
    Word { token: String, prefix: bool },
    /// Two or more tokens that must follow each other.
    Phrase(Vec<String>),
}

/// A record number named in the search: `INC0001127` or `inc1127` names a
/// kind by its prefix (as configured); a bare `1127` or `#1127` names that
/// number of every kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberRef {
    pub prefix: Option<String>,
    pub seq: i64,
}

/// A token to highlight in a result; `prefix` when words starting with it
/// count as matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub token: String,
    pub prefix: bool,
}

/// Why a search text was refused; shown beside the field (`q`), so each
/// message reads after the field's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("is too long: at most {max} characters")]
    TooLong { max: usize },
    #[error("has a quotation mark that is not closed")]
    UnbalancedQuotes,
    #[error("has nothing to search for: only punctuation or symbols")]
    NothingToSearch,
    #[error("has only common words such as \"the\" or \"i\": add a word that says what you are looking for")]
    StopWordsOnly,
}

impl From<QueryError> for crate::code::Message {
    fn from(e: QueryError) -> Self {
        use crate::code::Code;
        let text = e.to_string();
        match e {
            QueryError::TooLong { max } => Code::SearchTooLong.msg(text).with("max", max),
            QueryError::UnbalancedQuotes => Code::SearchUnbalancedQuotes.msg(text),
            QueryError::NothingToSearch => Code::SearchNothingLeft.msg(text),
            QueryError::StopWordsOnly => Code::SearchStopWordsOnly.msg(text),
        }
    }
}

impl QueryError {
    /// A stable code for translations and API clients.
    pub fn code(&self) -> &'static str {
        match self {
            QueryError::TooLong { .. } => "too_long",
            QueryError::UnbalancedQuotes => "unbalanced_quotes",
            QueryError::NothingToSearch => "nothing_to_search",
            QueryError::StopWordsOnly => "stop_words_only",
        }
    }
}

/// Longest record sequence accepted in a number (as `number::RecordNumber`).
const MAX_DIGITS: usize = 12;

enum Item {
    Free { word: Word, prefix: bool },
    Phrase(Vec<String>),
}

/// Parses a search text. `prefixes` are the record-number prefixes of the
/// kinds that exist (`INC`, `PRB`, `KB`, …; any case).
///
/// The last word matches as a prefix when nothing follows it, not even a
/// space or a punctuation mark: the person is still typing it. A word of
/// fewer than [`MIN_PREFIX`] characters is matched whole.
pub fn parse(input: &str, prefixes: &[&str]) -> Result<Query, QueryError> {
    // Stops after MAX_CHARS + 1 characters, however long the input is.
    if input.chars().nth(MAX_CHARS).is_some() {
        return Err(QueryError::TooLong { max: MAX_CHARS });
    }
    let items = items(input)?;
    if items.is_empty() {
        return Err(QueryError::NothingToSearch);
    }
    let all_stop = items.iter().all(|item| match item {
        Item::Free { word, .. } => is_stop_word(&word.token),
        Item::Phrase(tokens) => tokens.iter().all(|t| is_stop_word(t)),
    });
    if all_stop {
        return Err(QueryError::StopWordsOnly);
    }
    let mut terms = Vec::new();
    let mut numbers = Vec::new();
    for item in items {
        match item {
            Item::Phrase(mut tokens) if tokens.len() == 1 => {
                terms.push(Term::Word { token: tokens.remove(0), prefix: false });
            }
            Item::Phrase(tokens) => terms.push(Term::Phrase(tokens)),
            Item::Free { word, prefix } => {
                let number = number_in(&word.token, prefixes);
                let token = match &number {
                    // Indexed as displayed: INC0001127, whatever was typed.
                    Some((Some(p), seq)) if !prefix => canonical(p, *seq),
                    _ => word.token,
                };
                if let Some((prefix, seq)) = number {
                    numbers.push(NumberRef { prefix, seq });
                } else if is_stop_word(&token) && !prefix {
                    continue;
                }
                terms.push(Term::Word { token, prefix });
            }
        }
    }
    Ok(Query { terms, numbers })
}

/// Splits the input at quotation marks into free words and phrases.
fn items(input: &str) -> Result<Vec<Item>, QueryError> {
    let mut items = Vec::new();
    let mut in_phrase = false;
    let mut start = 0;
    let pieces = input.match_indices(QUOTES).map(|(at, q)| (at, at + q.len())).chain([(input.len(), input.len())]);
    for (end, next) in pieces {
        let piece = &input[start..end];
        let words = spans(piece);
        if in_phrase {
            if !words.is_empty() {
                items.push(Item::Phrase(words.into_iter().map(|w| w.token).collect()));
            }
        } else {
            let last = words.len().saturating_sub(1);
            for (i, word) in words.into_iter().enumerate() {
                let typing = i == last && start + word.span.end == input.len() && word.token.len() >= MIN_PREFIX;
                items.push(Item::Free { word, prefix: typing });
            }
        }
        if end == input.len() {
            break;
        }
        in_phrase = !in_phrase;
        start = next;
    }
    if in_phrase {
        return Err(QueryError::UnbalancedQuotes);
    }
    Ok(items)
}

/// A token that is a record number: a known prefix and digits, or digits.
fn number_in(token: &str, prefixes: &[&str]) -> Option<(Option<String>, i64)> {
    let seq = |digits: &str| -> Option<i64> {
        if digits.is_empty() || digits.len() > MAX_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse::<i64>().ok().filter(|&n| n > 0)
    };
    if let Some(n) = seq(token) {
        return Some((None, n));
    }
    prefixes.iter().find_map(|p| {
        let rest = token.get(p.len()..)?;
        let head = token.get(..p.len())?;
        if !p.is_empty() && head.eq_ignore_ascii_case(p) { seq(rest).map(|n| (Some((*p).to_owned()), n)) } else { None }
    })
}

/// The folded token of a record number as it is displayed: INC0001127.
fn canonical(prefix: &str, seq: i64) -> String {
    format!("{}{seq:07}", prefix.to_ascii_lowercase())
}

impl Query {
    /// The terms, in the order typed; never empty.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The record numbers named, in the order typed.
    pub fn numbers(&self) -> &[NumberRef] {
        &self.numbers
    }

    /// The tokens to highlight in a result.
    pub fn marks(&self) -> Vec<Mark> {
        let mut marks = Vec::new();
        for term in &self.terms {
            match term {
                Term::Word { token, prefix } => marks.push(Mark { token: token.clone(), prefix: *prefix }),
                Term::Phrase(tokens) => {
                    marks.extend(tokens.iter().map(|t| Mark { token: t.clone(), prefix: false }));
                }
            }
        }
        marks
    }
}

/// An FTS5 `MATCH` expression: every token double-quoted (so no token is
/// read as an operator or a column name), phrases as one quoted sequence,
/// a prefix as `"tok"*`, terms side by side (implicit AND).
pub fn to_fts5(query: &Query) -> String {
    let mut out = String::new();
    for term in &query.terms {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push('"');
        match term {
            Term::Word { token, prefix } => {
                out.push_str(safe(token));
                out.push('"');
                if *prefix {
                    out.push('*');
                }
            }
            Term::Phrase(tokens) => {
                push_joined(&mut out, tokens, " ");
                out.push('"');
            }
        }
    }
    out
}

/// Input for PostgreSQL's `to_tsquery('simple', …)`: tokens joined by `&`,
/// phrases by `<->`, a prefix as `tok:*`.
pub fn to_tsquery(query: &Query) -> String {
    let mut out = String::new();
    for term in &query.terms {
        if !out.is_empty() {
            out.push_str(" & ");
        }
        match term {
            Term::Word { token, prefix } => {
                out.push_str(safe(token));
                if *prefix {
                    out.push_str(":*");
                }
            }
            Term::Phrase(tokens) => {
                out.push('(');
                push_joined(&mut out, tokens, " <-> ");
                out.push(')');
            }
        }
    }
    out
}

fn push_joined(out: &mut String, tokens: &[String], sep: &str) {
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(safe(t));
    }
}

/// The renderers' guarantee: only folded tokens reach an engine. `parse`
/// makes nothing else, so this never fires; if it ever did, a panic is
/// better than handing an engine syntax from a user.
fn safe(token: &str) -> &str {
    assert!(is_token(token), "search token {token:?} is not folded");
    token
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
