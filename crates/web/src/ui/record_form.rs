//! What every record kind's form is made of (the incident's and the
//! problem's new and edit pages; the next kind's too): the fields every
//! kind has, as typed ([`Fields`], flattened into the kind's own form),
//! read into the use cases' inputs; the posted form with its CI
//! checkboxes; the options of its selects ([`Choices`]); its parts (the
//! title, the description, the service with its CIs, the side column with
//! impact × urgency, the priority they give, the group and the assignee);
//! the page around it with the messages no field shows, and how a refused
//! save comes back ([`Shown`]).

use super::{
    Ctx, UiResult, cmdb_widgets, html, incident_cis, layout,
    widgets::{self, Errors, Field},
};
use crate::{
    AppState,
    i18n::{self, Lang, Msg, Text},
};
use axum::http::StatusCode;
use futures_util::future::try_join_all;
use maud::{Markup, html};
use serde::{Deserialize, de::DeserializeOwned};
use steward_app::{AppError, FieldError, incidents::Patch};
use steward_domain::{Impact, PriorityMatrix, Urgency, number::RecordKind};
use steward_store::{
    accounts::{Group, User},
    cmdb::CiRow,
    records::Record,
};

/// Typed text, trimmed; nothing when nothing was typed.
pub fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// An edited field: emptied, it is cleared.
pub fn patch(s: &str) -> Patch<String> {
    opt(s).map_or(Patch::Clear, Patch::Set)
}

/// A textarea's text: browsers send its line breaks as CRLF, and stored
/// text has LF, so an untouched description must not read as changed.
pub fn lines(s: &str) -> String {
    s.replace("\r\n", "\n")
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

/// A level select's options: 1, 2, 3 named by `labels`.
fn levels(lang: Lang, labels: [Msg; 3]) -> Vec<(String, String)> {
    labels.iter().enumerate().map(|(i, m)| ((i + 1).to_string(), i18n::t(lang, *m).to_owned())).collect()
}

/// The fields every kind's form has, exactly as the browser sent them.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct Fields {
    pub title: String,
    pub description: String,
    pub impact: String,
    pub urgency: String,
    pub category: String,
    pub service: String,
    pub assignment_group: String,
    pub assignee: String,
    /// The version an edit was loaded at.
    pub version: String,
    /// The ticked CI ids (a repeated key, read by [`posted`]).
    #[serde(skip)]
    pub cis: Vec<String>,
}

/// The fields that must parse before a use case sees them.
pub struct Checked {
    pub impact: i64,
    pub urgency: i64,
    pub cis: Vec<i64>,
}

/// The username of the user `id` among `users` (forms name people so).
pub fn username(users: &[User], id: Option<i64>) -> String {
    id.and_then(|id| users.iter().find(|u| u.id == id)).map(|u| u.username.clone()).unwrap_or_default()
}

impl Fields {
    /// A new record's: the lowest impact and urgency.
    pub fn blank() -> Self {
        Self { impact: "3".into(), urgency: "3".into(), ..Self::default() }
    }

    /// The form for editing `r` and its CIs; people are shown by username.
    pub fn of(r: &Record, cis: &[i64], users: &[User]) -> Self {
        Self {
            title: r.title.clone(),
            description: r.description.clone(),
            impact: r.impact.to_string(),
            urgency: r.urgency.to_string(),
            category: r.category.clone().unwrap_or_default(),
            service: r.service.clone().unwrap_or_default(),
            assignment_group: r.group_name.clone().unwrap_or_default(),
            assignee: username(users, r.assignee_id),
            version: r.version.to_string(),
            cis: cis.iter().map(i64::to_string).collect(),
        }
    }

    /// The ticked CIs that are ids (a bad one is reported on sending).
    pub fn chosen_cis(&self) -> Vec<i64> {
        self.cis.iter().filter_map(|c| c.trim().parse().ok()).collect()
    }

    /// Impact, urgency and the CIs, or a message beside each that is not
    /// one.
    pub fn checked(&self) -> Result<Checked, Vec<FieldError>> {
        let mut errors = Vec::new();
        let impact = level("impact", &self.impact, &mut errors);
        let urgency = level("urgency", &self.urgency, &mut errors);
        let cis = incident_cis::parse_ids(&self.cis).map_err(|e| errors.push(e)).unwrap_or_default();
        if errors.is_empty() { Ok(Checked { impact, urgency, cis }) } else { Err(errors) }
    }

    /// The version the edit was loaded at.
    pub fn version(&self) -> Option<i64> {
        self.version.trim().parse().ok()
    }
}

