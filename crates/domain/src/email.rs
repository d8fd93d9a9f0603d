//! E-mail addresses as people type them into forms: a sane syntax check,
//! not RFC 5322 in full (quoted local parts, comments and IP-literal
//! domains are refused: nobody's work address needs them).
//!
//! An address is compared without case wherever Steward looks one up
//! (uniqueness, mail in); it is stored as typed, trimmed.

use std::fmt;

/// The longest address SMTP carries (RFC 5321: a 256-octet path minus the
/// angle brackets).
pub const MAX_LEN: usize = 254;
/// The longest local part (RFC 5321).
pub const MAX_LOCAL: usize = 64;

/// A checked address: one `@`, a local part, a domain with a dot, no
/// spaces or control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

/// Why an address was refused; its text is the message beside the field
/// ("is not an email address: …").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailError {
    OneAt,
    NoLocalPart,
    NoDot,
    BadDomain,
    Spaces,
    TooLong,
}

impl EmailError {
    pub const ALL: [EmailError; 6] = [
        EmailError::OneAt,
        EmailError::NoLocalPart,
        EmailError::NoDot,
        EmailError::BadDomain,
        EmailError::Spaces,
        EmailError::TooLong,
    ];

    pub fn reason(self) -> &'static str {
        match self {
            EmailError::OneAt => "it needs exactly one @",
            EmailError::NoLocalPart => "nothing comes before the @",
            EmailError::NoDot => "the domain after the @ needs a dot, as in example.com",
            EmailError::BadDomain => "the domain after the @ is not a domain name",
            EmailError::Spaces => "it must not contain spaces or control characters",
            EmailError::TooLong => "it is longer than 254 characters (or 64 before the @)",
        }
    }
}

impl fmt::Display for EmailError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "is not an email address: {}", self.reason())
    }
}

impl std::error::Error for EmailError {}

impl Email {
    /// Checks an address (surrounding spaces are dropped).
    pub fn parse(input: &str) -> Result<Email, EmailError> {
        let s = input.trim();
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailError::Spaces);
        }
        let mut parts = s.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(EmailError::OneAt);
        };
        if local.is_empty() {
            return Err(EmailError::NoLocalPart);
        }
        if s.chars().count() > MAX_LEN || local.chars().count() > MAX_LOCAL {
            return Err(EmailError::TooLong);
        }
        if !domain.contains('.') {
            return Err(EmailError::NoDot);
        }
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.chars().count() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        if !domain.split('.').all(label_ok) {
            return Err(EmailError::BadDomain);
        }
        Ok(Email(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The form addresses are compared in.
    pub fn folded(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<EmailError> for crate::code::Message {
    fn from(e: EmailError) -> Self {
        use crate::code::Code;
        let code = match e {
            EmailError::OneAt => Code::EmailOneAt,
            EmailError::NoLocalPart => Code::EmailNoLocal,
            EmailError::NoDot => Code::EmailNoDot,
            EmailError::BadDomain => Code::EmailBadDomain,
            EmailError::Spaces => Code::EmailSpaces,
            EmailError::TooLong => Code::EmailTooLong,
        };
        code.msg(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_pass_trimmed() {
        for ok in ["ola@example.com", "o.nowak+itsm@mail.example.co.uk", "x@a.b", "jan@żółw.pl", " Ann@Example.ORG "]
        {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(Email::parse(" Ann@Example.ORG ").unwrap().as_str(), "Ann@Example.ORG");
        assert_eq!(Email::parse("Ann@Example.ORG").unwrap().folded(), "ann@example.org");
    }

    #[test]
    fn each_mistake_has_its_reason() {
        let cases = [
            ("nope", EmailError::OneAt),
            ("", EmailError::OneAt),
            ("a@b@example.com", EmailError::OneAt),
            ("@example.com", EmailError::NoLocalPart),
            ("ola@localhost", EmailError::NoDot),
            ("ola@", EmailError::NoDot),
            ("ola@example..com", EmailError::BadDomain),
            ("ola@.example.com", EmailError::BadDomain),
            ("ola@example.com.", EmailError::BadDomain),
            ("ola@-example.com", EmailError::BadDomain),
            ("ola@exa_mple.com", EmailError::BadDomain),
            ("ola nowak@example.com", EmailError::Spaces),
            ("ola@example.com\u{7}", EmailError::Spaces),
            ("ola\t@example.com", EmailError::Spaces),
        ];
        for (input, want) in cases {
            assert_eq!(Email::parse(input), Err(want), "{input:?}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(Email::parse(&long_local), Err(EmailError::TooLong));
        let long = format!("a@{}.com", "b.".repeat(130));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
        assert_eq!(
            EmailError::NoDot.to_string(),
            "is not an email address: the domain after the @ needs a dot, as in example.com"
        );
    }
}
