//! The demo's service-manager paperwork: two scheduled reports (the week's
//! load per group, the open P1/P2 incidents each morning) and an entry of
//! the improvement register, all kept by the demo's `manager`.

use crate::reports::improvements::ImprovementInput;
use crate::reports::saved::{MeasureParams, SavedReportInput};
use crate::{App, error::AppError};
use steward_domain::report::saved::ScheduleInput;
use steward_store::{StoreError, accounts};

/// Adds them as the demo's `manager`; nothing when there is none.
pub async fn create(app: &App) -> Result<(), AppError> {
    let mut conn = app.store.pool().acquire().await.map_err(StoreError::from)?;
    let manager = accounts::user_by_name(&mut conn, "manager").await?;
    let agent = accounts::user_by_name(&mut conn, "agent").await?;
    drop(conn);
    let Some(manager) = manager else { return Ok(()) };
    let mut to: Vec<String> = manager.email.clone().into_iter().collect();
    let owner = app.actor_for(manager).await?;
    app.add_saved_report(
        &owner,
        SavedReportInput {
            name: "Weekly load per group".into(),
            subject: "measures".into(),
            format: Some("xlsx".into()),
            measures: MeasureParams { period: "previous_week".into(), by: "group".into(), ..Default::default() },
            schedule: Some(ScheduleInput {
                frequency: "weekly".into(),
                hour: Some(8),
                weekday: Some(1),
                monthday: None,
            }),
            recipients: to.clone(),
            ..Default::default()
        },
    )
    .await?;
    to.extend(agent.and_then(|a| a.email));
    let filters = serde_json::json!({"state": "open", "priority": "1,2", "sort": "priority"});
    app.add_saved_report(
        &owner,
        SavedReportInput {
            name: "Open P1 and P2 incidents".into(),
            subject: "incidents".into(),
            format: Some("csv".into()),
            filters: Some(filters),
            schedule: Some(ScheduleInput { frequency: "daily".into(), hour: Some(7), weekday: None, monthday: None }),
            recipients: to,
            ..Default::default()
        },
    )
    .await?;
    let in_a_quarter = jiff::Zoned::now().date().checked_add(jiff::Span::new().days(90)).unwrap_or_default();
    app.add_improvement(
        &owner,
        ImprovementInput {
            title: "Resolve more at first contact".into(),
            description: "Knowledge articles for the ten most frequent requests; the desk resolves before it routes."
                .into(),
            measure: "first_contact_rate".into(),
            kind: Some("incident".into()),
            // The demo's desk resolves about nine in ten at first contact:
            // part of the way there.
            baseline: 85.0,
            target: 97.0,
            target_date: in_a_quarter.to_string(),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}
