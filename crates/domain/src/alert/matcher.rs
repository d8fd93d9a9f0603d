//! Label matchers as Alertmanager reads them: the text form amtool and the
//! `filter=` query parameters send (`{foo="bar",baz=~"x.*"}`), and the
//! API's JSON form (`{name, value, isRegex, isEqual}`).

use std::fmt;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::Labels;
use crate::code::{Code, Message};

/// How a matcher compares a label's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchOp {
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

impl MatchOp {
    pub const ALL: [MatchOp; 4] = [MatchOp::Equal, MatchOp::NotEqual, MatchOp::Regex, MatchOp::NotRegex];

    pub fn as_str(self) -> &'static str {
        match self {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Regex => "=~",
            MatchOp::NotRegex => "!~",
        }
    }

    pub fn is_regex(self) -> bool {
        matches!(self, MatchOp::Regex | MatchOp::NotRegex)
    }

    /// `=` and `=~` (the API's `isEqual`).
    pub fn is_equal(self) -> bool {
        matches!(self, MatchOp::Equal | MatchOp::Regex)
    }

    fn from_flags(is_equal: bool, is_regex: bool) -> MatchOp {
        match (is_equal, is_regex) {
            (true, false) => MatchOp::Equal,
            (false, false) => MatchOp::NotEqual,
            (true, true) => MatchOp::Regex,
            (false, true) => MatchOp::NotRegex,
        }
    }
}

/// One condition on one label. A regex is compiled once, anchored as
/// Alertmanager anchors it (`^(?:value)$`), so `a.*` does not match `ba`.
#[derive(Debug, Clone)]
pub struct Matcher {
    pub name: String,
    pub op: MatchOp,
    pub value: String,
    re: Option<Regex>,
}

impl Matcher {
    /// A matcher; a regex that does not compile is refused, the message
    /// naming the matcher. The name is not checked here: the text form
    /// allows `:` and silences check the classic rule themselves.
    pub fn new(name: impl Into<String>, op: MatchOp, value: impl Into<String>) -> Result<Matcher, Message> {
        let (name, value) = (name.into(), value.into());
        let re = if op.is_regex() {
            match Regex::new(&format!("^(?:{value})$")) {
                Ok(re) => Some(re),
                Err(e) => {
                    let shown = format!("{name}{}\"{}\"", op.as_str(), escape(&value));
                    let error = regex_error(&e);
                    return Err(Code::InvalidRegex
                        .msg(format!("{shown}: invalid regular expression: {error}"))
                        .with("matcher", shown)
                        .with("error", error));
                }
            }
        } else {
            None
        };
        Ok(Matcher { name, op, value, re })
    }

    /// Whether `value` (the label's value, empty when missing) passes.
    pub fn matches_value(&self, value: &str) -> bool {
        match (self.op, &self.re) {
            (MatchOp::Equal, _) => value == self.value,
            (MatchOp::NotEqual, _) => value != self.value,
            (MatchOp::Regex, Some(re)) => re.is_match(value),
            (MatchOp::NotRegex, Some(re)) => !re.is_match(value),
            // `new` compiles every regex matcher; nothing else builds one.
            (MatchOp::Regex | MatchOp::NotRegex, None) => false,
        }
    }

    /// Whether the label set passes; a missing label is the empty string.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.matches_value(labels.get(&self.name))
    }

    /// Alertmanager's `matchesEmpty` for silences: only `=` and `=~` count,
    /// so `a!="x"` is not "matching the empty string" there even though
    /// it passes an alert without `a`.
    pub fn matches_empty(&self) -> bool {
        self.op.is_equal() && self.matches_value("")
    }
}

/// Two matchers are the same when they say the same thing.
impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        (&self.name, self.op, &self.value) == (&other.name, other.op, &other.value)
    }
}

impl Eq for Matcher {}

/// `name op "value"`, escaped as OpenMetrics (`\\`, `\n`, `\"`): the form
/// [`parse_matcher`] reads back.
impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}\"{}\"", self.name, self.op.as_str(), escape(&self.value))
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', r"\\").replace('\n', r"\n").replace('"', "\\\"")
}

/// The regex crate's error without its multi-line caret drawing.
fn regex_error(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .rev()
        .find(|l| l.trim_start().starts_with("error:"))
        .map_or(text.clone(), |l| l.trim_start().trim_start_matches("error:").trim().to_owned())
}

/// All of them must pass (an empty list passes everything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matchers(pub Vec<Matcher>);

impl Matchers {
    pub fn matches(&self, labels: &Labels) -> bool {
        self.0.iter().all(|m| m.matches(labels))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Matcher> {
        self.0.iter()
    }
}

/// `{a="1",b=~"x"}`.
impl fmt::Display for Matchers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, m) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{m}")?;
        }
        f.write_str("}")
    }
}

