//! The new-problem and edit pages: the record's fields as every kind's
//! form has them (`record_form`: service and CI picker, group and owner,
//! impact × urgency), the analysis (cause category, analysis, 5-whys) and
//! the workaround; a new problem may link incidents at once (a
//! candidate's fill them in). A refused form comes back with the input
//! and each message beside its field; an edit of an old version offers
//! the latest one.

use super::problem_texts::{self, PrbMsg};
use super::{
    Ctx, OrPage, UiResult,
    problem_actions::numbers,
    record_actions::done,
    record_form::{self, Choices, Fields, Mode, Shown, lines, opt, patch},
    staff_only,
    widgets::{self, Errors, Field},
};
use crate::{
    AppState,
    i18n::{self, Label, Msg},
};
use axum::{
    Form,
    extract::{Path, Query, State},
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError, FieldError,
    problems::{
        NewProblem, Problem, ProblemPatch,
        candidates::{self, parse_group},
        number,
    },
};
use steward_domain::{
    number::RecordKind,
    problem::{CauseCategory, GroupKey, MAX_WHYS, WhyStep},
};
use steward_store::accounts::User;

const KIND: RecordKind = RecordKind::Problem;

/// The form's fields as the browser sent them.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct ProblemForm {
    #[serde(flatten)]
    pub fields: Fields,
    pub cause_category: String,
    pub root_cause: String,
    pub workaround: String,
    /// Incident numbers to link (new problems only).
    pub incidents: String,
    /// The 5-whys (repeated keys, read by [`posted`]).
    #[serde(skip)]
    pub why_q: Vec<String>,
    #[serde(skip)]
    pub why_a: Vec<String>,
}

impl ProblemForm {
    fn blank() -> Self {
        Self { fields: Fields::blank(), ..Self::default() }
    }

