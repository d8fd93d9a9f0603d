//! `/changes/risk`: the risk questionnaire in force — its levels, the CAB's
//! threshold, each question with its answers' weights — for the staff who
//! answer it; managers and admins replace it (as the API's JSON) or go back
//! to the built-in one below.

use super::change_risk_texts::RiskMsg;
use super::json_editor::{self, JsonEditor};
use super::{Ctx, OrPage, UiResult, change_texts, html, see_other, staff_only, widgets};
use crate::api::risk_questionnaire::QuestionnaireJson;
use crate::{AppState, i18n};
use axum::{
    Form,
    extract::{Query, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{AppError, FieldError};
use steward_domain::{Role, change::Questionnaire};

pub const PATH: &str = "/changes/risk";

pub const AREA: super::area::Area = super::area::Area {
    routes,
    // Reached from the change form and page; "Changes" stays marked.
    nav: &[],
};

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new().route(PATH, get(show).post(save)).route("/changes/risk/reset", post(reset))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Flash {
    m: String,
}

async fn show(State(s): State<AppState>, ctx: Ctx, Query(f): Query<Flash>) -> UiResult {
    staff_only(&ctx)?;
    page(&s, &ctx, &f.m, None).await
}

async fn page(s: &AppState, ctx: &Ctx, flash: &str, draft: Option<(String, Vec<FieldError>)>) -> UiResult {
    let q = s.app.risk_questionnaire(&ctx.actor).await.or_page(ctx)?;
    let flash = match flash {
        "saved" => Some(RiskMsg::Saved),
        "reset" => Some(RiskMsg::WasReset),
        _ => None,
    };
    let status = if draft.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let keeper = matches!(ctx.actor.role, Role::Manager | Role::Admin);
    let body = html! {
        div.page-head { h1 { (ctx.t(RiskMsg::Title)) } }
        @if let Some(m) = flash { (widgets::notice(ctx.t(m))) }
        p.lead #risk-intro {
            (i18n::tf(ctx.lang, RiskMsg::Intro, &[("level", change_texts::risk_level(ctx.lang, q.cab_from))]))
        }
        (levels(ctx, &q))
        (questions(ctx, &q))
        @if keeper { (edit(ctx, &q, draft)) }
    };
    Ok(html(status, super::layout::page(ctx, ctx.t(RiskMsg::Title), body)))
}

fn levels(ctx: &Ctx, q: &Questionnaire) -> Markup {
    html! {
        section.panel #risk-levels aria-labelledby="risk-levels-title" {
            h2 #risk-levels-title { (ctx.t(RiskMsg::Levels)) }
            div.table-wrap {
                table.incidents {
                    thead { tr {
                        th scope="col" { (ctx.t(RiskMsg::Level)) }
                        th scope="col" { (ctx.t(RiskMsg::FromScore)) }
                        th scope="col" { (ctx.t(RiskMsg::Cab)) }
                    } }
                    tbody {
                        @for (min, level) in &q.levels {
                            tr {
                                td { (change_texts::risk_level(ctx.lang, *level)) }
                                td.num { (min) }
                                td { @if *level >= q.cab_from { "✓" } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn questions(ctx: &Ctx, q: &Questionnaire) -> Markup {
    let lang = ctx.lang;
    let words = |en: &str, pl: &str| if lang == i18n::Lang::Pl { pl.to_owned() } else { en.to_owned() };
    let max: u32 = q.questions.iter().map(|q| q.answers.iter().map(|a| a.weight).max().unwrap_or(0)).sum();
    html! {
        section.panel #risk-questions aria-labelledby="risk-questions-title" {
            h2 #risk-questions-title { (ctx.t(RiskMsg::Questions)) }
            p.muted { (i18n::tf(lang, RiskMsg::MaxScore, &[("score", &max.to_string())])) }
            ol.risk-questions {
                @for question in &q.questions {
                    li id={ "question-" (question.key) } {
                        h3 { (words(&question.text_en, &question.text_pl)) " " span.muted { "(" (question.key) ")" } }
                        div.table-wrap {
                            table.incidents {
                                thead { tr {
                                    th scope="col" { (ctx.t(RiskMsg::Answer)) }
                                    th scope="col" { (ctx.t(RiskMsg::Key)) }
                                    th scope="col" { (ctx.t(RiskMsg::Weight)) }
                                } }
                                tbody {
                                    @for a in &question.answers {
                                        tr {
                                            td { (words(&a.text_en, &a.text_pl)) }
                                            td { code { (a.key) } }
                                            td.num { (a.weight) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn edit(ctx: &Ctx, q: &Questionnaire, draft: Option<(String, Vec<FieldError>)>) -> Markup {
    let (text, errors) = draft.unwrap_or_else(|| {
        let json = serde_json::to_string_pretty(&QuestionnaireJson::from(q.clone())).unwrap_or_default();
        (json, Vec::new())
    });
    let editor = JsonEditor {
        id: "risk",
        title: ctx.t(RiskMsg::EditTitle),
        errors_title: ctx.t(RiskMsg::FormErrors),
        label: ctx.t(RiskMsg::Json),
        hint: ctx.t(RiskMsg::EditHint),
        save: ctx.t(RiskMsg::Save),
        reset: ctx.t(RiskMsg::Reset),
        field: "questionnaire",
        action: PATH,
        reset_action: "/changes/risk/reset",
    };
    editor.render(ctx, &text, &errors)
}

#[derive(Deserialize)]
struct SaveForm {
    questionnaire: String,
}

async fn save(State(s): State<AppState>, ctx: Ctx, Form(f): Form<SaveForm>) -> UiResult {
    let not_json = |reason: &str| i18n::tf(ctx.lang, RiskMsg::NotJson, &[("reason", reason)]);
    let result = match json_editor::parse::<QuestionnaireJson>(&f.questionnaire, "questionnaire", not_json) {
        Ok(q) => s.app.set_risk_questionnaire(&ctx.actor, q.into()).await.map(drop),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => see_other(&format!("{PATH}?m=saved")),
        Err(AppError::Invalid(bad)) => page(&s, &ctx, "", Some((f.questionnaire, bad))).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

async fn reset(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    s.app.reset_risk_questionnaire(&ctx.actor).await.or_page(&ctx)?;
    see_other(&format!("{PATH}?m=reset"))
}
