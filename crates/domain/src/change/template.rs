//! Standard change templates: the catalogue of pre-approved changes (as
//! ServiceNow's standard change catalogue keeps them). A template is
//! approved once, by the manager or admin who makes it; every change made
//! from it is a standard change and needs no CAB. A retired template stays
//! (its changes keep it) but makes no new change, and a change made from
//! it is no longer scheduled ([`super::ChangeFacts::template_available`]).

use super::ChangeType;
use crate::{
    Role,
    access::Denied,
    code::{Code, Message},
    text::{self, TextError},
};

/// The shortest a template's default duration may be, in minutes.
pub const MIN_DURATION: i64 = 15;
/// The longest: 30 days.
pub const MAX_DURATION: i64 = 30 * 24 * 60;

/// A template's own fields as sent (references such as the service and
/// the CIs are the caller's to resolve).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateDraft {
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub implementation_plan: Option<String>,
    pub backout_plan: Option<String>,
    pub test_plan: Option<String>,
    pub duration_minutes: Option<i64>,
}

/// A template's fields, checked: trimmed, blank optional text as none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateFields {
    pub name: String,
    pub description: String,
    pub category: Option<String>,
    pub implementation_plan: Option<String>,
    pub backout_plan: Option<String>,
    pub test_plan: Option<String>,
    pub duration_minutes: Option<i64>,
}

/// Checks every field at once: the name is required and at most 200
/// characters (a change's title's limit, since a change is titled after
/// it), the plans and description as long as a change's own, the category
/// as a change's, the duration from 15 minutes to 30 days. Each problem
/// comes back beside its field.
pub fn check(d: &TemplateDraft) -> Result<TemplateFields, Vec<(String, Message)>> {
    let mut problems: Vec<(String, Message)> = Vec::new();
    let mut field = |name: &str, r: Result<String, TextError>| match r {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push((name.to_owned(), e.into()));
            None
        }
    };
    let name = field("name", text::check(&d.name, text::TITLE));
    let mut optional = |name: &str, v: &Option<String>, limit: text::Limit| {
        v.as_deref().and_then(|v| field(name, text::check(v, limit))).filter(|v| !v.is_empty())
    };
    let description = optional("description", &d.description, text::DESCRIPTION);
    let category = optional("category", &d.category, text::SHORT);
    let implementation_plan = optional("implementation_plan", &d.implementation_plan, text::DESCRIPTION);
    let backout_plan = optional("backout_plan", &d.backout_plan, text::DESCRIPTION);
    let test_plan = optional("test_plan", &d.test_plan, text::DESCRIPTION);
    if let Some(m) = d.duration_minutes.filter(|m| !(MIN_DURATION..=MAX_DURATION).contains(m)) {
        let text = format!("must be between {MIN_DURATION} and {MAX_DURATION} minutes (30 days), got {m}");
        problems.push((
            "duration_minutes".to_owned(),
            Code::Between.msg(text).with("min", MIN_DURATION).with("max", MAX_DURATION),
        ));
    }
    match name {
        Some(name) if problems.is_empty() => Ok(TemplateFields {
            name,
            description: description.unwrap_or_default(),
            category,
            implementation_plan,
            backout_plan,
            test_plan,
            duration_minutes: d.duration_minutes,
        }),
        _ => Err(problems),
    }
}

/// What a change's request names as its template, as found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateFound {
    /// No template named.
    None,
    /// No template has the id.
    Unknown(i64),
    Retired,
    Active,
}

/// Whether a new change of this type may be raised with this template: a
/// standard change needs one in the catalogue, other types take none. The
/// message belongs beside `template`.
pub fn check_use(ty: ChangeType, found: TemplateFound) -> Result<(), Message> {
    match (ty, found) {
        (ChangeType::Standard, TemplateFound::Active) => Ok(()),
        (ChangeType::Standard, TemplateFound::None) => Err(Code::ChangeTemplateRequired
            .msg("a standard change is raised from a template of the standard change catalogue")),
        (ChangeType::Standard, TemplateFound::Unknown(id)) => {
            Err(Code::NoChangeTemplate.msg(format!("no change template has id {id}")).with("id", id))
        }
        (ChangeType::Standard, TemplateFound::Retired) => {
            Err(Code::ChangeTemplateGone.msg("the template is retired: raise the change from another one"))
        }
        (_, TemplateFound::None) => Ok(()),
        (_, _) => Err(Code::TemplateOnlyStandard
            .msg("only a standard change is raised from a template: make it standard or leave the template out")),
    }
}

