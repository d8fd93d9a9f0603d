//! The demo's service levels: an office calendar with Poland's holidays,
//! a round-the-clock SLA for P1 and a business-hours SLA for the rest of
//! the incidents, one for problems, and an OLA for the service desk. They are set up before the incidents are
//! written, so that each open incident's clocks start as it is written,
//! as if they had run since it opened, and their journal entries take
//! their places among the incident's own (see `write_stories`).

use crate::{Actor, App, AppError};
use jiff::SignedDuration;
use serde_json::json;
use steward_domain::calendar::{CalendarSpec, Interval, WeekHours, poland_holidays};
use steward_domain::sla::SlaDefinition;
use steward_store::StoreError;

/// Creates the rules.
pub(super) async fn create(app: &App) -> Result<(), AppError> {
    let me = Actor::operator();
    let office = CalendarSpec {
        time_zone: "Europe/Warsaw".into(),
        week: WeekHours::weekdays(&[Interval::new("08:00", "16:00")]),
        holidays: poland_holidays(),
    };
    let office = app.create_calendar(&me, "Warsaw office hours", office).await?;
    let definition = |v: serde_json::Value| -> Result<SlaDefinition, AppError> {
        serde_json::from_value(v).map_err(|e| AppError::Internal(e.to_string()))
    };
    let major = definition(json!({
        "id": 0, "name": "Critical, round the clock", "position": 10, "calendar_id": 1,
        "conditions": {"priorities": [1]},
        "targets": [{"priority": 1, "response": "15m", "resolution": "4h"}],
        "thresholds": [50, 75, 90]
    }))?;
    let standard = definition(json!({
        "id": 0, "name": "Standard, office hours", "position": 20, "calendar_id": office.id,
        "targets": [
            {"priority": 2, "response": "1h", "resolution": "8h"},
            {"priority": 3, "response": "4h", "resolution": "24h"},
            {"priority": 4, "response": "8h", "resolution": "40h"},
            {"priority": 5, "response": "16h", "resolution": "80h"}
        ],
        "thresholds": [50, 75, 90]
    }))?;
    // Problems are worked over days: taken up (out of New) within a
    // working day or two, resolved within weeks of office hours.
    let problems = definition(json!({
        "id": 0, "name": "Problems, office hours", "position": 30, "calendar_id": office.id,
        "conditions": {"kinds": ["problem"]},
        "targets": [
            {"priority": 1, "response": "4h", "resolution": "40h"},
            {"priority": 2, "response": "8h", "resolution": "80h"},
            {"priority": 3, "response": "16h", "resolution": "160h"},
            {"priority": 4, "response": "24h", "resolution": "320h"},
            {"priority": 5, "response": "40h", "resolution": "480h"}
        ],
        "thresholds": [75, 90]
    }))?;
    app.create_sla(&me, major, true).await?;
    app.create_sla(&me, standard, true).await?;
    app.create_sla(&me, problems, true).await?;
    let mut conn = app.store.pool().acquire().await.map_err(StoreError::from)?;
    let desk = app.group_by_name(&mut conn, "Service Desk").await?;
    drop(conn);
    if let Some(desk) = desk {
        app.set_group_ola(&me, desk, Some((SignedDuration::from_hours(4), office.id, vec![75]))).await?;
    }
    Ok(())
}
