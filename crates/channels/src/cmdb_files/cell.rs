//! One cell's text as a typed JSON value, and the formula-injection guard
//! both ways.

use serde_json::{Number, Value};
use steward_domain::cmdb::AttrType;
use steward_domain::code::{Code, Message, not_one_of};

/// Whether a spreadsheet would take text starting like this for a formula
/// (OWASP's list), counting a `'` we put in front of such text ourselves so
/// that guarding stays reversible: `'=x` becomes `''=x`, not `'=x`.
fn needs_guard(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => true,
        Some(b'\'') => needs_guard(&s[1..]),
        _ => false,
    }
}

/// Text as written to a CSV cell: a `'` in front when it could run as a
/// formula.
pub(crate) fn guard(s: &str) -> std::borrow::Cow<'_, str> {
    if needs_guard(s) { format!("'{s}").into() } else { s.into() }
}

/// A cell as read: the `'` that [`guard`] adds taken off again.
pub(super) fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => s,
    }
}

/// A non-empty cell as a value of `kind`, or why it is not one. References
/// become numbers here; whether the CI exists is `check_draft`'s business.
pub(super) fn convert(kind: &AttrType, raw: &str) -> Result<Value, Message> {
    let s = raw.trim();
    let bad = |code: Code, text: String| code.msg(text).with("text", format!("{s:?}"));
    match kind {
        AttrType::Text => Ok(Value::String(raw.to_owned())),
        AttrType::Integer => s
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| bad(Code::TextNotWhole, format!("{s:?} is not a whole number"))),
        AttrType::Decimal => decimal(s),
        AttrType::Boolean => match s.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "0" => Ok(Value::Bool(false)),
            _ => Err(bad(Code::TextNotBool, format!("{s:?} is not true or false (also yes/no, 1/0)"))),
        },
        AttrType::Date => date(s),
        AttrType::Enum { values } if values.iter().any(|v| v == s) => Ok(Value::String(s.to_owned())),
        AttrType::Enum { values } => Err(not_one_of(s, values)),
        AttrType::Reference { .. } => {
            s.parse::<i64>().map(Value::from).map_err(|_| bad(Code::TextNotCiId, format!("{s:?} is not a CI id")))
        }
    }
}

/// A number with a decimal point; whole numbers stay integers so that an
/// exported `3` reads back as the same JSON value.
fn decimal(s: &str) -> Result<Value, Message> {
    let bad = |code: Code, text: String| code.msg(text).with("text", format!("{s:?}"));
    if let Ok(i) = s.parse::<i64>() {
        return Ok(Value::from(i));
    }
    if s.contains(',') {
        return Err(bad(Code::TextDecimalComma, format!("{s:?}: write decimals with a point, e.g. 1.5")));
    }
    // `f64::from_str` also takes "inf" and "NaN", which JSON cannot hold.
    s.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
        .ok_or_else(|| bad(Code::TextNotNumber, format!("{s:?} is not a number")))
}

/// Strictly `YYYY-MM-DD`, and a real day.
fn date(s: &str) -> Result<Value, Message> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if shape && s.parse::<jiff::civil::Date>().is_ok() {
        Ok(Value::String(s.to_owned()))
    } else {
        Err(Code::AttrNotDate.msg(format!("{s:?} is not a date such as 2026-01-31")).with("text", format!("{s:?}")))
    }
}