/// A form as posted: `F` from its fields, with the ticked CIs (a repeated
/// key, which `axum::Form` cannot put in a struct) put in its [`Fields`].
pub fn posted<F: DeserializeOwned>(
    pairs: Vec<(String, String)>,
    fields: fn(&mut F) -> &mut Fields,
) -> Result<F, AppError> {
    let (mut f, cis): (F, _) =
        incident_cis::split_form(pairs, "cis").map_err(|e| AppError::field("query", crate::error::malformed(e)))?;
    fields(&mut f).cis = cis;
    Ok(f)
}

/// What the selects offer: each group with its members, everyone (for the
/// requester suggestions), the services and the CIs of the chosen one.
pub struct Choices {
    pub groups: Vec<(Group, Vec<User>)>,
    pub users: Vec<User>,
    pub services: Vec<CiRow>,
    pub classes: cmdb_widgets::Classes,
    pub picker: incident_cis::Picker,
}

/// The options, with the CIs of the service `f` names.
pub async fn choices(s: &AppState, ctx: &Ctx, f: &Fields) -> Result<Choices, AppError> {
    let groups = s.app.list_groups().await?;
    // One read per group: groups are few, and there is no bulk membership
    // query in the store yet.
    let members = try_join_all(groups.iter().map(|g| s.app.group_members(g.id))).await?;
    let users = s.app.list_users(Some(&ctx.actor)).await?.into_iter().filter(|u| u.active != 0).collect();
    let groups =
        groups.into_iter().zip(members).map(|(g, m)| (g, m.into_iter().filter(|u| u.active != 0).collect())).collect();
    let services = s.app.catalog(&ctx.actor, None).await?;
    let classes = cmdb_widgets::Classes::load(s).await?;
    let picker = incident_cis::load(s, ctx, &services, &f.service, &f.chosen_cis()).await?;
    Ok(Choices { groups, users, services, classes, picker })
}

pub enum Mode<'a> {
    New,
    Edit { number: &'a str },
}

impl Mode<'_> {
    /// Where the form of a record of `kind` posts.
    pub fn action(&self, kind: RecordKind) -> String {
        match self {
            Mode::New => format!("/{}", kind.paths().0),
            Mode::Edit { number } => format!("/{}/{number}/edit", kind.paths().0),
        }
    }
}

/// How the form is shown: at first (200), or after a refused save with
/// its messages (422), or as an edit of an old version (409).
pub struct Shown {
    pub errors: Errors,
    pub stale: bool,
    pub status: StatusCode,
}

impl Default for Shown {
    fn default() -> Self {
        Shown { errors: Errors::default(), stale: false, status: StatusCode::OK }
    }
}

