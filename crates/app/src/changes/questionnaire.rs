//! The risk questionnaire, kept by managers and admins: stored whole in
//! `settings` under `risk_questionnaire` (none stored: the built-in five
//! questions). Read from the database at each use, so every node scores
//! with the one just saved. Changing it does not rescore past changes:
//! each keeps the score, level and CAB need its answers were given.

use crate::{Actor, App, audit::AuditEntry, error::AppError, error::Errors};
use steward_domain::{
    audit::AuditKind,
    change::{Questionnaire, can_configure_risk, can_view_change},
};
use steward_store::{Conn, StoreError, settings};

const KEY: &str = "risk_questionnaire";

/// The questionnaire in force. A stored one that no longer reads (written
/// by a later version, or by hand) gives way to the built-in one, loudly.
pub(crate) async fn load(c: &mut Conn) -> Result<Questionnaire, StoreError> {
    let Some(json) = settings::get(c, KEY).await? else { return Ok(Questionnaire::default()) };
    match serde_json::from_str::<Questionnaire>(&json) {
        Ok(q) if q.validate().is_ok() => Ok(q),
        _ => {
            tracing::error!(key = KEY, "the stored risk questionnaire does not read: scoring with the built-in one");
            Ok(Questionnaire::default())
        }
    }
}

impl App {
    /// The questionnaire changes are scored with (staff: those who see
    /// changes).
    pub async fn risk_questionnaire(&self, actor: &Actor) -> Result<Questionnaire, AppError> {
        can_view_change(actor.role)?;
        self.questionnaire_in_force().await
    }

    pub(crate) async fn questionnaire_in_force(&self) -> Result<Questionnaire, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(load(&mut conn).await?)
    }

    /// Replaces the questionnaire (managers and admins), every problem
    /// beside its field (`questions[2].answers[0].key`); audited.
    pub async fn set_risk_questionnaire(&self, actor: &Actor, q: Questionnaire) -> Result<Questionnaire, AppError> {
        can_configure_risk(actor.role)?;
        if let Err(problems) = q.validate() {
            let mut errs = Errors::default();
            for (field, msg) in problems {
                errs.add(&field, msg);
            }
            errs.finish()?;
        }
        let json = serde_json::to_string(&q).map_err(|e| AppError::Internal(e.to_string()))?;
        let detail = format!("{} questions, the CAB from {}", q.questions.len(), q.cab_from);
        self.store.write(move |c| Box::pin(async move { settings::set(c, KEY, &json).await })).await?;
        self.audit(AuditEntry::new(AuditKind::RiskQuestionnaireChanged, Some(actor), KEY).detail(detail)).await;
        Ok(q)
    }

    /// Goes back to the built-in questionnaire (managers and admins); audited.
    pub async fn reset_risk_questionnaire(&self, actor: &Actor) -> Result<Questionnaire, AppError> {
        can_configure_risk(actor.role)?;
        self.store.write(|c| Box::pin(async move { settings::delete(c, KEY).await })).await?;
        self.audit(AuditEntry::new(AuditKind::RiskQuestionnaireChanged, Some(actor), KEY).detail("the built-in one"))
            .await;
        Ok(Questionnaire::default())
    }
}
