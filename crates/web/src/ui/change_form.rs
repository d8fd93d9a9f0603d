//! The new-change and edit pages: the record's fields as every kind's form
//! has them (`record_form`), the change's type, its planned window entered
//! in the viewer's time zone, the implementation, back-out and test plans,
//! and the risk questionnaire with the score, level and CAB need its
//! answers give. A refused form comes back with the input and each message
//! beside its field; an edit of an old version offers the latest one.

use super::change_risk_texts::RiskMsg;
use super::change_texts::{self, ChgMsg};
use super::{
    Ctx, OrPage, UiResult, as_of, fmt,
    record_actions::done,
    record_form::{self, Fields, Mode, Shown, lines, opt, patch},
    staff_only,
    widgets::{Errors, Field},
};
use crate::{
    AppState,
    i18n::{self, Label, Lang, Msg},
};
use axum::{
    Form,
    extract::{Path, Query, State},
};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::BTreeMap;
use steward_app::{
    AppError, FieldError,
    change_templates::TemplateView,
    changes::{Change, ChangePatch, NewChange, number},
    incidents::Patch,
};
use steward_domain::{
    change::{ChangeType, Question, Questionnaire, Risk},
    number::RecordKind,
};
use steward_store::accounts::User;

const KIND: RecordKind = RecordKind::Change;
/// The questionnaire's answers are posted as `answers.<question>`, the
/// name the use case's messages give them.
const ANSWER: &str = "answers.";

/// The form's fields as the browser sent them.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct ChangeForm {
    #[serde(flatten)]
    pub fields: Fields,
    pub change_type: String,
    /// `datetime-local` values, in the viewer's zone.
    pub planned_start: String,
    pub planned_end: String,
    pub implementation_plan: String,
    pub backout_plan: String,
    pub test_plan: String,
    /// The standard change template's id (a new change only).
    pub template: String,
    /// Question → answer, as chosen (read by [`posted`]).
    #[serde(skip)]
    pub answers: BTreeMap<String, String>,
}

/// The planned start and end as the use case takes them (RFC 3339).
type Window = (Option<String>, Option<String>);

/// A stored moment as the `datetime-local` input shows it.
fn local(micros: Option<i64>) -> String {
    micros.map(as_of::input_value).unwrap_or_default()
}

impl ChangeForm {
    fn blank() -> Self {
        Self { fields: Fields::blank(), change_type: ChangeType::Normal.as_str().to_owned(), ..Self::default() }
    }

    fn from_change(c: &Change, cis: &[i64], users: &[User]) -> Self {
        let d = &c.details;
        Self {
            fields: Fields::of(&c.record, cis, users),
            change_type: d.change_type.clone(),
            planned_start: local(d.planned_start),
            planned_end: local(d.planned_end),
            implementation_plan: d.implementation_plan.clone().unwrap_or_default(),
            backout_plan: d.backout_plan.clone().unwrap_or_default(),
            test_plan: d.test_plan.clone().unwrap_or_default(),
            template: d.template_id.map(|t| t.to_string()).unwrap_or_default(),
            answers: c.risk_answers(),
        }
    }

