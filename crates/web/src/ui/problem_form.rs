//! The new-problem and edit pages: the record's fields as on the incident
//! form (service and CI picker, group and owner, impact × urgency), the
//! analysis (cause category, analysis, 5-whys) and the workaround; a new
//! problem may link incidents at once (a candidate's fill them in). A
//! refused form comes back with the input and each message beside its
//! field; an edit of an old version offers the latest one.

use super::{
    Ctx, OrPage, UiResult, form, html, incident_cis,
    incident_form::{self, Choices, lines},
    layout,
    problem_actions::numbers,
    see_other, staff_only,
    widgets::{self, Errors, Field},
};
use crate::{
    AppState,
    i18n::{self, Msg},
    i18n_problems,
};
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError, FieldError,
    incidents::Patch,
    problems::{
        NewProblem, Problem, ProblemPatch,
        candidates::{self, parse_group},
        number,
    },
};
use steward_domain::problem::{CauseCategory, GroupKey, MAX_WHYS, WhyStep};
use steward_store::accounts::User;

/// The form's fields as the browser sent them.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct ProblemForm {
    pub title: String,
    pub description: String,
    pub impact: String,
    pub urgency: String,
    pub category: String,
    pub service: String,
    pub assignment_group: String,
    pub assignee: String,
    pub cause_category: String,
    pub root_cause: String,
    pub workaround: String,
    /// Incident numbers to link (new problems only).
    pub incidents: String,
    pub version: String,
    /// The ticked CI ids and the 5-whys (repeated keys, read by [`posted`]).
    #[serde(skip)]
    pub cis: Vec<String>,
    #[serde(skip)]
    pub why_q: Vec<String>,
    #[serde(skip)]
    pub why_a: Vec<String>,
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
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

impl ProblemForm {
    fn blank() -> Self {
        Self { impact: "3".into(), urgency: "3".into(), ..Self::default() }
    }

    fn from_problem(p: &Problem, cis: &[i64], users: &[User]) -> Self {
        let r = &p.record;
        let username = |id: Option<i64>| {
            id.and_then(|id| users.iter().find(|u| u.id == id)).map(|u| u.username.clone()).unwrap_or_default()
        };
        let whys = p.whys();
        Self {
            title: r.title.clone(),
            description: r.description.clone(),
            impact: r.impact.to_string(),
            urgency: r.urgency.to_string(),
            category: r.category.clone().unwrap_or_default(),
            service: r.service.clone().unwrap_or_default(),
            assignment_group: r.group_name.clone().unwrap_or_default(),
            assignee: username(r.assignee_id),
            cause_category: p.details.cause_category.clone().unwrap_or_default(),
            root_cause: p.details.root_cause.clone().unwrap_or_default(),
            workaround: p.details.workaround.clone().unwrap_or_default(),
            incidents: String::new(),
            version: r.version.to_string(),
            cis: cis.iter().map(i64::to_string).collect(),
            why_q: whys.iter().map(|w| w.question.clone()).collect(),
            why_a: whys.iter().map(|w| w.answer.clone()).collect(),
        }
    }

    fn chosen_cis(&self) -> Vec<i64> {
        self.cis.iter().filter_map(|c| c.trim().parse().ok()).collect()
    }

    /// The 5-whys filled in, and for each its row on the form (so a
    /// message about step `i` goes beside row `rows[i]`).
    fn whys(&self) -> (Vec<WhyStep>, Vec<usize>) {
        let mut steps = Vec::new();
        let mut rows = Vec::new();
        for row in 0..self.why_q.len().max(self.why_a.len()) {
            let q = self.why_q.get(row).map(|s| lines(s)).unwrap_or_default();
            let a = self.why_a.get(row).map(|s| lines(s)).unwrap_or_default();
            if !q.trim().is_empty() || !a.trim().is_empty() {
                steps.push(WhyStep { question: q, answer: a });
                rows.push(row);
            }
        }
        (steps, rows)
    }

    fn checked(&self) -> Result<(i64, i64, Vec<i64>), Vec<FieldError>> {
        let mut errors = Vec::new();
        let impact = level("impact", &self.impact, &mut errors);
        let urgency = level("urgency", &self.urgency, &mut errors);
        let cis = incident_cis::parse_ids(&self.cis).map_err(|e| errors.push(e)).unwrap_or_default();
        if errors.is_empty() { Ok((impact, urgency, cis)) } else { Err(errors) }
    }

