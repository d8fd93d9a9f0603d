//! The JSON condition of an HTTP check: a small, exact subset of JSONPath
//! compared with a JSON value, such as `$.status == "up"`,
//! `$.checks[0].latency < 250` or `$["odd key"].ok != false`.
//!
//! A path is `$` followed by `.name`, `[index]` or `["name"]` steps; the
//! operators are `==`, `!=`, `<` and `>`; the value is JSON (`<` and `>`
//! take a number). No wildcards, filters or slices: a condition picks one
//! value and says one thing about it.

use serde_json::Value;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct JsonCondition {
    pub path: Vec<Step>,
    pub op: Op,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Gt,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Gt => ">",
        }
    }
}

const MAX_LEN: usize = 1000;

impl JsonCondition {
    /// Reads a condition; the error says what is wrong in plain words.
    pub fn parse(text: &str) -> Result<JsonCondition, String> {
        if text.len() > MAX_LEN {
            return Err(format!("is longer than {MAX_LEN} characters"));
        }
        let s = text.trim();
        let mut rest = s.strip_prefix('$').ok_or("must start with $, such as $.status == \"up\"")?;
        let mut path = Vec::new();
        loop {
            if let Some(after) = rest.strip_prefix('.') {
                let end = after.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).unwrap_or(after.len());
                if end == 0 {
                    return Err("a . must be followed by a name (use [\"…\"] for other keys)".into());
                }
                path.push(Step::Key(after[..end].to_owned()));
                rest = &after[end..];
            } else if let Some(after) = rest.strip_prefix('[') {
                let close = after.find(']').ok_or("a [ is not closed")?;
                let inner = after[..close].trim();
                if inner.starts_with('"') {
                    // A quoted key may hold `]`: read it as a JSON string.
                    let mut de = serde_json::Deserializer::from_str(after).into_iter::<String>();
                    let key = match de.next() {
                        Some(Ok(key)) => key,
                        _ => return Err("a quoted key must be a JSON string, such as [\"a key\"]".into()),
                    };
                    let after_key = after[de.byte_offset()..].trim_start();
                    rest = after_key.strip_prefix(']').ok_or("a [ is not closed")?;
                    path.push(Step::Key(key));
                } else {
                    let index = inner
                        .parse::<usize>()
                        .map_err(|_| format!("[{inner}] is not an index: use a whole number or a quoted key"))?;
                    path.push(Step::Index(index));
                    rest = &after[close + 1..];
                }
            } else {
                break;
            }
        }
        let rest = rest.trim_start();
        let (op, value_text) = [("==", Op::Eq), ("!=", Op::Ne), ("<", Op::Lt), (">", Op::Gt)]
            .into_iter()
            .find_map(|(word, op)| rest.strip_prefix(word).map(|v| (op, v)))
            .ok_or("the path must be followed by ==, !=, < or >")?;
        let value_text = value_text.trim();
        if value_text.is_empty() {
            return Err(format!("{} must be followed by a JSON value", op.as_str()));
        }
        let value: Value = serde_json::from_str(value_text)
            .map_err(|_| format!("{value_text} is not a JSON value (quote strings: \"up\")"))?;
        if matches!(op, Op::Lt | Op::Gt) && !value.is_number() {
            return Err(format!("{} compares numbers: {value_text} is not one", op.as_str()));
        }
        Ok(JsonCondition { path, op, value })
    }

    /// `Ok` when the document meets the condition; otherwise why not, to
    /// show as the check's message.
    pub fn check(&self, doc: &Value) -> Result<(), String> {
        let path = self.path_text();
        let mut at = doc;
        for step in &self.path {
            let next = match step {
                Step::Key(k) => at.get(k.as_str()),
                Step::Index(i) => at.get(*i),
            };
            at = next.ok_or_else(|| format!("{path} is not in the response"))?;
        }
        let holds = match self.op {
            Op::Eq => same(at, &self.value),
            Op::Ne => !same(at, &self.value),
            Op::Lt | Op::Gt => {
                let (Some(a), Some(b)) = (at.as_f64(), self.value.as_f64()) else {
                    return Err(format!("{path} is {}, not a number", short(at)));
                };
                if self.op == Op::Lt { a < b } else { a > b }
            }
        };
        if holds {
            Ok(())
        } else {
            Err(format!("{path} is {}, expected {} {}", short(at), self.op.as_str(), self.value))
        }
    }

    fn path_text(&self) -> String {
        let mut s = String::from("$");
        for step in &self.path {
            match step {
                Step::Key(k) if !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') => {
                    s.push('.');
                    s.push_str(k);
                }
                Step::Key(k) => s.push_str(&format!("[{}]", Value::from(k.as_str()))),
                Step::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }
}