    /// A new standard change from the template: its name as the title, its
    /// category, service, CIs and plans.
    fn from_template(t: &TemplateView) -> Self {
        let blank = Self::blank();
        let r = &t.row;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            fields: Fields {
                title: r.name.clone(),
                description: r.description.clone(),
                category: text(&r.category),
                service: text(&t.service_name),
                cis: t.cis.iter().map(|(id, _)| id.to_string()).collect(),
                ..blank.fields
            },
            change_type: ChangeType::Standard.as_str().to_owned(),
            implementation_plan: text(&r.implementation_plan),
            backout_plan: text(&r.backout_plan),
            test_plan: text(&r.test_plan),
            template: r.id.to_string(),
            ..Self::default()
        }
    }

    /// The template as the use case takes it: none when blank, refused
    /// beside the field when it is not an id.
    fn template_id(&self) -> Result<Option<i64>, FieldError> {
        let v = self.template.trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse().map(Some).map_err(|_| {
            let m = steward_app::Code::NoChangeTemplate.msg(format!("no change template has id {v}")).with("id", v);
            FieldError::new("template", m)
        })
    }

    /// The answers chosen (an unanswered question is left out, and so
    /// refused by the use case beside it when others are answered).
    fn chosen(&self) -> BTreeMap<String, String> {
        self.answers.iter().filter(|(_, a)| !a.trim().is_empty()).map(|(q, a)| (q.clone(), a.clone())).collect()
    }

    /// The planned window as RFC 3339 (the use case's form), each end
    /// empty when not given; or the messages beside the ends typed wrong.
    fn window(&self) -> Result<Window, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut read = |field: &str, v: &str| match as_of::local(v) {
            Ok(at) => at.map(fmt::iso),
            Err(m) => {
                errors.push(FieldError::new(field, m));
                None
            }
        };
        let window = (read("planned_start", &self.planned_start), read("planned_end", &self.planned_end));
        if errors.is_empty() { Ok(window) } else { Err(errors) }
    }

    /// Every message the form itself finds: the record's fields, the window.
    fn checked(&self) -> Result<(record_form::Checked, Window), Vec<FieldError>> {
        match (self.fields.checked(), self.window()) {
            (Ok(c), Ok(w)) => Ok((c, w)),
            (c, w) => Err(c.err().into_iter().flatten().chain(w.err().into_iter().flatten()).collect()),
        }
    }

    fn to_new(&self) -> Result<NewChange, Vec<FieldError>> {
        let f = &self.fields;
        let template = self.template_id();
        let (checked, (planned_start, planned_end)) = match (self.checked(), &template) {
            (Ok(c), Ok(_)) => c,
            (c, t) => return Err(c.err().into_iter().flatten().chain(t.clone().err()).collect()),
        };
        Ok(NewChange {
            title: f.title.clone(),
            description: Some(lines(&f.description)),
            change_type: opt(&self.change_type),
            category: opt(&f.category),
            service: opt(&f.service),
            cis: checked.cis,
            assignment_group: opt(&f.assignment_group),
            assignee: opt(&f.assignee),
            impact: Some(checked.impact),
            urgency: Some(checked.urgency),
            planned_start,
            planned_end,
            implementation_plan: opt(&lines(&self.implementation_plan)),
            backout_plan: opt(&lines(&self.backout_plan)),
            test_plan: opt(&lines(&self.test_plan)),
            answers: self.chosen(),
            template: template.ok().flatten(),
        })
    }

    fn to_patch(&self) -> Result<(Option<i64>, ChangePatch), Vec<FieldError>> {
        let f = &self.fields;
        let (checked, (start, end)) = self.checked()?;
        let time = |t: Option<String>| t.map_or(Patch::Clear, Patch::Set);
        let patch = ChangePatch {
            title: Some(f.title.clone()),
            description: Some(lines(&f.description)),
            change_type: opt(&self.change_type),
            impact: Some(checked.impact),
            urgency: Some(checked.urgency),
            category: patch(&f.category),
            service: patch(&f.service),
            assignment_group: patch(&f.assignment_group),
            assignee: patch(&f.assignee),
            // The form shows every CI, plan and answer: it sends the whole of each.
            cis: Some(checked.cis),
            planned_start: time(start),
            planned_end: time(end),
            implementation_plan: patch(&lines(&self.implementation_plan)),
            backout_plan: patch(&lines(&self.backout_plan)),
            test_plan: patch(&lines(&self.test_plan)),
            answers: Some(self.chosen()),
        };
        Ok((f.version(), patch))
    }
}

/// The form as posted: its fields, the ticked CIs and the answers (keys
/// of their own, which `axum::Form` cannot put in a struct).
fn posted(pairs: Vec<(String, String)>) -> Result<ChangeForm, AppError> {
    let (mut answers, mut rest) = (BTreeMap::new(), Vec::new());
    for (k, v) in pairs {
        match k.strip_prefix(ANSWER) {
            Some(q) => {
                answers.insert(q.to_owned(), v);
            }
            None => rest.push((k, v)),
        }
    }
    let mut f = record_form::posted(rest, |f: &mut ChangeForm| &mut f.fields)?;
    f.answers = answers;
    Ok(f)
}

/// A question's or an answer's words in the viewer's language.
fn words<'a>(lang: Lang, en: &'a str, pl: &'a str) -> &'a str {
    if lang == Lang::Pl { pl } else { en }
}