    fn to_new(&self) -> Result<NewProblem, Vec<FieldError>> {
        let (impact, urgency, cis) = self.checked()?;
        Ok(NewProblem {
            title: self.title.clone(),
            description: Some(lines(&self.description)),
            impact: Some(impact),
            urgency: Some(urgency),
            category: opt(&self.category),
            service: opt(&self.service),
            assignment_group: opt(&self.assignment_group),
            assignee: opt(&self.assignee),
            cis,
            cause_category: opt(&self.cause_category),
            root_cause: opt(&lines(&self.root_cause)),
            whys: self.whys().0,
            workaround: opt(&lines(&self.workaround)),
            incidents: numbers(&self.incidents),
        })
    }

    fn to_patch(&self) -> Result<(Option<i64>, ProblemPatch), Vec<FieldError>> {
        let (impact, urgency, cis) = self.checked()?;
        let patch = ProblemPatch {
            title: Some(self.title.clone()),
            description: Some(lines(&self.description)),
            impact: Some(impact),
            urgency: Some(urgency),
            category: patch(&self.category),
            service: patch(&self.service),
            assignment_group: patch(&self.assignment_group),
            assignee: patch(&self.assignee),
            // The form shows every CI, every step and every text: what it
            // sends is the whole of each.
            cis: Some(cis),
            cause_category: patch(&self.cause_category),
            root_cause: patch(&lines(&self.root_cause)),
            whys: Some(self.whys().0),
            workaround: patch(&lines(&self.workaround)),
        };
        Ok((self.version.trim().parse().ok(), patch))
    }

    /// Messages about the 5-whys' steps, named by the row they belong to.
    fn with_rows(&self, errors: Vec<FieldError>) -> Vec<FieldError> {
        let (_, rows) = self.whys();
        errors
            .into_iter()
            .map(|mut e| {
                if let Some(rest) = e.field.strip_prefix("whys[")
                    && let Some((i, part)) = rest.split_once("].")
                    && let Some(row) = i.parse::<usize>().ok().and_then(|i| rows.get(i))
                {
                    // Beside its row, "whys[0].answer is required" says "is required".
                    let prefix = format!("whys[{i}].{part} ");
                    if let Some(m) = e.message.strip_prefix(&prefix) {
                        e.message = m.to_owned();
                    }
                    e.field = format!("{}_{row}", if part == "question" { "why_q" } else { "why_a" });
                }
                e
            })
            .collect()
    }
}

/// The form as posted: its fields, the ticked CIs and the 5-whys (each a
/// repeated key, which `axum::Form` cannot put in a struct).
fn posted(pairs: Vec<(String, String)>) -> Result<ProblemForm, AppError> {
    let (mut why_q, mut why_a, mut rest) = (Vec::new(), Vec::new(), Vec::new());
    for (k, v) in pairs {
        match k.as_str() {
            "why_q" => why_q.push(v),
            "why_a" => why_a.push(v),
            _ => rest.push((k, v)),
        }
    }
    let (mut f, cis): (ProblemForm, _) =
        incident_cis::split_form(rest, "cis").map_err(|e| AppError::field("query", crate::error::malformed(e)))?;
    (f.cis, f.why_q, f.why_a) = (cis, why_q, why_a);
    Ok(f)
}

pub enum Mode<'a> {
    New,
    Edit { number: &'a str },
}

fn whys_fields(ctx: &Ctx, v: &ProblemForm, errors: &Errors) -> Markup {
    let lang = ctx.lang;
    html! {
        fieldset.whys-fields #whys-fields {
            legend { (ctx.t(Msg::FiveWhys)) }
            p.hint { (ctx.t(Msg::WhysHint)) }
            @if let Some(e) = errors.get("whys") { p.field-error { (widgets::sentence(&i18n::app_message(lang, e))) } }
            @for row in 0..MAX_WHYS {
                @let n = (row + 1).to_string();
                @let (q_label, a_label) = (i18n::tf(lang, Msg::WhyQuestion, &[("n", &n)]), i18n::tf(lang, Msg::WhyAnswer, &[("n", &n)]));
                @let (q_id, a_id) = (format!("why_q_{row}"), format!("why_a_{row}"));
                @let q_error = errors.get(&q_id).map(|m| widgets::sentence(&i18n::app_message(lang, m)));
                @let a_error = errors.get(&a_id).map(|m| widgets::sentence(&i18n::app_message(lang, m)));
                div.field-row.why-row {
                    (Field { id: &q_id, name: "why_q", label: &q_label, error: q_error, ..Field::default() }.input(v.why_q.get(row).map_or("", String::as_str)))
                    (Field { id: &a_id, name: "why_a", label: &a_label, error: a_error, ..Field::default() }.input(v.why_a.get(row).map_or("", String::as_str)))
                }
            }
        }
    }
}