impl Shown {
    /// The form after the save was refused with `e`; `messages` places the
    /// kind's own messages (rows of a list).
    pub fn refused(e: AppError, messages: impl FnOnce(Vec<FieldError>) -> Vec<FieldError>) -> Result<Self, AppError> {
        match e {
            AppError::Invalid(errors) => {
                Ok(Shown { errors: Errors(messages(errors)), stale: false, status: StatusCode::UNPROCESSABLE_ENTITY })
            }
            // Keep the version they loaded: sending the form again must fail
            // again until they have seen what changed.
            AppError::Stale { .. } | AppError::VersionRequired => {
                Ok(Shown { errors: Errors::default(), stale: true, status: StatusCode::CONFLICT })
            }
            e => Err(e),
        }
    }
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

/// The assignee select: each group's members under the group's name. A
/// person in several groups is listed under each, but chosen only under
/// the record's group (`app.js` hides the other groups' lists, and a
/// browser keeps the last `selected` option: choosing them everywhere
/// showed "none" and saving cleared the assignee). Someone not listed
/// under that group (inactive, or moved since) keeps an option of their own.
fn assignee_options(ctx: &Ctx, c: &Choices, group: &str, selected: &str) -> Markup {
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

/// The fields every kind's form shows beside a control of their own.
const SHOWN: [&str; 9] =
    ["title", "description", "impact", "urgency", "category", "service", "assignment_group", "assignee", "cis"];

/// The messages about fields the form does not show (`placed` says which
/// of its own it does), above it.
pub fn summary(ctx: &Ctx, errors: &Errors, placed: impl Fn(&str) -> bool) -> Markup {
    let lang = ctx.lang;
    html! {
        @if !errors.is_empty() {
            div.notice.error role="alert" {
                (ctx.t(Msg::FixErrors))
                @for e in errors.others(&SHOWN).filter(|e| !placed(e.field.as_str())) { br; (i18n::field(lang, &e.field)) ": " (i18n::app_message(lang, e)) }
            }
        }
    }
}

/// The title, required, the first field of a new record's form.
pub fn title(ctx: &Ctx, mode: &Mode, f: &Fields, errors: &Errors) -> Markup {
    let field = Field::new(ctx.lang, "title", "title", ctx.t(Msg::Title), errors);
    Field { required: true, autofocus: matches!(mode, Mode::New), ..field }.input(&f.title)
}

pub fn description(ctx: &Ctx, f: &Fields, errors: &Errors, rows: u32) -> Markup {
    Field::new(ctx.lang, "description", "description", ctx.t(Msg::Description), errors).textarea(&f.description, rows)
}

/// The category beside the service, and the CIs of that service.
pub fn subject(ctx: &Ctx, c: &Choices, f: &Fields, errors: &Errors) -> Markup {
    html! {
        div.field-row {
            (Field::new(ctx.lang, "category", "category", ctx.t(Msg::Category), errors).input(&f.category))
            (incident_cis::service_select(ctx, &c.services, &f.service, errors))
        }
        (incident_cis::render(ctx, &c.picker, &f.chosen_cis(), &c.classes, errors))
    }
}

/// The side column: impact and urgency with the priority they give, the
/// group and the member assigned (`assignee`: the kind's name for them).
pub fn side(
    ctx: &Ctx,
    matrix: &PriorityMatrix,
    c: &Choices,
    f: &Fields,
    errors: &Errors,
    assignee: impl Text,
) -> Markup {
    let lang = ctx.lang;
    let field = |id, label| Field::new(lang, id, id, ctx.t(label), errors);
    let mut groups = vec![(String::new(), ctx.t(Msg::NoneOption).to_owned())];
    groups.extend(c.groups.iter().map(|(g, _)| (g.name.clone(), g.name.clone())));
    // A group the lists no longer offer stays chosen rather than becoming "none".
    if !f.assignment_group.is_empty() && !groups.iter().any(|(name, _)| *name == f.assignment_group) {
        groups.push((f.assignment_group.clone(), f.assignment_group.clone()));
    }
    let impacts = levels(lang, [Msg::ImpactHigh, Msg::ImpactMedium, Msg::ImpactLow]);
    let urgencies = levels(lang, [Msg::UrgencyHigh, Msg::UrgencyMedium, Msg::UrgencyLow]);
    let people = assignee_options(ctx, c, &f.assignment_group, &f.assignee);
    html! {
        (field("impact", Msg::Impact).select(&impacts, &f.impact))
        (field("urgency", Msg::Urgency).select(&urgencies, &f.urgency))
        (priority_preview(lang, matrix, &f.impact, &f.urgency))
        (field("assignment_group", Msg::Group).select(&groups, &f.assignment_group))
        (Field { hint: Some(ctx.t(Msg::AssigneeHint)), ..Field::new(lang, "assignee", "assignee", ctx.t(assignee), errors) }.select_with(people))
    }
}

/// The form (its `class`, posting to its `action` for `kind`): the version
/// an edit was loaded at, then `body` (the [`grid`] and the buttons).
pub fn form(ctx: &Ctx, class: &str, kind: RecordKind, mode: &Mode, f: &Fields, body: Markup) -> Markup {
    html! {
        form class=(class) method="post" action=(mode.action(kind)) {
            (widgets::csrf(&ctx.csrf))
            @if let Mode::Edit { .. } = mode { input type="hidden" name="version" value=(f.version); }
            (body)
        }
    }
}

/// The form's two columns: the main one and the side.
pub fn grid(main: Markup, side: Markup) -> Markup {
    html! {
        div.form-grid {
            div.form-main { (main) }
            div.form-side { (side) }
        }
    }
}

/// The page of a record's form: "New …" (`new`) or "Edit INC…" with the
/// way back to the record, the alert of an edit of an old version
/// (`stale`: what to say), and the form.
pub fn page(
    ctx: &Ctx,
    kind: RecordKind,
    mode: &Mode,
    new: impl Text,
    stale: Option<impl Text>,
    form: Markup,
    status: StatusCode,
) -> UiResult {
    let path = kind.paths().0;
    let title = match mode {
        Mode::New => ctx.t(new).to_owned(),
        Mode::Edit { number } => i18n::tf(ctx.lang, Msg::EditIncidentTitle, &[("number", number)]),
    };
    let body = html! {
        div.page-head {
            h1 { (title) }
            @if let Mode::Edit { number } = mode { a href={ "/" (path) "/" (number) } { "← " (number) } }
        }
        @if let Some(m) = stale {
            @let reload = match mode { Mode::Edit { number } => format!("/{path}/{number}/edit"), Mode::New => String::new() };
            (widgets::alert(&format!("{} {}", ctx.t(m), ctx.t(Msg::StaleKept)), Some((&reload, ctx.t(Msg::ReloadLatest)))))
        }
        (form)
    };
    Ok(html(status, layout::page(ctx, &title, body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_shows_the_matrix_priority() {
        let m = PriorityMatrix::default();
        let out = priority_preview(Lang::En, &m, "1", "2").into_string();
        assert!(out.contains(r#"data-matrix="1,2,3;2,3,4;3,4,5""#), "{out}");
        assert!(out.contains(r#"<span class="badge prio prio-2" title="High">P2</span>"#), "{out}");
    }
}
