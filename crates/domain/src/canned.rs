//! Canned replies' placeholders: `{requester}`, `{number}` and the others
//! in [`PLACEHOLDERS`], filled for the incident at hand. `{{` and `}}`
//! write a brace. A template is checked when it is saved, so an unknown
//! placeholder is refused then rather than sent to a requester.

/// The placeholders a reply may use, and what each is filled with.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("requester", "the requester's name"),
    ("requester_first_name", "the requester's first name"),
    ("number", "the incident's number, e.g. INC0000042"),
    ("title", "the incident's title"),
    ("service", "the incident's service (empty if none)"),
    ("group", "the assignment group (empty if none)"),
    ("agent", "the name of whoever inserts the reply"),
];

/// What the placeholders are filled with for one incident and one agent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values {
    pub requester: String,
    pub number: String,
    pub title: String,
    pub service: String,
    pub group: String,
    pub agent: String,
}

impl Values {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "requester" => &self.requester,
            "requester_first_name" => self.requester.split_whitespace().next().unwrap_or(""),
            "number" => &self.number,
            "title" => &self.title,
            "service" => &self.service,
            "group" => &self.group,
            "agent" => &self.agent,
            _ => return None,
        })
    }
}

/// Why a template was refused, to show beside its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("unknown placeholder {{{0}}}; use one of {1}")]
    Unknown(String, String),
    #[error("has a {{ without its }}; write {{{{ for a brace")]
    Unclosed,
    #[error("has a }} without its {{; write }}}} for a brace")]
    Stray,
}

enum Part<'a> {
    Text(&'a str),
    Brace(char),
    Placeholder(&'a str),
}

fn parse(template: &str) -> Result<Vec<Part<'_>>, TemplateError> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        parts.push(Part::Text(&rest[..at]));
        let tail = &rest[at..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            parts.push(Part::Brace(if tail.starts_with('{') { '{' } else { '}' }));
            rest = &tail[2..];
        } else if tail.starts_with('}') {
            return Err(TemplateError::Stray);
        } else {
            let end = tail.find('}').ok_or(TemplateError::Unclosed)?;
            let name = &tail[1..end];
            if Values::default().get(name).is_none() {
                let known: Vec<String> = PLACEHOLDERS.iter().map(|(p, _)| format!("{{{p}}}")).collect();
                return Err(TemplateError::Unknown(name.to_owned(), known.join(", ")));
            }
            parts.push(Part::Placeholder(name));
            rest = &tail[end + 1..];
        }
    }
    parts.push(Part::Text(rest));
    Ok(parts)
}

/// Checks that a template uses only known placeholders.
pub fn check(template: &str) -> Result<(), TemplateError> {
    parse(template).map(|_| ())
}

/// The template with its placeholders filled.
pub fn render(template: &str, v: &Values) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len());
    for part in parse(template)? {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Brace(b) => out.push(b),
            Part::Placeholder(p) => out.push_str(v.get(p).unwrap_or("")),
        }
    }
    Ok(out)
}

impl From<TemplateError> for crate::code::Message {
    fn from(e: TemplateError) -> Self {
        use crate::code::Code;
        let text = e.to_string();
        match e {
            TemplateError::Unknown(name, list) => {
                Code::UnknownPlaceholder.msg(text).with("name", format!("{{{name}}}")).with("list", list)
            }
            TemplateError::Unclosed => Code::UnclosedBrace.msg(text),
            TemplateError::Stray => Code::StrayBrace.msg(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values {
            requester: "Ada Lovelace".into(),
            number: "INC0000042".into(),
            title: "VPN drops".into(),
            service: String::new(),
            group: "Network".into(),
            agent: "Alex Morgan".into(),
        }
    }

    #[test]
    fn fills_every_placeholder() {
        let t = "Hello {requester_first_name} ({requester}), {number} \"{title}\" [{service}] {group} — {agent}";
        assert_eq!(
            render(t, &values()).as_deref(),
            Ok("Hello Ada (Ada Lovelace), INC0000042 \"VPN drops\" [] Network — Alex Morgan")
        );
        for (p, _) in PLACEHOLDERS {
            assert!(check(&format!("{{{p}}}")).is_ok(), "{p} is known");
        }
    }

    #[test]
    fn doubled_braces_are_braces() {
        assert_eq!(render("{{x}} {{{number}}}", &values()).as_deref(), Ok("{x} {INC0000042}"));
    }

    #[test]
    fn refuses_what_it_cannot_fill() {
        assert!(matches!(check("Hi {name}"), Err(TemplateError::Unknown(n, _)) if n == "name"));
        assert_eq!(check("Hi {requester"), Err(TemplateError::Unclosed));
        assert_eq!(check("Hi requester}"), Err(TemplateError::Stray));
        assert!(matches!(check("{}"), Err(TemplateError::Unknown(n, _)) if n.is_empty()));
        let msg = check("{x}").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.starts_with("unknown placeholder {x}; use one of {requester}, "), "{msg}");
    }

    #[test]
    fn a_value_with_braces_is_not_read_again() {
        let v = Values { title: "{agent}".into(), ..values() };
        assert_eq!(render("{title}", &v).as_deref(), Ok("{agent}"));
    }
}