/// "Risk level: High, score 11 · Needs the CAB".
fn says(lang: Lang, r: &Risk) -> String {
    let cab = i18n::t(lang, if r.needs_cab { ChgMsg::NeedsCab } else { ChgMsg::NoCab });
    let score = r.score.to_string();
    i18n::tf(
        lang,
        ChgMsg::RiskSays,
        &[("level", change_texts::risk_level(lang, r.level)), ("score", &score), ("cab", cab)],
    )
}

/// What the answers give: the score, the level and whether the CAB must
/// see it, or why there is none yet. It carries the levels and its words,
/// so `app.js` says it again as answers are chosen.
fn risk_summary(ctx: &Ctx, q: &Questionnaire, answers: &BTreeMap<String, String>) -> Markup {
    let lang = ctx.lang;
    let pairs: Vec<(String, String)> = answers.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let said = match q.score(&pairs) {
        Ok(r) => says(lang, &r),
        Err(_) => ctx.t(if answers.is_empty() { ChgMsg::RiskNotAssessed } else { ChgMsg::RiskIncomplete }).to_owned(),
    };
    let levels: Vec<String> =
        q.levels.iter().map(|(min, l)| format!("{min}:{}", change_texts::risk_level(lang, *l))).collect();
    let cab = q.levels.iter().find(|(_, l)| *l == q.cab_from).map_or(u32::MAX, |(min, _)| *min);
    html! {
        div.risk-summary #risk-summary aria-live="polite" data-levels=(levels.join(";")) data-cab=(cab)
            data-says=(ctx.t(ChgMsg::RiskSays)) data-cab-yes=(ctx.t(ChgMsg::NeedsCab)) data-cab-no=(ctx.t(ChgMsg::NoCab))
            data-incomplete=(ctx.t(ChgMsg::RiskIncomplete)) {
            p #risk-said { (said) }
        }
    }
}

/// The questionnaire: each question a select of its answers, each answer
/// with its weight (for the score `app.js` shows as they are chosen).
fn questionnaire(ctx: &Ctx, q: &Questionnaire, v: &ChangeForm, errors: &Errors) -> Markup {
    let lang = ctx.lang;
    let hint = i18n::tf(lang, ChgMsg::RiskHint, &[("level", change_texts::risk_level(lang, q.cab_from))]);
    // An answer the question does not offer stays shown, beside its message.
    let options = |question: &Question, chosen: &str| {
        html! {
            option value="" { (ctx.t(ChgMsg::NoAnswer)) }
            @if !chosen.is_empty() && !question.answers.iter().any(|a| a.key == chosen) { option value=(chosen) selected { (chosen) } }
            @for a in &question.answers {
                option value=(a.key) data-weight=(a.weight) selected[a.key == chosen] { (words(lang, &a.text_en, &a.text_pl)) }
            }
        }
    };
    html! {
        fieldset.risk-fields #risk-fields {
            legend { (ctx.t(ChgMsg::RiskTitle)) }
            p.hint { (hint) " " a #risk-how href=(super::change_risk::PATH) { (ctx.t(RiskMsg::Link)) } }
            @for question in &q.questions {
                @let name = format!("{ANSWER}{}", question.key);
                @let id = format!("answer-{}", question.key);
                @let chosen = v.answers.get(&question.key).map_or("", String::as_str);
                (Field::new(lang, &id, &name, words(lang, &question.text_en, &question.text_pl), errors)
                    .select_with(options(question, chosen)))
            }
            (risk_summary(ctx, q, &v.chosen()))
        }
    }
}

/// The template picker of a new change: the catalogue's templates, for a
/// standard change (`app.js` shows it only when the type is standard; without
/// it the choice is posted anyway, and refused for another type).
fn template_picker(ctx: &Ctx, v: &ChangeForm, errors: &Errors, templates: &[TemplateView]) -> Markup {
    let mut options = vec![(String::new(), ctx.t(ChgMsg::NoTemplate).to_owned())];
    options.extend(templates.iter().map(|t| (t.row.id.to_string(), t.row.name.clone())));
    let field = Field::new(ctx.lang, "template", "template", ctx.t(ChgMsg::Template), errors);
    html! {
        div #template-field {
            (Field { hint: Some(ctx.t(ChgMsg::TemplateHint)), ..field }.select(&options, &v.template))
            p.hint { a href=(super::change_templates::CATALOGUE) { (ctx.t(ChgMsg::StandardChanges)) } }
        }
    }
}