/// Keeping the catalogue (create, edit, retire, reactivate, delete): a
/// template is pre-approved by whoever makes it, so managers and admins.
pub fn can_keep_templates(role: Role) -> Result<(), Denied> {
    if matches!(role, Role::Manager | Role::Admin) {
        Ok(())
    } else {
        Err(Denied("only managers and admins can keep the standard change catalogue", Code::DenyChangeTemplates))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(name: &str) -> TemplateDraft {
        TemplateDraft { name: name.to_owned(), ..TemplateDraft::default() }
    }

    fn fields_of(r: Result<TemplateFields, Vec<(String, Message)>>) -> Vec<(String, Code)> {
        r.unwrap_err().into_iter().map(|(f, m)| (f, m.code)).collect()
    }

    #[test]
    fn a_template_is_trimmed_and_blank_text_is_none() {
        let d = TemplateDraft {
            name: "  Renew a TLS certificate ".into(),
            category: Some("  ".into()),
            implementation_plan: Some(" 1. Order.\r\n2. Install. ".into()),
            duration_minutes: Some(60),
            ..draft("")
        };
        let t = check(&d).unwrap();
        assert_eq!(t.name, "Renew a TLS certificate");
        assert_eq!(t.category, None);
        assert_eq!(t.implementation_plan.as_deref(), Some("1. Order.\n2. Install."));
        assert_eq!((t.description.as_str(), t.duration_minutes), ("", Some(60)));
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let d = TemplateDraft {
            name: " ".into(),
            category: Some("c".repeat(101)),
            backout_plan: Some("x".repeat(20_001)),
            test_plan: Some("bell\u{7}".into()),
            duration_minutes: Some(14),
            ..draft("")
        };
        assert_eq!(
            fields_of(check(&d)),
            [
                ("name".to_owned(), Code::Required),
                ("category".to_owned(), Code::TooLong),
                ("backout_plan".to_owned(), Code::TooLong),
                ("test_plan".to_owned(), Code::ControlCharacters),
                ("duration_minutes".to_owned(), Code::Between),
            ]
        );
    }

    #[test]
    fn the_name_is_at_most_200_characters_on_one_line() {
        assert!(check(&draft(&"n".repeat(200))).is_ok());
        assert_eq!(fields_of(check(&draft(&"n".repeat(201)))), [("name".to_owned(), Code::TooLong)]);
        assert_eq!(fields_of(check(&draft("two\nlines"))), [("name".to_owned(), Code::SingleLine)]);
    }

    #[test]
    fn the_duration_runs_from_15_minutes_to_30_days() {
        let with = |m| check(&TemplateDraft { duration_minutes: Some(m), ..draft("Restart the web tier") });
        assert!(with(15).is_ok() && with(43_200).is_ok() && with(90).is_ok());
        for bad in [-1, 0, 14, 43_201, i64::MAX] {
            let errs = with(bad).unwrap_err();
            assert_eq!(errs[0].0, "duration_minutes");
            assert_eq!(errs[0].1.params, [("min", "15".to_owned()), ("max", "43200".to_owned())]);
        }
        assert!(check(&draft("No duration")).unwrap().duration_minutes.is_none());
    }

    #[test]
    fn a_standard_change_needs_a_template_in_the_catalogue() {
        use ChangeType::*;
        use TemplateFound as F;
        assert!(check_use(Standard, F::Active).is_ok());
        assert_eq!(check_use(Standard, F::None).unwrap_err().code, Code::ChangeTemplateRequired);
        let unknown = check_use(Standard, F::Unknown(7)).unwrap_err();
        assert_eq!((unknown.code, unknown.params.clone()), (Code::NoChangeTemplate, vec![("id", "7".to_owned())]));
        assert_eq!(check_use(Standard, F::Retired).unwrap_err().code, Code::ChangeTemplateGone);
        for ty in [Normal, Emergency] {
            assert!(check_use(ty, F::None).is_ok());
            for found in [F::Active, F::Retired, F::Unknown(1)] {
                assert_eq!(check_use(ty, found).unwrap_err().code, Code::TemplateOnlyStandard, "{ty:?} {found:?}");
            }
        }
    }

    #[test]
    fn only_managers_and_admins_keep_the_catalogue() {
        assert!(can_keep_templates(Role::Manager).is_ok() && can_keep_templates(Role::Admin).is_ok());
        for r in [Role::Agent, Role::Requester] {
            assert_eq!(can_keep_templates(r).unwrap_err().1, Code::DenyChangeTemplates);
        }
    }
}
