//! Limits every free-text field is checked against at the edge.

/// A field's allowed length in characters (not bytes).
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub min: usize,
    pub max: usize,
}

pub const TITLE: Limit = Limit { min: 1, max: 200 };
pub const DESCRIPTION: Limit = Limit { min: 0, max: 20_000 };
pub const COMMENT: Limit = Limit { min: 1, max: 20_000 };
pub const SHORT: Limit = Limit { min: 0, max: 100 };
pub const NAME: Limit = Limit { min: 1, max: 100 };
pub const NOTES: Limit = Limit { min: 1, max: 20_000 };

/// Why a text was refused, ready to be shown beside its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("is required")]
    Required,
    #[error("is too long: at most {max} characters, got {got}")]
    TooLong { max: usize, got: usize },
    #[error("must not contain control characters")]
    Control,
}

/// Trims the text and checks it against the limit.
pub fn check(value: &str, limit: Limit) -> Result<String, TextError> {
    let v = value.trim();
    let n = v.chars().count();
    if n < limit.min {
        return Err(TextError::Required);
    }
    if n > limit.max {
        return Err(TextError::TooLong { max: limit.max, got: n });
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(TextError::Control);
    }
    Ok(v.to_owned())
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
        assert_eq!(check("a\u{0}b", TITLE), Err(TextError::Control));
        assert_eq!(check("line\nline", DESCRIPTION), Ok("line\nline".into()));
    }
}
