//! `/alerts/ci-rules`: the rules correlation maps alerts to CIs by — each
//! label in order, what it is looked up in, how its value is cut — for
//! staff; managers and admins replace them (as the API's JSON) or go back
//! to the built-in ones.

use super::alert_ci_rules_texts::CiRulesMsg;
use super::json_editor::{self, JsonEditor};
use super::{Ctx, OrPage, UiResult, html, see_other, staff_only, widgets};
use crate::{AppState, i18n};
use axum::{
    Form,
    extract::{Query, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{AppError, FieldError};
use steward_domain::{
    Role,
    alert::{CiRule, CiRules, MatchOn},
};

pub const PATH: &str = "/alerts/ci-rules";

pub const AREA: super::area::Area = super::area::Area {
    routes,
    // Reached from the alert console; "Alerts" stays marked.
    nav: &[],
};

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new().route(PATH, get(show).post(save)).route("/alerts/ci-rules/reset", post(reset))
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
    let rules = s.app.alert_ci_rules(&ctx.actor).await.or_page(ctx)?;
    let flash = match flash {
        "saved" => Some(CiRulesMsg::Saved),
        "reset" => Some(CiRulesMsg::WasReset),
        _ => None,
    };
    let status = if draft.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let keeper = matches!(ctx.actor.role, Role::Manager | Role::Admin);
    let body = html! {
        div.page-head { h1 { (ctx.t(CiRulesMsg::Title)) } }
        @if let Some(m) = flash { (widgets::notice(ctx.t(m))) }
        p.lead #ci-rules-intro { (ctx.t(CiRulesMsg::Intro)) }
        (table(ctx, &rules))
        @if keeper { (edit(ctx, &rules, draft)) }
    };
    Ok(html(status, super::layout::page(ctx, ctx.t(CiRulesMsg::Title), body)))
}

fn table(ctx: &Ctx, rules: &CiRules) -> Markup {
    html! {
        section.panel #ci-rules aria-labelledby="ci-rules-title" {
            h2 #ci-rules-title { (ctx.t(CiRulesMsg::Rules)) }
            @if rules.rules.is_empty() {
                p.muted #no-ci-rules { (ctx.t(CiRulesMsg::NoRules)) }
            } @else {
                div.table-wrap {
                    table.incidents {
                        thead { tr {
                            th scope="col" { (ctx.t(CiRulesMsg::Order)) }
                            th scope="col" { (ctx.t(CiRulesMsg::Label)) }
                            th scope="col" { (ctx.t(CiRulesMsg::Matched)) }
                            th scope="col" { (ctx.t(CiRulesMsg::Also)) }
                        } }
                        tbody {
                            @for (i, r) in rules.rules.iter().enumerate() {
                                tr id={ "ci-rule-" (i + 1) } {
                                    td.num { (i + 1) }
                                    td { code { (r.label) } }
                                    td { (looked_up(ctx, r)) }
                                    td { (also(ctx, r)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn looked_up(ctx: &Ctx, r: &CiRule) -> String {
    match r.on {
        MatchOn::Name => ctx.t(CiRulesMsg::OnName).to_owned(),
        MatchOn::Service => ctx.t(CiRulesMsg::OnService).to_owned(),
        MatchOn::Attribute => {
            i18n::tf(ctx.lang, CiRulesMsg::OnAttribute, &[("attribute", r.attribute.as_deref().unwrap_or_default())])
        }
    }
}

fn also(ctx: &Ctx, r: &CiRule) -> String {
    let mut out = Vec::new();
    if r.strip_port {
        out.push(ctx.t(CiRulesMsg::StripPort));
    }
    if r.short_host {
        out.push(ctx.t(CiRulesMsg::ShortHost));
    }
    if out.is_empty() { ctx.t(CiRulesMsg::Nothing).to_owned() } else { out.join(", ") }
}

fn edit(ctx: &Ctx, rules: &CiRules, draft: Option<(String, Vec<FieldError>)>) -> Markup {
    let (text, errors) = draft.unwrap_or_else(|| (serde_json::to_string_pretty(rules).unwrap_or_default(), Vec::new()));
    let editor = JsonEditor {
        id: "ci-rules",
        title: ctx.t(CiRulesMsg::EditTitle),
        errors_title: ctx.t(CiRulesMsg::FormErrors),
        label: ctx.t(CiRulesMsg::Json),
        hint: ctx.t(CiRulesMsg::EditHint),
        save: ctx.t(CiRulesMsg::Save),
        reset: ctx.t(CiRulesMsg::Reset),
        field: "rules_json",
        action: PATH,
        reset_action: "/alerts/ci-rules/reset",
    };
    editor.render(ctx, &text, &errors)
}

#[derive(Deserialize)]
struct SaveForm {
    rules_json: String,
}

async fn save(State(s): State<AppState>, ctx: Ctx, Form(f): Form<SaveForm>) -> UiResult {
    let not_json = |reason: &str| i18n::tf(ctx.lang, CiRulesMsg::NotJson, &[("reason", reason)]);
    let result = match json_editor::parse::<CiRules>(&f.rules_json, "rules_json", not_json) {
        Ok(rules) => s.app.set_alert_ci_rules(&ctx.actor, rules).await.map(drop),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => see_other(&format!("{PATH}?m=saved")),
        Err(AppError::Invalid(bad)) => page(&s, &ctx, "", Some((f.rules_json, bad))).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

async fn reset(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    s.app.reset_alert_ci_rules(&ctx.actor).await.or_page(&ctx)?;
    see_other(&format!("{PATH}?m=reset"))
}