fn render(ctx: &Ctx, s: &AppState, mode: &Mode, v: &ProblemForm, errors: &Errors, c: &Choices) -> Markup {
    let lang = ctx.lang;
    let f = |id, label| Field::new(lang, id, id, label, errors);
    let (action, submit, cancel) = match mode {
        Mode::New => ("/problems".to_owned(), Msg::CreateProblem, "/problems?state=open".to_owned()),
        Mode::Edit { number } => (format!("/problems/{number}/edit"), Msg::SaveChanges, format!("/problems/{number}")),
    };
    let mut groups = vec![(String::new(), ctx.t(Msg::NoneOption).to_owned())];
    groups.extend(c.groups.iter().map(|(g, _)| (g.name.clone(), g.name.clone())));
    if !v.assignment_group.is_empty() && !groups.iter().any(|(name, _)| *name == v.assignment_group) {
        groups.push((v.assignment_group.clone(), v.assignment_group.clone()));
    }
    let mut causes = vec![(String::new(), ctx.t(Msg::NoneOption).to_owned())];
    causes.extend(
        CauseCategory::ALL.iter().map(|c| (c.as_str().to_owned(), i18n_problems::cause_category(lang, *c).to_owned())),
    );
    const SHOWN: [&str; 14] = [
        "title",
        "description",
        "impact",
        "urgency",
        "category",
        "service",
        "assignment_group",
        "assignee",
        "cis",
        "cause_category",
        "root_cause",
        "whys",
        "workaround",
        "incidents",
    ];
    let shown_elsewhere = |e: &&FieldError| !e.field.starts_with("why_");
    html! {
        @if !errors.is_empty() {
            div.notice.error role="alert" {
                (ctx.t(Msg::FixErrors))
                @for e in errors.others(&SHOWN).filter(shown_elsewhere) { br; (i18n::field(lang, &e.field)) ": " (i18n::app_message(lang, e)) }
            }
        }
        form.incident-form.problem-form method="post" action=(action) {
            (widgets::csrf(&ctx.csrf))
            @if let Mode::Edit { .. } = mode { input type="hidden" name="version" value=(v.version); }
            div.form-grid {
                div.form-main {
                    (Field { required: true, autofocus: matches!(mode, Mode::New), ..f("title", ctx.t(Msg::Title)) }.input(&v.title))
                    (f("description", ctx.t(Msg::Description)).textarea(&v.description, 6))
                    div.field-row {
                        (f("category", ctx.t(Msg::Category)).input(&v.category))
                        (incident_cis::service_select(ctx, &c.services, &v.service, errors))
                    }
                    (incident_cis::render(ctx, &c.picker, &v.chosen_cis(), &c.classes, errors))
                    fieldset.analysis {
                        legend { (ctx.t(Msg::RootCausePanel)) }
                        (f("cause_category", ctx.t(Msg::CauseCategory)).select(&causes, &v.cause_category))
                        (f("root_cause", ctx.t(Msg::RootCauseText)).textarea(&v.root_cause, 5))
                        (whys_fields(ctx, v, errors))
                    }
                    (f("workaround", ctx.t(Msg::Workaround)).textarea(&v.workaround, 5))
                    @if let Mode::New = mode {
                        (Field { hint: Some(ctx.t(Msg::LinkIncidentsHint)), ..f("incidents", ctx.t(Msg::LinkIncidents)) }.textarea(&v.incidents, 2))
                    }
                }
                div.form-side {
                    (f("impact", ctx.t(Msg::Impact)).select(&incident_form::levels(lang, [Msg::ImpactHigh, Msg::ImpactMedium, Msg::ImpactLow]), &v.impact))
                    (f("urgency", ctx.t(Msg::Urgency)).select(&incident_form::levels(lang, [Msg::UrgencyHigh, Msg::UrgencyMedium, Msg::UrgencyLow]), &v.urgency))
                    (incident_form::priority_preview(lang, &s.app.config.priority_matrix, &v.impact, &v.urgency))
                    (f("assignment_group", ctx.t(Msg::Group)).select(&groups, &v.assignment_group))
                    (Field { hint: Some(ctx.t(Msg::AssigneeHint)), ..f("assignee", ctx.t(Msg::ProblemOwner)) }.select_with(incident_form::assignee_options(ctx, c, &v.assignment_group, &v.assignee)))
                }
            }
            div.form-actions {
                button.btn.btn-primary #save-problem type="submit" { (ctx.t(submit)) }
                a.btn.btn-quiet href=(cancel) { (ctx.t(Msg::Cancel)) }
            }
        }
    }
}