    fn from_problem(p: &Problem, cis: &[i64], users: &[User]) -> Self {
        let whys = p.whys();
        Self {
            fields: Fields::of(&p.record, cis, users),
            cause_category: p.details.cause_category.clone().unwrap_or_default(),
            root_cause: p.details.root_cause.clone().unwrap_or_default(),
            workaround: p.details.workaround.clone().unwrap_or_default(),
            incidents: String::new(),
            why_q: whys.iter().map(|w| w.question.clone()).collect(),
            why_a: whys.iter().map(|w| w.answer.clone()).collect(),
        }
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

    fn to_new(&self) -> Result<NewProblem, Vec<FieldError>> {
        let f = &self.fields;
        let checked = f.checked()?;
        Ok(NewProblem {
            title: f.title.clone(),
            description: Some(lines(&f.description)),
            impact: Some(checked.impact),
            urgency: Some(checked.urgency),
            category: opt(&f.category),
            service: opt(&f.service),
            assignment_group: opt(&f.assignment_group),
            assignee: opt(&f.assignee),
            cis: checked.cis,
            cause_category: opt(&self.cause_category),
            root_cause: opt(&lines(&self.root_cause)),
            whys: self.whys().0,
            workaround: opt(&lines(&self.workaround)),
            incidents: numbers(&self.incidents),
        })
    }

    fn to_patch(&self) -> Result<(Option<i64>, ProblemPatch), Vec<FieldError>> {
        let f = &self.fields;
        let checked = f.checked()?;
        let patch = ProblemPatch {
            title: Some(f.title.clone()),
            description: Some(lines(&f.description)),
            impact: Some(checked.impact),
            urgency: Some(checked.urgency),
            category: patch(&f.category),
            service: patch(&f.service),
            assignment_group: patch(&f.assignment_group),
            assignee: patch(&f.assignee),
            // The form shows every CI, every step and every text: what it
            // sends is the whole of each.
            cis: Some(checked.cis),
            cause_category: patch(&self.cause_category),
            root_cause: patch(&lines(&self.root_cause)),
            whys: Some(self.whys().0),
            workaround: patch(&lines(&self.workaround)),
        };
        Ok((f.version(), patch))
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
    let mut f = record_form::posted(rest, |f: &mut ProblemForm| &mut f.fields)?;
    (f.why_q, f.why_a) = (why_q, why_a);
    Ok(f)
}

fn whys_fields(ctx: &Ctx, v: &ProblemForm, errors: &Errors) -> Markup {
    let lang = ctx.lang;
    html! {
        fieldset.whys-fields #whys-fields {
            legend { (ctx.t(PrbMsg::FiveWhys)) }
            p.hint { (ctx.t(PrbMsg::WhysHint)) }
            @if let Some(e) = errors.get("whys") { p.field-error { (widgets::sentence(&i18n::app_message(lang, e))) } }
            @for row in 0..MAX_WHYS {
                @let n = (row + 1).to_string();
                @let (q_label, a_label) = (i18n::tf(lang, PrbMsg::WhyQuestion, &[("n", &n)]), i18n::tf(lang, PrbMsg::WhyAnswer, &[("n", &n)]));
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
    let (submit, cancel) = match mode {
        Mode::New => (&PrbMsg::CreateProblem as Label, "/problems?state=open".to_owned()),
        Mode::Edit { number } => (&Msg::SaveChanges as Label, format!("/problems/{number}")),
    };
    let mut causes = vec![(String::new(), ctx.t(Msg::NoneOption).to_owned())];
    causes.extend(
        CauseCategory::ALL.iter().map(|c| (c.as_str().to_owned(), problem_texts::cause_category(lang, *c).to_owned())),
    );
    let own = ["cause_category", "root_cause", "whys", "workaround", "incidents"];
    let main = html! {
        (record_form::title(ctx, mode, &v.fields, errors))
        (record_form::description(ctx, &v.fields, errors, 6))
        (record_form::subject(ctx, c, &v.fields, errors))
        fieldset.analysis {
            legend { (ctx.t(PrbMsg::RootCausePanel)) }
            (f("cause_category", ctx.t(PrbMsg::CauseCategory)).select(&causes, &v.cause_category))
            (f("root_cause", ctx.t(PrbMsg::RootCauseText)).textarea(&v.root_cause, 5))
            (whys_fields(ctx, v, errors))
        }
        (f("workaround", ctx.t(PrbMsg::Workaround)).textarea(&v.workaround, 5))
        @if let Mode::New = mode {
            (Field { hint: Some(ctx.t(PrbMsg::LinkIncidentsHint)), ..f("incidents", ctx.t(PrbMsg::LinkIncidents)) }.textarea(&v.incidents, 2))
        }
    };
    let side = record_form::side(ctx, &s.app.config.priority_matrix, c, &v.fields, errors, PrbMsg::ProblemOwner);
    let body = html! {
        (record_form::grid(main, side))
        div.form-actions {
            button.btn.btn-primary #save-problem type="submit" { (ctx.t(submit)) }
            a.btn.btn-quiet href=(cancel) { (ctx.t(Msg::Cancel)) }
        }
    };
    html! {
        // The 5-whys' messages are beside their rows.
        (record_form::summary(ctx, errors, |field| own.contains(&field) || field.starts_with("why_")))
        (record_form::form(ctx, "incident-form problem-form", KIND, mode, &v.fields, body))
    }
}

/// One showing of the form.
fn page(ctx: &Ctx, s: &AppState, c: &Choices, mode: Mode, v: &ProblemForm, shown: Shown) -> UiResult {
    let form = render(ctx, s, &mode, v, &shown.errors, c);
    let stale = shown.stale.then_some(PrbMsg::StaleProblem);
    record_form::page(ctx, KIND, &mode, PrbMsg::NewProblemTitle, stale, form, shown.status)
}

async fn choices(s: &AppState, ctx: &Ctx, v: &ProblemForm) -> Result<Choices, AppError> {
    record_form::choices(s, ctx, &v.fields).await
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
        GroupKey::Service(_) => v.fields.service = name.clone(),
        GroupKey::Ci(id) => v.fields.cis = vec![id.to_string()],
        GroupKey::Category(c) => v.fields.category = c.clone(),
    }
    v.fields.title = i18n::tf(ctx.lang, PrbMsg::CandidateTitle, &[("what", &name)]);
    v.incidents = s.app.candidate_incidents(&ctx.actor, &g, days.or(Some(candidates::DEFAULT_DAYS))).await?.join(" ");
    Ok(v)
}

pub async fn new(State(s): State<AppState>, ctx: Ctx, Query(q): Query<NewQuery>) -> UiResult {
    staff_only(&ctx)?;
    let v = from_candidate(&s, &ctx, &q).await.or_page(&ctx)?;
    let c = choices(&s, &ctx, &v).await.or_page(&ctx)?;
    page(&ctx, &s, &c, Mode::New, &v, Shown::default())
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> UiResult {
    staff_only(&ctx)?;
    let v = posted(pairs).or_page(&ctx)?;
    let result = match v.to_new() {
        Ok(n) => s.app.create_problem(&ctx.actor, n).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    let shown = match result {
        Ok(p) => return done(KIND, p.record.number, "created"),
        Err(e) => Shown::refused(e, |errors| v.with_rows(errors)).or_page(&ctx)?,
    };
    let c = choices(&s, &ctx, &v).await.or_page(&ctx)?;
    page(&ctx, &s, &c, Mode::New, &v, shown)
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
    page(&ctx, &s, &c, Mode::Edit { number: &n }, &v, Shown::default())
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
    let shown = match result {
        Ok(p) => return done(KIND, p.record.number, "saved"),
        Err(e) => Shown::refused(e, |errors| v.with_rows(errors)).or_page(&ctx)?,
    };
    let p = s.app.get_problem(&ctx.actor, &n).await.or_page(&ctx)?;
    let c = choices(&s, &ctx, &v).await.or_page(&ctx)?;
    let n = number(p.record.number);
    page(&ctx, &s, &c, Mode::Edit { number: &n }, &v, shown)
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
        assert_eq!((f.fields.title.as_str(), f.fields.cis.len(), f.why_q.len(), f.why_a.len()), ("DHCP", 2, 2, 1));
        let p = f.to_new().unwrap();
        assert_eq!((p.cis, p.whys.len()), (vec![4, 7], 1));
    }
}