/// The type, and the planned window in the viewer's zone.
fn planning(ctx: &Ctx, v: &ChangeForm, errors: &Errors) -> Markup {
    let lang = ctx.lang;
    let types: Vec<(String, String)> = ChangeType::ALL
        .iter()
        .map(|t| (t.as_str().to_owned(), change_texts::change_type(lang, *t).to_owned()))
        .collect();
    let zone = i18n::tf(lang, ChgMsg::TimesIn, &[("zone", fmt::zone_name(&fmt::zone()))]);
    let time = |id, label| Field {
        kind: Some("datetime-local"),
        hint: Some(&zone),
        ..Field::new(lang, id, id, ctx.t(label), errors)
    };
    html! {
        (Field { hint: Some(ctx.t(ChgMsg::TypeHint)), ..Field::new(lang, "change_type", "change_type", ctx.t(ChgMsg::ChangeType), errors) }.select(&types, &v.change_type))
        div.field-row {
            (time("planned_start", ChgMsg::PlannedStart).input(&v.planned_start))
            (time("planned_end", ChgMsg::PlannedEnd).input(&v.planned_end))
        }
    }
}

fn render(ctx: &Ctx, s: &AppState, mode: &Mode, v: &ChangeForm, errors: &Errors, c: &Choices) -> Markup {
    let templates = c.templates.as_slice();
    let lang = ctx.lang;
    let f = |id, label| Field::new(lang, id, id, ctx.t(label), errors);
    let (submit, cancel) = match mode {
        Mode::New => (&ChgMsg::CreateChange as Label, "/changes?state=open".to_owned()),
        Mode::Edit { number } => (&Msg::SaveChanges as Label, format!("/changes/{number}")),
    };
    let own =
        ["change_type", "template", "planned_start", "planned_end", "implementation_plan", "backout_plan", "test_plan"];
    let main = html! {
        (record_form::title(ctx, mode, &v.fields, errors))
        (record_form::description(ctx, &v.fields, errors, 5))
        (planning(ctx, v, errors))
        @if matches!(mode, Mode::New) { (template_picker(ctx, v, errors, templates)) }
        (record_form::subject(ctx, &c.record, &v.fields, errors))
        fieldset.plans {
            legend { (ctx.t(ChgMsg::PlansTitle)) }
            (f("implementation_plan", ChgMsg::ImplementationPlan).textarea(&v.implementation_plan, 5))
            (f("backout_plan", ChgMsg::BackoutPlan).textarea(&v.backout_plan, 4))
            (f("test_plan", ChgMsg::TestPlan).textarea(&v.test_plan, 4))
        }
        (questionnaire(ctx, &c.risk, v, errors))
    };
    let side = record_form::side(ctx, &s.app.config.priority_matrix, &c.record, &v.fields, errors, ChgMsg::ChangeOwner);
    let body = html! {
        (record_form::grid(main, side))
        div.form-actions {
            button.btn.btn-primary #save-change type="submit" { (ctx.t(submit)) }
            a.btn.btn-quiet href=(cancel) { (ctx.t(Msg::Cancel)) }
        }
    };
    html! {
        // The answers' messages are beside their questions.
        (record_form::summary(ctx, errors, |field| own.contains(&field) || field.starts_with(ANSWER)))
        (record_form::form(ctx, "incident-form change-form", KIND, mode, &v.fields, body))
    }
}

/// What the form offers: the record's choices, and the catalogue's
/// templates for a new change.
struct Choices {
    record: record_form::Choices,
    templates: Vec<TemplateView>,
    /// The risk questionnaire in force.
    risk: Questionnaire,
}

async fn choices(s: &AppState, ctx: &Ctx, v: &ChangeForm, new: bool) -> Result<Choices, AppError> {
    let record = record_form::choices(s, ctx, &v.fields).await?;
    let templates = if new { s.app.change_templates(&ctx.actor, true).await? } else { Vec::new() };
    let risk = s.app.risk_questionnaire(&ctx.actor).await?;
    Ok(Choices { record, templates, risk })
}

/// `/changes/new?template=7`: a standard change from that template.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    template: String,
}

/// One showing of the form.
fn page(ctx: &Ctx, s: &AppState, c: &Choices, mode: Mode, v: &ChangeForm, shown: Shown) -> UiResult {
    let form = render(ctx, s, &mode, v, &shown.errors, c);
    let stale = shown.stale.then_some(ChgMsg::StaleChange);
    record_form::page(ctx, KIND, &mode, ChgMsg::NewChangeTitle, stale, form, shown.status)
}

