//! The desk's incident form (new and edit): its values as typed, their
//! conversion to the use cases' inputs, and its rendering with each
//! message beside its field.

use super::{
    Ctx, incident_cis, suggestions,
    widgets::{self, Errors, Field},
};
use crate::i18n::{self, Lang, Msg};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    FieldError,
    incidents::{IncidentPatch, NewIncident, Patch, number},
    search::RecordHit,
};
use steward_domain::{Impact, PriorityMatrix, Urgency, number::RecordKind};
use steward_store::{
    accounts::{Group, User},
    cmdb::CiRow,
    records::Incident,
};

/// The form's fields exactly as the browser sent them.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct IncidentForm {
    pub title: String,
    pub description: String,
    pub impact: String,
    pub urgency: String,
    pub requester: String,
    pub category: String,
    pub service: String,
    pub assignment_group: String,
    pub assignee: String,
    pub major: Option<String>,
    pub parent: String,
    pub version: String,
    /// Set by the "Find matching answers" button: show the suggestions,
    /// save nothing.
    pub suggest: String,
    /// The ticked CI ids (a repeated key, read by `incident_cis::split_form`).
    #[serde(skip)]
    pub cis: Vec<String>,
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// A textarea's text: browsers send its line breaks as CRLF, and stored
/// text has LF, so an untouched description must not read as changed.
pub(super) fn lines(s: &str) -> String {
    s.replace("\r\n", "\n")
}

fn patch(s: &str) -> Patch<String> {
    opt(s).map_or(Patch::Clear, Patch::Set)
}

/// A 1–3 level from a select; anything else is a message for the field.
fn level(field: &str, v: &str, errors: &mut Vec<FieldError>) -> i64 {
    match v.trim().parse::<i64>() {
        Ok(n) if (1..=3).contains(&n) => n,
        _ => {
            errors.push(FieldError::new(field, crate::i18n_codes::ui(steward_app::Code::ChooseFromList, &[])));
            3
        }
    }
}

impl IncidentForm {
    pub fn blank() -> Self {
        Self { impact: "3".into(), urgency: "3".into(), ..Self::default() }
    }

    /// The form for editing `inc` and its CIs; references are shown by username.
    pub fn from_incident(inc: &Incident, cis: &[i64], users: &[User]) -> Self {
        let username = |id: Option<i64>| {
            id.and_then(|id| users.iter().find(|u| u.id == id)).map(|u| u.username.clone()).unwrap_or_default()
        };
        Self {
            title: inc.title.clone(),
            description: inc.description.clone(),
            impact: inc.impact.to_string(),
            urgency: inc.urgency.to_string(),
            requester: username(Some(inc.requester_id)),
            category: inc.category.clone().unwrap_or_default(),
            service: inc.service.clone().unwrap_or_default(),
            assignment_group: inc.group_name.clone().unwrap_or_default(),
            assignee: username(inc.assignee_id),
            major: (inc.major != 0).then(|| "on".to_owned()),
            parent: inc.parent_number.map(number).unwrap_or_default(),
            version: inc.version.to_string(),
            suggest: String::new(),
            cis: cis.iter().map(i64::to_string).collect(),
        }
    }

    /// The ticked CIs that are ids (a bad one is reported on sending).
    pub fn chosen_cis(&self) -> Vec<i64> {
        self.cis.iter().filter_map(|c| c.trim().parse().ok()).collect()
    }

    fn major(&self) -> bool {
        self.major.as_deref().is_some_and(|v| !v.is_empty())
    }

    pub fn to_new(&self) -> Result<NewIncident, Vec<FieldError>> {
        let mut errors = Vec::new();
        let impact = level("impact", &self.impact, &mut errors);
        let urgency = level("urgency", &self.urgency, &mut errors);
        let cis = incident_cis::parse_ids(&self.cis).map_err(|e| errors.push(e)).unwrap_or_default();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewIncident {
            title: self.title.clone(),
            description: Some(lines(&self.description)),
            impact: Some(impact),
            urgency: Some(urgency),
            requester: opt(&self.requester),
            category: opt(&self.category),
            service: opt(&self.service),
            assignment_group: opt(&self.assignment_group),
            assignee: opt(&self.assignee),
            major: Some(self.major()),
            parent: opt(&self.parent),
            cis,
        })
    }

    /// The patch and the version the form was loaded at.
    pub fn to_patch(&self) -> Result<(Option<i64>, IncidentPatch), Vec<FieldError>> {
        let mut errors = Vec::new();
        let impact = level("impact", &self.impact, &mut errors);
        let urgency = level("urgency", &self.urgency, &mut errors);
        let cis = incident_cis::parse_ids(&self.cis).map_err(|e| errors.push(e)).unwrap_or_default();
        if !errors.is_empty() {
            return Err(errors);
        }
        let patch = IncidentPatch {
            title: Some(self.title.clone()),
            description: Some(lines(&self.description)),
            impact: Some(impact),
            urgency: Some(urgency),
            requester: opt(&self.requester),
            category: patch(&self.category),
            service: patch(&self.service),
            assignment_group: patch(&self.assignment_group),
            assignee: patch(&self.assignee),
            major: Some(self.major()),
            parent: patch(&self.parent),
            // The form shows every CI the incident names, so what it sends
            // is the whole list.
            cis: Some(cis),
        };
        Ok((self.version.trim().parse().ok(), patch))
    }
}

