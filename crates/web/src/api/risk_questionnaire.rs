//! The change risk questionnaire over HTTP: `GET /api/v1/risk-questionnaire`
//! (staff), `PUT` to replace it and `POST …/reset` to go back to the
//! built-in one (managers and admins; a reset is not a delete: there is
//! always a questionnaire to read). Each answer's weight adds to a change's score; the
//! score's band gives its level; from `cab_from` up it must go to the CAB.

use crate::{AppState, auth::ApiActor, error::ApiError, error::Problem, json::Json};
use axum::extract::State;
use serde::{Deserialize, Serialize};
use steward_domain::change::{Answer, Question, Questionnaire, RiskLevel};
use utoipa::ToSchema;

pub const RESOURCE: super::Resource = super::Resource { routes, doc: <Doc as utoipa::OpenApi>::openapi };

#[derive(utoipa::OpenApi)]
#[openapi(paths(get_risk_questionnaire, set_risk_questionnaire, reset_risk_questionnaire))]
struct Doc;

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/risk-questionnaire", get(get_risk_questionnaire).put(set_risk_questionnaire))
        .route("/risk-questionnaire/reset", post(reset_risk_questionnaire))
}

/// One answer a question offers.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerJson {
    /// Lower-case letters, digits and `_`; unique within its question.
    pub key: String,
    pub text_en: String,
    pub text_pl: String,
    /// What choosing it adds to the score.
    #[schema(minimum = 0, maximum = 1000)]
    pub weight: u32,
}

/// A question and its answers.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionJson {
    /// Lower-case letters, digits and `_`; a change's `answers` name it.
    pub key: String,
    pub text_en: String,
    pub text_pl: String,
    /// 1 to 20.
    pub answers: Vec<AnswerJson>,
}

/// A risk level and the score it starts at.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelJson {
    pub min_score: u32,
    #[schema(value_type = super::schema::RiskLevel)]
    pub level: RiskLevel,
}

/// The risk questionnaire.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireJson {
    /// 1 to 30 questions; every one must be answered for a score.
    pub questions: Vec<QuestionJson>,
    /// From score 0 up, each starting above the one before.
    pub levels: Vec<LevelJson>,
    /// From this level up a change must go to the CAB.
    #[schema(value_type = super::schema::RiskLevel)]
    pub cab_from: RiskLevel,
}

impl From<Questionnaire> for QuestionnaireJson {
    fn from(q: Questionnaire) -> Self {
        let answer = |a: Answer| AnswerJson { key: a.key, text_en: a.text_en, text_pl: a.text_pl, weight: a.weight };
        Self {
            questions: q
                .questions
                .into_iter()
                .map(|q| QuestionJson {
                    key: q.key,
                    text_en: q.text_en,
                    text_pl: q.text_pl,
                    answers: q.answers.into_iter().map(answer).collect(),
                })
                .collect(),
            levels: q.levels.into_iter().map(|(min_score, level)| LevelJson { min_score, level }).collect(),
            cab_from: q.cab_from,
        }
    }
}

impl From<QuestionnaireJson> for Questionnaire {
    fn from(q: QuestionnaireJson) -> Self {
        let answer = |a: AnswerJson| Answer { key: a.key, text_en: a.text_en, text_pl: a.text_pl, weight: a.weight };
        Self {
            questions: q
                .questions
                .into_iter()
                .map(|q| Question {
                    key: q.key,
                    text_en: q.text_en,
                    text_pl: q.text_pl,
                    answers: q.answers.into_iter().map(answer).collect(),
                })
                .collect(),
            levels: q.levels.into_iter().map(|l| (l.min_score, l.level)).collect(),
            cab_from: q.cab_from,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/risk-questionnaire", tag = "changes", operation_id = "get_risk_questionnaire",
    responses((status = 200, description = "The questionnaire changes are scored with", body = QuestionnaireJson),
        (status = 403, body = Problem)))]
pub async fn get_risk_questionnaire(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<QuestionnaireJson>, ApiError> {
    Ok(axum::Json(s.app.risk_questionnaire(&actor).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/risk-questionnaire", tag = "changes", operation_id = "set_risk_questionnaire",
    request_body = QuestionnaireJson,
    responses((status = 200, description = "The questionnaire now in force; changes assessed before keep their score",
            body = QuestionnaireJson),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_risk_questionnaire(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Json(b): Json<QuestionnaireJson>,
) -> Result<axum::Json<QuestionnaireJson>, ApiError> {
    Ok(axum::Json(s.app.set_risk_questionnaire(&actor, b.into()).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/risk-questionnaire/reset", tag = "changes", operation_id = "reset_risk_questionnaire",
    responses((status = 200, description = "The built-in questionnaire, now in force", body = QuestionnaireJson),
        (status = 403, body = Problem)))]
pub async fn reset_risk_questionnaire(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> Result<axum::Json<QuestionnaireJson>, ApiError> {
    Ok(axum::Json(s.app.reset_risk_questionnaire(&actor).await?.into()))
}