pub async fn new(
    State(s): State<AppState>,
    ctx: Ctx,
    q: Result<Query<NewQuery>, axum::extract::rejection::QueryRejection>,
) -> UiResult {
    staff_only(&ctx)?;
    let chosen = q.ok().and_then(|Query(q)| q.template.trim().parse::<i64>().ok());
    let v = match chosen {
        Some(id) => ChangeForm::from_template(&s.app.change_template(&ctx.actor, id).await.or_page(&ctx)?),
        None => ChangeForm::blank(),
    };
    let c = choices(&s, &ctx, &v, true).await.or_page(&ctx)?;
    page(&ctx, &s, &c, Mode::New, &v, Shown::default())
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> UiResult {
    staff_only(&ctx)?;
    let v = posted(pairs).or_page(&ctx)?;
    let result = match v.to_new() {
        Ok(n) => s.app.create_change(&ctx.actor, n).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    let shown = match result {
        Ok(c) => return done(KIND, c.record.number, "created"),
        Err(e) => Shown::refused(e, |errors| errors).or_page(&ctx)?,
    };
    let c = choices(&s, &ctx, &v, true).await.or_page(&ctx)?;
    page(&ctx, &s, &c, Mode::New, &v, shown)
}

pub async fn edit(State(s): State<AppState>, ctx: Ctx, Path(n): Path<String>) -> UiResult {
    staff_only(&ctx)?;
    let ch = s.app.get_change(&ctx.actor, &n).await.or_page(&ctx)?;
    let users = s.app.list_users(Some(&ctx.actor)).await.or_page(&ctx)?;
    let cis: Vec<i64> =
        s.app.incident_cis(&ctx.actor, ch.record.id).await.or_page(&ctx)?.into_iter().map(|c| c.id).collect();
    let v = ChangeForm::from_change(&ch, &cis, &users);
    let c = choices(&s, &ctx, &v, false).await.or_page(&ctx)?;
    let n = number(ch.record.number);
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
        Ok((version, patch)) => s.app.update_change(&ctx.actor, &n, version, patch).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    let shown = match result {
        Ok(c) => return done(KIND, c.record.number, "saved"),
        Err(e) => Shown::refused(e, |errors| errors).or_page(&ctx)?,
    };
    let ch = s.app.get_change(&ctx.actor, &n).await.or_page(&ctx)?;
    let c = choices(&s, &ctx, &v, false).await.or_page(&ctx)?;
    let n = number(ch.record.number);
    page(&ctx, &s, &c, Mode::Edit { number: &n }, &v, shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reads_the_answers_and_the_window_in_the_viewers_zone() {
        let pairs = [
            ("title", "Patch the firewall"),
            ("answers.outage", "none"),
            ("answers.tested", ""),
            ("planned_start", "2026-03-01T22:00"),
            ("planned_end", "2026-03-01T23:30"),
            ("impact", "2"),
            ("urgency", "3"),
        ];
        let f = posted(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()).unwrap();
        assert_eq!(f.fields.title, "Patch the firewall");
        assert_eq!(f.chosen().into_iter().collect::<Vec<_>>(), [("outage".to_owned(), "none".to_owned())]);
        let n = f.to_new().unwrap();
        assert_eq!(n.planned_start.as_deref(), Some("2026-03-01T22:00:00Z"), "UTC outside a request");
        assert_eq!(n.planned_end.as_deref(), Some("2026-03-01T23:30:00Z"));
    }

    #[tokio::test]
    async fn a_window_typed_in_warsaw_is_stored_as_the_same_moment() {
        let warsaw = jiff::tz::TimeZone::get("Europe/Warsaw").unwrap();
        let f = ChangeForm { planned_start: "2026-07-01T02:00".into(), ..ChangeForm::blank() };
        let (start, _) = fmt::with_zone(warsaw, async { f.window().unwrap() }).await;
        assert_eq!(start.as_deref(), Some("2026-07-01T00:00:00Z"));
    }

    #[test]
    fn a_time_that_does_not_read_is_refused_beside_its_field() {
        let f = ChangeForm { planned_end: "tomorrow".into(), ..ChangeForm::blank() };
        let errors = f.to_new().unwrap_err();
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["planned_end"]);
    }
}