/// One showing of the form: 200 at first, 422 or 409 when refused (with
/// `stale`, an edit of an old version).
struct Showing<'a> {
    mode: Mode<'a>,
    values: &'a ProblemForm,
    errors: Errors,
    stale: bool,
    status: StatusCode,
}

impl<'a> Showing<'a> {
    fn first(mode: Mode<'a>, values: &'a ProblemForm) -> Self {
        Showing { mode, values, errors: Errors::default(), stale: false, status: StatusCode::OK }
    }
}

fn page(ctx: &Ctx, s: &AppState, c: &Choices, show: Showing) -> UiResult {
    let Showing { mode, values: v, errors, stale, status } = show;
    let title = match &mode {
        Mode::New => ctx.t(Msg::NewProblemTitle).to_owned(),
        Mode::Edit { number } => i18n::tf(ctx.lang, Msg::EditIncidentTitle, &[("number", number)]),
    };
    let body = html! {
        div.page-head {
            h1 { (title) }
            @if let Mode::Edit { number } = &mode { a href={ "/problems/" (number) } { "← " (number) } }
        }
        @if stale {
            @let reload = match &mode { Mode::Edit { number } => format!("/problems/{number}/edit"), Mode::New => String::new() };
            (widgets::alert(&format!("{} {}", ctx.t(Msg::StaleProblem), ctx.t(Msg::StaleKept)), Some((&reload, ctx.t(Msg::ReloadLatest)))))
        }
        (render(ctx, s, &mode, v, &errors, c))
    };
    Ok(html(status, layout::page(ctx, &title, body)))
}

