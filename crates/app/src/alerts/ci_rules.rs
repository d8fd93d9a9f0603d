//! The rules that map an alert to a CI (issue 13, item 5), kept whole in
//! `settings` under `alert_ci_rules` (none stored: the built-in ones, see
//! [`CiRules::default`]). Staff read them; managers and admins replace or
//! reset them, audited. Correlation reads them once per pass and builds
//! one value → CI map per lookup they use ([`CiMaps`]).

use super::can_use_alerts;
use crate::{Actor, App, audit::AuditEntry, error::AppError, error::Errors};
use std::collections::HashMap;
use steward_domain::{
    alert::{
        CiRules, Labels, Lookup,
        ci_rules::{can_configure_ci_rules, key},
    },
    audit::AuditKind,
};
use steward_store::{Conn, StoreError, alerts as store, cmdb, now_micros, settings};

const KEY: &str = "alert_ci_rules";

/// The rules in force. Stored ones that no longer read (written by a later
/// version, or by hand) give way to the built-in ones, loudly; an attribute
/// no class declares any more just finds nothing.
async fn load(c: &mut Conn) -> Result<CiRules, AppError> {
    if let Some(json) = settings::get(c, KEY).await? {
        match serde_json::from_str::<CiRules>(&json) {
            Ok(rules) if rules.check(|_| true).is_ok() => return Ok(rules),
            _ => tracing::error!(key = KEY, "the stored alert CI rules do not read: mapping with the built-in ones"),
        }
    }
    Ok(CiRules::default())
}

/// Each lookup the rules use: lower-cased, trimmed value → CI (the lowest
/// id when several share a value).
#[derive(Debug, Default)]
pub(crate) struct CiMaps(HashMap<Lookup, HashMap<String, i64>>);

impl CiMaps {
    fn add(&mut self, lookup: &Lookup, value: &str, id: i64) {
        let e = self.0.entry(lookup.clone()).or_default().entry(key(value)).or_insert(id);
        *e = (*e).min(id);
    }

    /// The CI the labels name under `rules` (0: none).
    pub(crate) fn ci_of(&self, rules: &CiRules, labels: &Labels) -> i64 {
        rules.ci_of(labels, |l, v| self.0.get(l).and_then(|m| m.get(v)).copied()).unwrap_or(0)
    }
}

impl App {
    /// The rules alerts are mapped to CIs with (staff).
    pub async fn alert_ci_rules(&self, actor: &Actor) -> Result<CiRules, AppError> {
        can_use_alerts(actor)?;
        self.ci_rules_in_force().await
    }

    pub(crate) async fn ci_rules_in_force(&self) -> Result<CiRules, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        load(&mut conn).await
    }

    /// The maps `rules` look values up in: names and services from the
    /// CMDB cache, one scan of the CIs per attribute.
    pub(crate) async fn ci_maps(&self, rules: &CiRules) -> Result<CiMaps, AppError> {
        let lookups = rules.lookups();
        let mut maps = self
            .cmdb_view(|v| {
                let mut maps = CiMaps::default();
                let (names, services) = (lookups.contains(&Lookup::Name), lookups.contains(&Lookup::Service));
                for (id, b) in v.cis.iter().filter(|_| names || services) {
                    if names {
                        maps.add(&Lookup::Name, &b.name, *id);
                    }
                    if services && v.is_service(*id) {
                        maps.add(&Lookup::Service, &b.name, *id);
                    }
                }
                maps
            })
            .await?;
        let d = self.store.dialect();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        for l in &lookups {
            if let Lookup::Attribute(a) = l {
                for (id, value) in cmdb::attribute_values(&mut conn, d, a).await? {
                    maps.add(l, &value, id);
                }
            }
        }
        Ok(maps)
    }

    /// Replaces the rules (managers and admins), every problem beside its
    /// field (`rules[2].label`, `rules[0].attribute`); nothing is stored
    /// unless all of it is right. Every firing alert is mapped again by the
    /// next pass (the rules may name another CI for it now). Audited.
    pub async fn set_alert_ci_rules(&self, actor: &Actor, rules: CiRules) -> Result<CiRules, AppError> {
        can_use_alerts(actor)?;
        can_configure_ci_rules(actor.role)?;
        let known = self
            .cmdb_view(|v| {
                v.schema.classes().flat_map(|c| c.attributes.iter().map(|a| a.name.clone())).collect::<Vec<_>>()
            })
            .await?;
        let mut errs = Errors::default();
        if let Err(problems) = rules.check(|a| known.iter().any(|k| k == a)) {
            for (field, msg) in problems {
                errs.add(&field, msg);
            }
        }
        errs.finish()?;
        let json = serde_json::to_string(&rules).map_err(|e| AppError::Internal(e.to_string()))?;
        let detail = describe(&rules);
        self.store.write(move |c| Box::pin(async move { save(c, Some(&json)).await })).await?;
        self.audit(AuditEntry::new(AuditKind::AlertCiRulesChanged, Some(actor), KEY).detail(detail)).await;
        Ok(rules)
    }

    /// Goes back to the built-in rules (managers and admins); audited.
    pub async fn reset_alert_ci_rules(&self, actor: &Actor) -> Result<CiRules, AppError> {
        can_use_alerts(actor)?;
        can_configure_ci_rules(actor.role)?;
        self.store.write(|c| Box::pin(async move { save(c, None).await })).await?;
        self.audit(AuditEntry::new(AuditKind::AlertCiRulesChanged, Some(actor), KEY).detail("the built-in ones")).await;
        Ok(CiRules::default())
    }
}

/// Stores the rules (none: the built-in ones) and lets the firing alerts
/// be mapped again.
async fn save(c: &mut Conn, json: Option<&str>) -> Result<(), StoreError> {
    match json {
        Some(json) => settings::set(c, KEY, json).await?,
        None => {
            settings::delete(c, KEY).await?;
        }
    }
    store::unmap_firing(c, now_micros()).await?;
    Ok(())
}

/// The audit's detail: each rule as `label → what`.
fn describe(rules: &CiRules) -> String {
    let each: Vec<String> = rules
        .rules
        .iter()
        .map(|r| match r.lookup() {
            Lookup::Name => format!("{} → name", r.label),
            Lookup::Service => format!("{} → service", r.label),
            Lookup::Attribute(a) => format!("{} → {a}", r.label),
        })
        .collect();
    format!("{} rules: {}", rules.rules.len(), each.join(", "))
}