impl fmt::Display for JsonCondition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.path_text(), self.op.as_str(), self.value)
    }
}

/// JSON equality, with numbers equal by value (`1 == 1.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) if a.is_number() && b.is_number() => x == y,
        _ => a == b,
    }
}

/// A value as the message shows it, cut to a readable length.
fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn c(s: &str) -> JsonCondition {
        JsonCondition::parse(s).unwrap()
    }

    #[test]
    fn paths_and_values_parse() {
        let got = c("$.a.b[0].c == \"x\"");
        assert_eq!(got.path, [Step::Key("a".into()), Step::Key("b".into()), Step::Index(0), Step::Key("c".into())]);
        assert_eq!((got.op, got.value.clone()), (Op::Eq, json!("x")));
        assert_eq!(got.to_string(), "$.a.b[0].c == \"x\"");
        assert_eq!(c("$[\"odd ]key\"][2]!=null").path, [Step::Key("odd ]key".into()), Step::Index(2)]);
        assert_eq!(c("$ > -1.5").path, []);
        assert_eq!(c("  $.n<3  ").op, Op::Lt);
        assert_eq!(c("$.o == {\"a\": [1, 2]}").value, json!({"a": [1, 2]}));
    }

    #[test]
    fn bad_conditions_say_what_is_wrong() {
        let e = |s: &str| JsonCondition::parse(s).unwrap_err();
        assert_eq!(e("a.b == 1"), "must start with $, such as $.status == \"up\"");
        assert_eq!(e("$. == 1"), "a . must be followed by a name (use [\"…\"] for other keys)");
        assert_eq!(e("$.a[x] == 1"), "[x] is not an index: use a whole number or a quoted key");
        assert_eq!(e("$.a[0 == 1"), "a [ is not closed");
        assert_eq!(e("$.a"), "the path must be followed by ==, !=, < or >");
        assert_eq!(e("$.a >= 1"), "= 1 is not a JSON value (quote strings: \"up\")");
        assert_eq!(e("$.a == up"), "up is not a JSON value (quote strings: \"up\")");
        assert_eq!(e("$.a =="), "== must be followed by a JSON value");
        assert_eq!(e("$.a < \"5\""), "< compares numbers: \"5\" is not one");
        assert_eq!(e("$.a[-1] == 1"), "[-1] is not an index: use a whole number or a quoted key");
        assert!(e(&format!("$.a == \"{}\"", "x".repeat(1000))).starts_with("is longer than"));
    }

    #[test]
    fn conditions_hold_or_say_why_not() {
        let doc = json!({"status": "up", "checks": [{"ms": 120}, {"ms": 900}], "n": 1, "odd key": true});
        assert_eq!(c("$.status == \"up\"").check(&doc), Ok(()));
        assert_eq!(c("$.n == 1.0").check(&doc), Ok(()));
        assert_eq!(c("$.checks[0].ms < 250").check(&doc), Ok(()));
        assert_eq!(c("$[\"odd key\"] != false").check(&doc), Ok(()));
        assert_eq!(c("$.status != \"down\"").check(&doc), Ok(()));
        assert_eq!(c("$.checks[1].ms < 250").check(&doc), Err("$.checks[1].ms is 900, expected < 250".into()));
        assert_eq!(c("$.checks[1].ms > 900").check(&doc), Err("$.checks[1].ms is 900, expected > 900".into()));
        assert_eq!(c("$.status == \"down\"").check(&doc), Err("$.status is \"up\", expected == \"down\"".into()));
        assert_eq!(c("$.checks[5].ms == 1").check(&doc), Err("$.checks[5].ms is not in the response".into()));
        assert_eq!(c("$.status > 1").check(&doc), Err("$.status is \"up\", not a number".into()));
        assert_eq!(c("$[\"odd key\"] == false").check(&doc), Err("$[\"odd key\"] is true, expected == false".into()));
        assert_eq!(c("$ != null").check(&json!(null)), Err("$ is null, expected != null".into()));
        assert_eq!(c("$.a == 1").check(&json!([1])), Err("$.a is not in the response".into()));
    }
}