async fn choices(s: &AppState, ctx: &Ctx, v: &ProblemForm) -> Result<Choices, AppError> {
    form::choices_for(s, ctx, &v.service, &v.chosen_cis()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    /// A problem candidate's group (`service:12`, `ci:40`, `category:…`).
    from: String,
    days: String,
}

/// The form filled from a candidate: what its incidents share, and them.
async fn from_candidate(s: &AppState, ctx: &Ctx, q: &NewQuery) -> Result<ProblemForm, AppError> {
    let mut v = ProblemForm::blank();
    if q.from.trim().is_empty() {
        return Ok(v);
    }
    let g = parse_group(&q.from)?;
    let days = q.days.trim().parse().ok();
    let name = match &g {
        GroupKey::Service(id) | GroupKey::Ci(id) => s.app.ci_name(*id).await?.ok_or(AppError::NotFound("CI"))?,
        GroupKey::Category(c) => c.clone(),
    };
    match &g {
        GroupKey::Service(_) => v.service = name.clone(),
        GroupKey::Ci(id) => v.cis = vec![id.to_string()],
        GroupKey::Category(c) => v.category = c.clone(),
    }
    v.title = i18n::tf(ctx.lang, Msg::CandidateTitle, &[("what", &name)]);
    v.incidents = s.app.candidate_incidents(&ctx.actor, &g, days.or(Some(candidates::DEFAULT_DAYS))).await?.join(" ");
    Ok(v)
}

pub async fn new(State(s): State<AppState>, ctx: Ctx, Query(q): Query<NewQuery>) -> UiResult {
    staff_only(&ctx)?;
    let v = from_candidate(&s, &ctx, &q).await.or_page(&ctx)?;
    let c = choices(&s, &ctx, &v).await.or_page(&ctx)?;
    page(&ctx, &s, &c, Showing::first(Mode::New, &v))
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> UiResult {
    staff_only(&ctx)?;
    let v = posted(pairs).or_page(&ctx)?;
    let result = match v.to_new() {
        Ok(n) => s.app.create_problem(&ctx.actor, n).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(p) => see_other(&format!("/problems/{}?m=created", number(p.record.number))),
        Err(AppError::Invalid(errors)) => {
            let c = choices(&s, &ctx, &v).await.or_page(&ctx)?;
            let errors = Errors(v.with_rows(errors));
            let show = Showing { errors, status: StatusCode::UNPROCESSABLE_ENTITY, ..Showing::first(Mode::New, &v) };
            page(&ctx, &s, &c, show)
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn edit(State(s): State<AppState>, ctx: Ctx, Path(n): Path<String>) -> UiResult {
    staff_only(&ctx)?;
    let p = s.app.get_problem(&ctx.actor, &n).await.or_page(&ctx)?;
    let users = s.app.list_users(Some(&ctx.actor)).await.or_page(&ctx)?;
    let cis: Vec<i64> =
        s.app.incident_cis(&ctx.actor, p.record.id).await.or_page(&ctx)?.into_iter().map(|c| c.id).collect();
    let v = ProblemForm::from_problem(&p, &cis, &users);
    let c = choices(&s, &ctx, &v).await.or_page(&ctx)?;
    let n = number(p.record.number);
    page(&ctx, &s, &c, Showing::first(Mode::Edit { number: &n }, &v))
}

pub async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(n): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> UiResult {
    staff_only(&ctx)?;
    let v = posted(pairs).or_page(&ctx)?;
    let result = match v.to_patch() {
        Ok((version, patch)) => s.app.update_problem(&ctx.actor, &n, version, patch).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    let (errors, stale, status) = match result {
        Ok(p) => return see_other(&format!("/problems/{}?m=saved", number(p.record.number))),
        Err(AppError::Invalid(errors)) => (v.with_rows(errors), false, StatusCode::UNPROCESSABLE_ENTITY),
        // Keep the version they loaded: sending again fails until they
        // have seen what changed.
        Err(AppError::Stale { .. } | AppError::VersionRequired) => (Vec::new(), true, StatusCode::CONFLICT),
        Err(e) => return Err(ctx.fail(e)),
    };
    let p = s.app.get_problem(&ctx.actor, &n).await.or_page(&ctx)?;
    let c = choices(&s, &ctx, &v).await.or_page(&ctx)?;
    let n = number(p.record.number);
    page(&ctx, &s, &c, Showing { mode: Mode::Edit { number: &n }, values: &v, errors: Errors(errors), stale, status })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whys_skip_empty_rows_and_their_messages_find_their_row() {
        let f = ProblemForm {
            why_q: vec!["".into(), "Why did DHCP fail?".into(), "".into()],
            why_a: vec!["".into(), "".into(), "Lease too short".into()],
            ..ProblemForm::blank()
        };
        let (steps, rows) = f.whys();
        assert_eq!(rows, [1, 2]);
        assert_eq!(steps[1], WhyStep { question: String::new(), answer: "Lease too short".into() });
        let errs = f.with_rows(vec![
            FieldError::new("whys[0].answer", steward_app::Code::Required.msg("whys[0].answer is required")),
            FieldError::new("title", steward_app::Code::Required.msg("x")),
        ]);
        assert_eq!(errs.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["why_a_1", "title"]);
        assert_eq!(errs[0].message, "is required");
    }

    #[test]
    fn the_form_reads_repeated_keys() {
        let pairs = [
            ("title", "DHCP"),
            ("why_q", "a"),
            ("why_a", "b"),
            ("cis", "4"),
            ("impact", "2"),
            ("urgency", "3"),
            ("why_q", ""),
            ("cis", "7"),
        ];
        let f = posted(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()).unwrap();
        assert_eq!((f.title.as_str(), f.cis.len(), f.why_q.len(), f.why_a.len()), ("DHCP", 2, 2, 1));
        let p = f.to_new().unwrap();
        assert_eq!((p.cis, p.whys.len()), (vec![4, 7], 1));
    }
}