impl FromIterator<Matcher> for Matchers {
    fn from_iter<I: IntoIterator<Item = Matcher>>(iter: I) -> Self {
        Matchers(iter.into_iter().collect())
    }
}

/// Go's `\s` in RE2: ASCII whitespace only.
fn is_go_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

/// A comma-separated list of matchers, as Alertmanager 0.25's
/// `ParseMatchers`: one leading `{` and one trailing `}` are optional,
/// commas inside double quotes do not separate, a trailing comma is
/// allowed; `foo=bar, dings!="bums"` and `{foo="bar",}` both read.
pub fn parse_matchers(text: &str) -> Result<Matchers, Message> {
    let s = text.strip_prefix('{').unwrap_or(text);
    let s = s.strip_suffix('}').unwrap_or(s);
    let mut tokens = Vec::new();
    let (mut quoted, mut escaped, mut start) = (false, false, 0);
    for (i, c) in s.char_indices() {
        match c {
            ',' if !quoted => {
                tokens.push(&s[start..i]);
                start = i + 1;
                continue;
            }
            ',' => {}
            '"' if escaped => escaped = false,
            '"' => quoted = !quoted,
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
    }
    let last = s[start..].trim_matches(is_go_space);
    if !last.is_empty() {
        tokens.push(last);
    }
    tokens.into_iter().map(parse_matcher).collect()
}

/// One matcher, `name op value`, as Alertmanager 0.25's `ParseMatcher`:
/// whitespace around each part is dropped; the name may hold `:`; the
/// value may be double-quoted and unescapes `\"`, `\\` and `\n` (any other
/// backslash stays literal); an unescaped `"` inside it is refused.
pub fn parse_matcher(text: &str) -> Result<Matcher, Message> {
    let bad = || {
        Code::BadMatcher.msg(format!("{text:?} is not a matcher: name, one of = != =~ !~, value")).with("matcher", text)
    };
    let s = text.trim_start_matches(is_go_space);
    let name_end = s
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || c == '_' || c == ':' || (i > 0 && c.is_ascii_digit())))
        .map_or(s.len(), |(i, _)| i);
    if name_end == 0 {
        return Err(bad());
    }
    let (name, rest) = s.split_at(name_end);
    let rest = rest.trim_start_matches(is_go_space);
    // `=~` before `=`, or the `~` would start the value.
    let (op, rest) = [MatchOp::Regex, MatchOp::NotRegex, MatchOp::NotEqual, MatchOp::Equal]
        .into_iter()
        .find_map(|op| rest.strip_prefix(op.as_str()).map(|r| (op, r)))
        .ok_or_else(bad)?;
    let raw = rest.trim_matches(is_go_space);
    let value = unescape(raw).ok_or_else(|| {
        Code::MatcherQuote
            .msg(format!("{text:?} has a double quote inside its value: write it as \\\""))
            .with("matcher", text)
    })?;
    Matcher::new(name, op, value)
}

/// The value of a matcher's text, or None for a stray `"`.
fn unescape(raw: &str) -> Option<String> {
    let (raw, mut expect_closing) = match raw.strip_prefix('"') {
        Some(r) => (r, true),
        None => (raw, false),
    };
    let mut out = String::with_capacity(raw.len());
    let mut escaped = false;
    for (i, c) in raw.char_indices() {
        let last = i + c.len_utf8() == raw.len();
        if escaped {
            escaped = false;
            match c {
                'n' => out.push('\n'),
                '"' | '\\' => out.push(c),
                _ => {
                    // A spurious escape: the backslash is literal.
                    out.push('\\');
                    out.push(c);
                }
            }
            continue;
        }
        match c {
            '\\' if last => out.push('\\'),
            '\\' => escaped = true,
            '"' if expect_closing && last => expect_closing = false,
            '"' => return None,
            _ => out.push(c),
        }
    }
    (!expect_closing).then_some(out)
}

/// The API's JSON matcher (`/api/v2/silences`): `isEqual` defaults to
/// true, `isRegex` is required as in Alertmanager's OpenAPI document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiMatcher {
    pub name: String,
    pub value: String,
    pub is_regex: bool,
    #[serde(default = "yes")]
    pub is_equal: bool,
}

fn yes() -> bool {
    true
}

impl ApiMatcher {
    pub fn to_matcher(&self) -> Result<Matcher, Message> {
        Matcher::new(self.name.clone(), MatchOp::from_flags(self.is_equal, self.is_regex), self.value.clone())
    }
}

impl From<&Matcher> for ApiMatcher {
    fn from(m: &Matcher) -> Self {
        ApiMatcher {
            name: m.name.clone(),
            value: m.value.clone(),
            is_regex: m.op.is_regex(),
            is_equal: m.op.is_equal(),
        }
    }
}

#[cfg(test)]
#[path = "matcher_tests.rs"]
mod tests;