/// What the selects offer: each group with its members, everyone (for the
/// requester suggestions), the services and the CIs of the chosen one.
pub struct Choices {
    pub groups: Vec<(Group, Vec<User>)>,
    pub users: Vec<User>,
    pub services: Vec<CiRow>,
    pub classes: super::cmdb_widgets::Classes,
    pub picker: incident_cis::Picker,
}

pub enum Mode<'a> {
    New,
    Edit { number: &'a str },
}

/// The priority the matrix gives, the matrix itself, and a live preview
/// (`app.js` updates it as impact and urgency change).
pub fn priority_preview(lang: Lang, matrix: &PriorityMatrix, impact: &str, urgency: &str) -> Markup {
    let rows = matrix.rows();
    let current = match (impact.parse().map(Impact::new), urgency.parse().map(Urgency::new)) {
        (Ok(Ok(i)), Ok(Ok(u))) => i64::from(matrix.priority(i, u)),
        _ => rows[2][2],
    };
    let data = rows.iter().map(|r| r.map(|p| p.to_string()).join(",")).collect::<Vec<_>>().join(";");
    html! {
        div.priority-preview #priority-preview data-matrix=(data) {
            p {
                (i18n::t(lang, Msg::PriorityExplained)) " "
                span #priority-value aria-live="polite" {
                    (widgets::priority_badge(lang, current)) " " span.prio-name { (i18n::priority_name(lang, current)) }
                }
            }
            details.matrix {
                summary { (i18n::t(lang, Msg::MatrixCaption)) }
                table.matrix-table {
                    thead { tr { td {} @for u in 1..=3 { th scope="col" { (i18n::tf(lang, Msg::UrgencyColumn, &[("n", &u.to_string())])) } } } }
                    tbody {
                        @for (i, row) in rows.iter().enumerate() {
                            tr {
                                th scope="row" { (i18n::tf(lang, Msg::ImpactRow, &[("n", &(i + 1).to_string())])) }
                                @for (u, p) in row.iter().enumerate() {
                                    td class=[(*p == current && impact == (i + 1).to_string() && urgency == (u + 1).to_string()).then_some("current")]
                                        data-cell={ (i + 1) "-" (u + 1) } { (widgets::priority_badge(lang, *p)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn levels(lang: Lang, labels: [Msg; 3]) -> Vec<(String, String)> {
    labels.iter().enumerate().map(|(i, m)| ((i + 1).to_string(), i18n::t(lang, *m).to_owned())).collect()
}

/// The assignee select: each group's members under the group's name. A
/// person in several groups is listed under each, but chosen only under
/// the record's group (`app.js` hides the other groups' lists, and a
/// browser keeps the last `selected` option: choosing them everywhere
/// showed "none" and saving cleared the assignee). Someone not listed
/// under that group (inactive, or moved since) keeps an option of their own.
pub(super) fn assignee_options(ctx: &Ctx, c: &Choices, group: &str, selected: &str) -> Markup {
    let here = |g: &Group, members: &[User]| g.name == group && members.iter().any(|u| u.username == selected);
    let listed = c.groups.iter().any(|(g, members)| here(g, members));
    html! {
        option value="" { (ctx.t(Msg::NoneOption)) }
        @if !selected.is_empty() && !listed {
            @let name = c.users.iter().find(|u| u.username == selected).map_or(selected, |u| u.display_name.as_str());
            option value=(selected) selected { (name) }
        }
        @for (g, members) in &c.groups {
            optgroup label=(g.name) data-group=(g.name) {
                @for u in members {
                    option value=(u.username) selected[g.name == group && u.username == selected] { (u.display_name) }
                }
            }
        }
    }
}

/// The form, with `errors` beside their fields; a new incident's form
/// with the known errors and articles its words match (`suggested`, and
/// whether they were looked up).
pub fn render(
    ctx: &Ctx,
    matrix: &PriorityMatrix,
    mode: Mode,
    v: &IncidentForm,
    errors: &Errors,
    c: &Choices,
    suggested: (&[RecordHit], bool),
) -> Markup {
    let lang = ctx.lang;
    let f = |id, label| Field::new(lang, id, id, label, errors);
    let (action, submit, cancel) = match &mode {
        Mode::New => ("/incidents".to_owned(), Msg::CreateIncident, "/incidents".to_owned()),
        Mode::Edit { number } => {
            (format!("/incidents/{number}/edit"), Msg::SaveChanges, format!("/incidents/{number}"))
        }
    };
    let requester_hint = if matches!(mode, Mode::New) { Msg::RequesterHint } else { Msg::RequesterHintEdit };
    let mut groups = vec![(String::new(), ctx.t(Msg::NoneOption).to_owned())];
    groups.extend(c.groups.iter().map(|(g, _)| (g.name.clone(), g.name.clone())));
    // A group the lists no longer offer stays chosen rather than becoming "none".
    if !v.assignment_group.is_empty() && !groups.iter().any(|(name, _)| *name == v.assignment_group) {
        groups.push((v.assignment_group.clone(), v.assignment_group.clone()));
    }
    const SHOWN: [&str; 12] = [
        "title",
        "description",
        "impact",
        "urgency",
        "requester",
        "category",
        "service",
        "assignment_group",
        "assignee",
        "major",
        "parent",
        "cis",
    ];
    html! {
        @if !errors.is_empty() {
            div.notice.error role="alert" {
                (ctx.t(Msg::FixErrors))
                @for e in errors.others(&SHOWN) { br; (i18n::field(lang, &e.field)) ": " (i18n::app_message(lang, e)) }
            }
        }
        form.incident-form method="post" action=(action) {
            (widgets::csrf(&ctx.csrf))
            @if let Mode::Edit { .. } = mode { input type="hidden" name="version" value=(v.version); }
            div.form-grid {
                div.form-main {
                    (Field { required: true, autofocus: matches!(mode, Mode::New), ..f("title", ctx.t(Msg::Title)) }.input(&v.title))
                    (f("description", ctx.t(Msg::Description)).textarea(&v.description, 10))
                    @if let Mode::New = mode {
                        (suggestions::panel(ctx, suggestions::For::Desk, suggested.0, suggested.1))
                    }
                    div.field-row {
                        (Field { hint: Some(ctx.t(requester_hint)), list: Some("user-list"), autocomplete: Some("off"), ..f("requester", ctx.t(Msg::Requester)) }.input(&v.requester))
                        (Field { hint: Some(&ctx.t_example(Msg::ParentHint, RecordKind::Incident)), ..f("parent", ctx.t(Msg::ParentIncident)) }.input(&v.parent))
                    }
                    div.field-row {
                        (f("category", ctx.t(Msg::Category)).input(&v.category))
                        (incident_cis::service_select(ctx, &c.services, &v.service, errors))
                    }
                    (incident_cis::render(ctx, &c.picker, &v.chosen_cis(), &c.classes, errors))
                }
                div.form-side {
                    (f("impact", ctx.t(Msg::Impact)).select(&levels(lang, [Msg::ImpactHigh, Msg::ImpactMedium, Msg::ImpactLow]), &v.impact))
                    (f("urgency", ctx.t(Msg::Urgency)).select(&levels(lang, [Msg::UrgencyHigh, Msg::UrgencyMedium, Msg::UrgencyLow]), &v.urgency))
                    (priority_preview(lang, matrix, &v.impact, &v.urgency))
                    (f("assignment_group", ctx.t(Msg::Group)).select(&groups, &v.assignment_group))
                    (Field { hint: Some(ctx.t(Msg::AssigneeHint)), ..f("assignee", ctx.t(Msg::Assignee)) }.select_with(assignee_options(ctx, c, &v.assignment_group, &v.assignee)))
                    div class={ "field checkbox" @if errors.get("major").is_some() { " has-error" } } {
                        label {
                            input type="checkbox" name="major" value="on" checked[v.major.is_some()];
                            " " (ctx.t(Msg::MajorIncident))
                        }
                        @if let Some(e) = errors.get("major") { p.field-error { (widgets::sentence(&i18n::app_message(lang, e))) } }
                    }
                }
            }
            datalist #user-list { @for u in &c.users { option value=(u.username) { (u.display_name) } } }
            div.form-actions {
                button.btn.btn-primary type="submit" { (ctx.t(submit)) }
                @if let Mode::New = mode { (suggestions::button(ctx)) }
                a.btn.btn-quiet href=(cancel) { (ctx.t(Msg::Cancel)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_becomes_a_patch_that_clears_emptied_fields() {
        let f = IncidentForm {
            title: "VPN".into(),
            impact: "2".into(),
            urgency: "1".into(),
            assignment_group: " Network ".into(),
            version: "4".into(),
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
        let f = IncidentForm { impact: "9".into(), urgency: "x".into(), ..IncidentForm::blank() };
        let Err(errors) = f.to_new() else { panic!("accepted") };
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["impact", "urgency"]);
        assert_eq!(errors[0].code, steward_app::Code::ChooseFromList);
        assert_eq!(crate::i18n::app_message(Lang::Pl, &errors[0]), "wybierz wartość z listy");
    }

    #[test]
    fn the_preview_shows_the_matrix_priority() {
        let m = PriorityMatrix::default();
        let out = priority_preview(Lang::En, &m, "1", "2").into_string();
        assert!(out.contains(r#"data-matrix="1,2,3;2,3,4;3,4,5""#), "{out}");
        assert!(out.contains(r#"<span class="badge prio prio-2" title="High">P2</span>"#), "{out}");
    }
}
