//! `/alerts/ci-rules`: the rules correlation maps alerts to CIs by — each
//! label in order, what it is looked up in, how its value is cut — for
//! staff; managers and admins replace them (as the API's JSON) or go back
//! to the built-in ones.

use super::Ctx;
use super::alert_ci_rules_texts::CiRulesMsg;
use super::json_editor::{self, PageTexts, SettingsPage};
use crate::i18n;
use maud::{Markup, html};
use steward_app::{Actor, App, AppError};
use steward_domain::alert::{CiRule, CiRules, MatchOn};

pub const PATH: &str = "/alerts/ci-rules";

pub const AREA: super::area::Area = super::area::Area {
    routes: json_editor::routes::<CiRulesPage>,
    // Reached from the alert console; "Alerts" stays marked.
    nav: &[],
};

struct CiRulesPage;

impl SettingsPage for CiRulesPage {
    type Doc = CiRules;
    type Posted = CiRules;
    const PATH: &'static str = PATH;
    const ID: &'static str = "ci-rules";
    const FIELD: &'static str = "rules_json";

    async fn load(app: &App, actor: &Actor) -> Result<CiRules, AppError> {
        app.alert_ci_rules(actor).await
    }
    async fn store(app: &App, actor: &Actor, rules: CiRules) -> Result<(), AppError> {
        app.set_alert_ci_rules(actor, rules).await.map(drop)
    }
    async fn reset(app: &App, actor: &Actor) -> Result<(), AppError> {
        app.reset_alert_ci_rules(actor).await.map(drop)
    }
    fn json(rules: &CiRules) -> String {
        serde_json::to_string_pretty(rules).unwrap_or_default()
    }
    fn texts(ctx: &Ctx) -> PageTexts {
        PageTexts {
            title: ctx.t(CiRulesMsg::Title),
            edit_title: ctx.t(CiRulesMsg::EditTitle),
            saved: ctx.t(CiRulesMsg::Saved),
            was_reset: ctx.t(CiRulesMsg::WasReset),
            errors_title: ctx.t(CiRulesMsg::FormErrors),
            label: ctx.t(CiRulesMsg::Json),
            hint: ctx.t(CiRulesMsg::EditHint),
            save: ctx.t(CiRulesMsg::Save),
            reset: ctx.t(CiRulesMsg::Reset),
        }
    }
    fn not_json(ctx: &Ctx, reason: &str) -> String {
        i18n::tf(ctx.lang, CiRulesMsg::NotJson, &[("reason", reason)])
    }
    fn body(ctx: &Ctx, rules: &CiRules) -> Markup {
        html! {
            p.lead #ci-rules-intro { (ctx.t(CiRulesMsg::Intro)) }
            (table(ctx, rules))
        }
    }
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
