//! The demo's CMDB: the twelve business services the incident stories
//! name, reconciled by name so running it twice changes nothing.

use crate::cmdb::{Batch, CiInput};
use crate::{Actor, App, error::AppError};
use std::collections::HashMap;

/// The services the stories are told about.
pub(super) const SERVICES: [&str; 12] = [
    "CRM",
    "ERP",
    "Email",
    "File Shares",
    "Identity (SSO)",
    "Laptop Fleet",
    "Payroll",
    "Printing",
    "Telephony",
    "VPN",
    "Web Shop",
    "Wi-Fi",
];

/// Upserts the services and gives their ids by name.
pub(super) async fn services(app: &App) -> Result<HashMap<&'static str, i64>, AppError> {
    let items = SERVICES
        .iter()
        .map(|name| CiInput { class: "business_service".into(), name: (*name).into(), ..CiInput::default() })
        .collect();
    let report = app.upsert_cis(&Actor::operator(), Batch { items, relations: vec![] }).await?;
    Ok(SERVICES.iter().zip(report.items).map(|(name, item)| (*name, item.id)).collect())
}
