//! The desk's incident form (new and edit): its values as typed, their
//! conversion to the use cases' inputs, and its rendering with each
//! message beside its field; what every kind's form has is `record_form`'s.

use super::incident_texts::IncMsg;
use super::{
    Ctx,
    record_form::{self, Choices, Fields, Mode, lines, opt, patch},
    suggestions,
    widgets::{self, Errors, Field},
};
use crate::i18n::{self, Msg};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    FieldError,
    incidents::{IncidentPatch, NewIncident, number},
    search::RecordHit,
};
use steward_domain::{PriorityMatrix, number::RecordKind};
use steward_store::{accounts::User, records::Incident};

/// The form's fields exactly as the browser sent them.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct IncidentForm {
    #[serde(flatten)]
    pub fields: Fields,
    pub requester: String,
    pub major: Option<String>,
    pub parent: String,
    /// Set by the "Find matching answers" button: show the suggestions,
    /// save nothing.
    pub suggest: String,
}

impl IncidentForm {
    pub fn blank() -> Self {
        Self { fields: Fields::blank(), ..Self::default() }
    }

    /// The form for editing `inc` and its CIs; references are shown by username.
    pub fn from_incident(inc: &Incident, cis: &[i64], users: &[User]) -> Self {
        Self {
            fields: Fields::of(inc, cis, users),
            requester: record_form::username(users, Some(inc.requester_id)),
            major: (inc.major != 0).then(|| "on".to_owned()),
            parent: inc.parent_number.map(number).unwrap_or_default(),
            suggest: String::new(),
        }
    }

    fn major(&self) -> bool {
        self.major.as_deref().is_some_and(|v| !v.is_empty())
    }

    pub fn to_new(&self) -> Result<NewIncident, Vec<FieldError>> {
        let f = &self.fields;
        let checked = f.checked()?;
        Ok(NewIncident {
            title: f.title.clone(),
            description: Some(lines(&f.description)),
            impact: Some(checked.impact),
            urgency: Some(checked.urgency),
            requester: opt(&self.requester),
            category: opt(&f.category),
            service: opt(&f.service),
            assignment_group: opt(&f.assignment_group),
            assignee: opt(&f.assignee),
            major: Some(self.major()),
            parent: opt(&self.parent),
            cis: checked.cis,
        })
    }

    /// The patch and the version the form was loaded at.
    pub fn to_patch(&self) -> Result<(Option<i64>, IncidentPatch), Vec<FieldError>> {
        let f = &self.fields;
        let checked = f.checked()?;
        let patch = IncidentPatch {
            title: Some(f.title.clone()),
            description: Some(lines(&f.description)),
            impact: Some(checked.impact),
            urgency: Some(checked.urgency),
            requester: opt(&self.requester),
            category: patch(&f.category),
            service: patch(&f.service),
            assignment_group: patch(&f.assignment_group),
            assignee: patch(&f.assignee),
            major: Some(self.major()),
            parent: patch(&self.parent),
            // The form shows every CI the incident names, so what it sends
            // is the whole list.
            cis: Some(checked.cis),
        };
        Ok((f.version(), patch))
    }
}

/// The form, with `errors` beside their fields; a new incident's form
/// with the known errors and articles its words match (`suggested`, and
/// whether they were looked up).
pub fn render(
    ctx: &Ctx,
    matrix: &PriorityMatrix,
    mode: &Mode,
    v: &IncidentForm,
    errors: &Errors,
    c: &Choices,
    suggested: (&[RecordHit], bool),
) -> Markup {
    let lang = ctx.lang;
    let f = |id, label| Field::new(lang, id, id, label, errors);
    let new = matches!(mode, Mode::New);
    let cancel = match mode {
        Mode::New => "/incidents".to_owned(),
        Mode::Edit { number } => format!("/incidents/{number}"),
    };
    let requester_hint = if new { IncMsg::RequesterHint } else { IncMsg::RequesterHintEdit };
    let main = html! {
        (record_form::title(ctx, mode, &v.fields, errors))
        (record_form::description(ctx, &v.fields, errors, 10))
        @if new {
            (suggestions::panel(ctx, suggestions::For::Desk, suggested.0, suggested.1))
        }
        div.field-row {
            (Field { hint: Some(ctx.t(requester_hint)), list: Some("user-list"), autocomplete: Some("off"), ..f("requester", ctx.t(Msg::Requester)) }.input(&v.requester))
            (Field { hint: Some(&ctx.t_example(IncMsg::ParentHint, RecordKind::Incident)), ..f("parent", ctx.t(Msg::ParentIncident)) }.input(&v.parent))
        }
        (record_form::subject(ctx, c, &v.fields, errors))
    };
    let side = html! {
        (record_form::side(ctx, matrix, c, &v.fields, errors, Msg::Assignee))
        div class={ "field checkbox" @if errors.get("major").is_some() { " has-error" } } {
            label {
                input type="checkbox" name="major" value="on" checked[v.major.is_some()];
                " " (ctx.t(Msg::MajorIncident))
            }
            @if let Some(e) = errors.get("major") { p.field-error { (widgets::sentence(&i18n::app_message(lang, e))) } }
        }
    };
    let body = html! {
        (record_form::grid(main, side))
        datalist #user-list { @for u in &c.users { option value=(u.username) { (u.display_name) } } }
        div.form-actions {
            button.btn.btn-primary type="submit" { (if new { ctx.t(IncMsg::CreateIncident) } else { ctx.t(Msg::SaveChanges) }) }
            @if new { (suggestions::button(ctx)) }
            a.btn.btn-quiet href=(cancel) { (ctx.t(Msg::Cancel)) }
        }
    };
    html! {
        (record_form::summary(ctx, errors, |field| ["requester", "major", "parent"].contains(&field)))
        (record_form::form(ctx, "incident-form", RecordKind::Incident, mode, &v.fields, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use steward_app::incidents::Patch;

    #[test]
    fn the_form_becomes_a_patch_that_clears_emptied_fields() {
        let f = IncidentForm {
            fields: Fields {
                title: "VPN".into(),
                impact: "2".into(),
                urgency: "1".into(),
                assignment_group: " Network ".into(),
                version: "4".into(),
                ..Fields::default()
            },
            major: Some("on".into()),
            ..IncidentForm::default()
        };
        let Ok((version, p)) = f.to_patch() else { panic!("refused") };
        assert_eq!(version, Some(4));
        assert_eq!(p.assignment_group, Patch::Set("Network".into()));
        assert_eq!(p.assignee, Patch::Clear);
        assert_eq!((p.impact, p.urgency, p.major, p.requester), (Some(2), Some(1), Some(true), None));
    }

    #[test]
    fn a_bad_level_is_a_message_beside_its_field() {
        let f = IncidentForm {
            fields: Fields { impact: "9".into(), urgency: "x".into(), ..Fields::blank() },
            ..IncidentForm::blank()
        };
        let Err(errors) = f.to_new() else { panic!("accepted") };
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["impact", "urgency"]);
        assert_eq!(errors[0].code, steward_app::Code::ChooseFromList);
        assert_eq!(crate::i18n::app_message(Lang::Pl, &errors[0]), "wybierz wartość z listy");
    }
}
