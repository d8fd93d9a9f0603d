//! Problems from the incident's side (staff only): the workaround of each
//! published known error the incident is linked to, with "Apply
//! workaround"; the linked problems with "Create problem" (copies what is
//! known and links it) and "Link to problem".

use super::problem_texts::PrbMsg;
use super::{
    Ctx, UiResult,
    incident::{self, Data, IncidentPage, View},
    record_page::RecordPage,
    see_other, widgets,
};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::{
    Form,
    extract::{Path, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError,
    incidents::number,
    problems::{self, FromIncident},
};
use steward_domain::number::RecordKind;

/// The known errors' workarounds, at the top of the main column where the
/// desk cannot miss them.
pub fn workarounds(ctx: &Ctx, d: &Data, v: &View) -> Markup {
    let lang = ctx.lang;
    let errors = &v.own.problem_errors;
    html! {
        @for (i, p) in d.problems.iter().filter(|p| p.known_error).enumerate() {
            @let n = problems::number(p.problem.number);
            @let note_id = format!("apply-note-{i}");
            section.panel.known-error-panel #{ "known-error-" (n) } aria-labelledby={ "known-error-title-" (i) } {
                h2 id={ "known-error-title-" (i) } {
                    (super::problem_list::known_error_flag(lang)) " "
                    (i18n::tf(lang, PrbMsg::WorkaroundFrom, &[("number", &n)]))
                }
                p { a href={ "/problems/" (n) } { (n) } " " (p.problem.title) }
                @if let Some(w) = &p.workaround { div.prose.workaround-text { (w) } }
                form.apply-workaround method="post" action={ "/incidents/" (d.number) "/apply-workaround" } {
                    (widgets::csrf(&ctx.csrf))
                    input type="hidden" name="problem" value=(n);
                    (widgets::Field::new(lang, &note_id, "note", ctx.t(PrbMsg::ApplyNote), errors).textarea("", 2))
                    button.btn.btn-primary.apply-workaround-button #{ "apply-" (n) } type="submit" { (ctx.t(PrbMsg::ApplyWorkaround)) }
                }
            }
        }
        @if let Some(e) = errors.get("problem").filter(|_| v.own.problem_form.is_none()) {
            div.notice.error role="alert" { (i18n::field(lang, "problem")) ": " (widgets::sentence(&i18n::app_message(lang, e))) }
        }
    }
}

/// The side panel: the linked problems, and creating or linking one.
pub fn panel(ctx: &Ctx, d: &Data, v: &View) -> Markup {
    let lang = ctx.lang;
    let typed = v.own.problem_form.clone().unwrap_or_default();
    let hint = ctx.t_example(PrbMsg::ProblemNumberHint, RecordKind::Problem);
    let field = widgets::Field {
        required: true,
        hint: Some(&hint),
        ..widgets::Field::new(lang, "link-problem", "problem", ctx.t(PrbMsg::ProblemNumber), &v.own.problem_errors)
    };
    html! {
        section.panel #incident-problems aria-labelledby="problems-title" {
            h2 #problems-title { (ctx.t(Msg::Problems)) }
            @if d.problems.is_empty() {
                p.muted { (ctx.t(PrbMsg::NoProblemsLinked)) }
            } @else {
                ul.files {
                    @for p in &d.problems {
                        @let n = problems::number(p.problem.number);
                        li {
                            a href={ "/problems/" (n) } { (n) } " " (p.problem.title) " " (widgets::state_badge(lang, &p.problem.state))
                            @if p.known_error { " " (super::problem_list::known_error_flag(lang)) }
                        }
                    }
                }
            }
            form.inline method="post" action={ "/incidents/" (d.number) "/problem" } {
                (widgets::csrf(&ctx.csrf))
                button.btn #create-problem type="submit" { (ctx.t(PrbMsg::CreateProblem)) }
            }
            details.state-panel #link-problem-panel open[v.own.problem_form.is_some()] {
                summary.btn { (ctx.t(PrbMsg::LinkToProblem)) }
                form method="post" action={ "/incidents/" (d.number) "/link-problem" } {
                    (widgets::csrf(&ctx.csrf))
                    (field.input(&typed))
                    button.btn.btn-primary #link-problem-submit type="submit" { (ctx.t(PrbMsg::LinkToProblem)) }
                }
            }
        }
    }
}

/// A refusal: the incident page again with the messages by its forms.
async fn refused(s: &AppState, ctx: &Ctx, n: &str, e: AppError, typed: Option<String>) -> UiResult {
    let errors = match e {
        AppError::Invalid(errs) => errs,
        AppError::NotFound("problem") => {
            vec![steward_app::FieldError::new("problem", steward_app::Code::NoSuchProblem.msg("no such problem"))]
        }
        e => return Err(ctx.fail(e)),
    };
    let own = incident::ProblemForms { problem_errors: super::desk::errors(errors), problem_form: typed };
    let view = View { own, ..View::default() };
    IncidentPage::respond(s, ctx, n, view, StatusCode::UNPROCESSABLE_ENTITY).await
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Path(n): Path<String>) -> UiResult {
    super::staff_only(&ctx)?;
    match s.app.create_problem_from_incident(&ctx.actor, &n, FromIncident::default()).await {
        Ok(p) => super::record_actions::done(RecordKind::Problem, p.record.number, "created"),
        Err(e) => refused(&s, &ctx, &n, e, None).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinkForm {
    problem: String,
}

pub async fn link(State(s): State<AppState>, ctx: Ctx, Path(n): Path<String>, Form(f): Form<LinkForm>) -> UiResult {
    super::staff_only(&ctx)?;
    let inc = steward_app::incidents::parse_number(&n).map(number).unwrap_or_else(|_| n.clone());
    // A number that names no problem is a message beside the field.
    let problem = problems::parse_number(&f.problem).map_err(|_| {
        let text = format!("{:?}", f.problem.trim());
        let m = steward_app::Code::NotProblemNumber.msg(format!("{text} is not a problem number"));
        AppError::field("problem", m.with("text", text))
    });
    let result = match problem {
        Ok(p) => s.app.link_incidents(&ctx.actor, &problems::number(p), None, std::slice::from_ref(&inc)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => see_other(&format!("/incidents/{inc}?m=linked")),
        Err(AppError::Invalid(errs)) => {
            // The link's refusals name the problem's state or the incidents:
            // both are about what was typed here.
            let errs = errs.into_iter().map(|e| steward_app::FieldError { field: "problem".into(), ..e }).collect();
            refused(&s, &ctx, &n, AppError::Invalid(errs), Some(f.problem)).await
        }
        Err(e) => refused(&s, &ctx, &n, e, Some(f.problem)).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApplyForm {
    problem: String,
    note: String,
}

pub async fn apply(State(s): State<AppState>, ctx: Ctx, Path(n): Path<String>, Form(f): Form<ApplyForm>) -> UiResult {
    super::staff_only(&ctx)?;
    match s.app.apply_workaround(&ctx.actor, &n, &f.problem, Some(&f.note)).await {
        Ok(_) => see_other(&super::record_actions::back(RecordKind::Incident, &n, "workaround")),
        Err(e) => refused(&s, &ctx, &n, e, None).await,
    }
}
