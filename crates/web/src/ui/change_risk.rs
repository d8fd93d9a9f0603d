//! `/changes/risk`: the risk questionnaire in force — its levels, the CAB's
//! threshold, each question with its answers' weights — for the staff who
//! answer it; managers and admins replace it (as the API's JSON) or go back
//! to the built-in one below.

use super::change_risk_texts::RiskMsg;
use super::json_editor::{self, PageTexts, SettingsPage};
use super::{Ctx, change_texts};
use crate::api::risk_questionnaire::QuestionnaireJson;
use crate::i18n;
use maud::{Markup, html};
use steward_app::{Actor, App, AppError};
use steward_domain::change::Questionnaire;

pub const PATH: &str = "/changes/risk";

pub const AREA: super::area::Area = super::area::Area {
    routes: json_editor::routes::<RiskPage>,
    // Reached from the change form and page; "Changes" stays marked.
    nav: &[],
};

struct RiskPage;

impl SettingsPage for RiskPage {
    type Doc = Questionnaire;
    type Posted = QuestionnaireJson;
    const PATH: &'static str = PATH;
    const ID: &'static str = "risk";
    const FIELD: &'static str = "questionnaire";

    async fn load(app: &App, actor: &Actor) -> Result<Questionnaire, AppError> {
        app.risk_questionnaire(actor).await
    }
    async fn store(app: &App, actor: &Actor, q: QuestionnaireJson) -> Result<(), AppError> {
        app.set_risk_questionnaire(actor, q.into()).await.map(drop)
    }
    async fn reset(app: &App, actor: &Actor) -> Result<(), AppError> {
        app.reset_risk_questionnaire(actor).await.map(drop)
    }
    fn json(q: &Questionnaire) -> String {
        serde_json::to_string_pretty(&QuestionnaireJson::from(q.clone())).unwrap_or_default()
    }
    fn texts(ctx: &Ctx) -> PageTexts {
        PageTexts {
            title: ctx.t(RiskMsg::Title),
            edit_title: ctx.t(RiskMsg::EditTitle),
            saved: ctx.t(RiskMsg::Saved),
            was_reset: ctx.t(RiskMsg::WasReset),
            errors_title: ctx.t(RiskMsg::FormErrors),
            label: ctx.t(RiskMsg::Json),
            hint: ctx.t(RiskMsg::EditHint),
            save: ctx.t(RiskMsg::Save),
            reset: ctx.t(RiskMsg::Reset),
        }
    }
    fn not_json(ctx: &Ctx, reason: &str) -> String {
        i18n::tf(ctx.lang, RiskMsg::NotJson, &[("reason", reason)])
    }
    fn body(ctx: &Ctx, q: &Questionnaire) -> Markup {
        html! {
            p.lead #risk-intro {
                (i18n::tf(ctx.lang, RiskMsg::Intro, &[("level", change_texts::risk_level(ctx.lang, q.cab_from))]))
            }
            (levels(ctx, q))
            (questions(ctx, q))
        }
    }
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
