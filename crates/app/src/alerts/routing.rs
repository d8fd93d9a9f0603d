//! The alert routing (issue 13, item 4): the routing tree, receivers and
//! inhibition rules, kept whole in `settings` under `alert_routing` (none
//! stored: the built-in one, every alert to the receiver `steward`, which
//! notifies nobody). Read from the database at each use, so every node
//! routes with the one just saved. Staff read it; managers and admins
//! replace or reset it, audited.

use super::can_use_alerts;
use crate::{Actor, App, audit::AuditEntry, error::AppError, error::Errors};
use steward_domain::{
    alert::{Routing, RoutingSpec, TargetSpec, routing::can_configure_routing},
    audit::AuditKind,
    code::Code,
};
use steward_store::{Conn, StoreError, accounts, settings, webhooks};

const KEY: &str = "alert_routing";

/// The routing in force, as written and as checked. A stored one that no
/// longer reads (written by a later version, or by hand) gives way to the
/// built-in one, loudly.
pub(crate) async fn load(c: &mut Conn) -> Result<(RoutingSpec, Routing), AppError> {
    if let Some(json) = settings::get(c, KEY).await? {
        if let Ok(spec) = serde_json::from_str::<RoutingSpec>(&json) {
            if let Ok(r) = spec.check() {
                return Ok((spec, r));
            }
        }
        tracing::error!(key = KEY, "the stored alert routing does not read: routing with the built-in one");
    }
    let spec = RoutingSpec::default();
    match spec.check() {
        Ok(r) => Ok((spec, r)),
        Err(p) => Err(AppError::Internal(format!("the built-in alert routing does not check: {p:?}"))),
    }
}

/// A webhook named by a target: its id, or its name.
pub(crate) fn find_webhook<'a>(hooks: &'a [webhooks::Webhook], named: &str) -> Option<&'a webhooks::Webhook> {
    let named = named.trim();
    match named.parse::<i64>() {
        Ok(id) => hooks.iter().find(|h| h.id == id),
        Err(_) => hooks.iter().find(|h| h.name == named),
    }
}

/// What the domain cannot know: the groups, users and webhooks the targets
/// name exist, and URLs are http(s) addresses with a host.
async fn check_references(c: &mut Conn, spec: &RoutingSpec, errs: &mut Errors) -> Result<(), StoreError> {
    let hooks = webhooks::list(c).await?;
    for (i, r) in spec.receivers.iter().enumerate() {
        for (j, t) in r.targets.iter().enumerate() {
            let field = format!("receivers[{i}].targets[{j}]");
            match t {
                TargetSpec::Group { group } => {
                    if !group.trim().is_empty() && accounts::group_by_name(c, group.trim()).await?.is_none() {
                        let msg = Code::NoGroup.msg(format!("no group named {group:?}")).with("name", group);
                        errs.add(&format!("{field}.group"), msg);
                    }
                }
                TargetSpec::Users { users } => {
                    for (k, u) in users.iter().enumerate() {
                        if u.trim().is_empty() {
                            continue;
                        }
                        let found = accounts::user_by_name(c, u.trim()).await?;
                        if found.is_none_or(|u| u.active == 0) {
                            let msg = Code::NoStaffNamed.msg(format!("no active user named {u:?}")).with("who", u);
                            errs.add(&format!("{field}.users[{k}]"), msg);
                        }
                    }
                }
                TargetSpec::Webhook { webhook, url } | TargetSpec::Chat { webhook, url, .. } => {
                    if let Some(w) = webhook.as_deref().filter(|w| !w.trim().is_empty()) {
                        if find_webhook(&hooks, w).is_none() {
                            let msg = Code::NoWebhook.msg(format!("no webhook named {w:?}")).with("name", w);
                            errs.add(&format!("{field}.webhook"), msg);
                        }
                    }
                    if let Some(u) = url.as_deref().filter(|u| !u.trim().is_empty()) {
                        if let Some(m) = crate::notify::admin::url_problem(u) {
                            errs.add(&format!("{field}.url"), m);
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

impl App {
    /// The routing alerts are notified and listed with (staff).
    pub async fn alert_routing(&self, actor: &Actor) -> Result<RoutingSpec, AppError> {
        can_use_alerts(actor)?;
        Ok(self.routing_in_force().await?.0)
    }

    pub(crate) async fn routing_in_force(&self) -> Result<(RoutingSpec, Routing), AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        load(&mut conn).await
    }

    /// Replaces the routing (managers and admins), every problem beside its
    /// field (`route.routes[1].matchers[0]`, `receivers[2].targets[0].group`);
    /// nothing is stored unless all of it is right. Audited.
    pub async fn set_alert_routing(&self, actor: &Actor, spec: RoutingSpec) -> Result<RoutingSpec, AppError> {
        can_use_alerts(actor)?;
        can_configure_routing(actor.role)?;
        let mut errs = Errors::default();
        if let Err(problems) = spec.check() {
            for (field, msg) in problems {
                errs.add(&field, msg);
            }
        }
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        check_references(&mut conn, &spec, &mut errs).await?;
        drop(conn);
        // A URL target follows the webhooks' rule: no internal address
        // unless the allow-list names it (checked again at each call).
        for (i, r) in spec.receivers.iter().enumerate() {
            for (j, t) in r.targets.iter().enumerate() {
                if let Some((None | Some(""), Some(url))) = t.endpoint() {
                    if crate::notify::admin::url_problem(url).is_none() {
                        let field = format!("receivers[{i}].targets[{j}].url");
                        self.check_webhook_address(&mut errs, &field, url.trim()).await;
                    }
                }
            }
        }
        errs.finish()?;
        let json = serde_json::to_string(&spec).map_err(|e| AppError::Internal(e.to_string()))?;
        let targets: usize = spec.receivers.iter().map(|r| r.targets.len()).sum();
        let detail = format!(
            "{} receivers, {targets} targets, {} routes, {} inhibition rules",
            spec.receivers.len(),
            count_routes(&spec.route),
            spec.inhibit_rules.len()
        );
        self.store.write(move |c| Box::pin(async move { settings::set(c, KEY, &json).await })).await?;
        self.audit(AuditEntry::new(AuditKind::AlertRoutingChanged, Some(actor), KEY).detail(detail)).await;
        Ok(spec)
    }

    /// Goes back to the built-in routing (managers and admins); audited.
    pub async fn reset_alert_routing(&self, actor: &Actor) -> Result<RoutingSpec, AppError> {
        can_use_alerts(actor)?;
        can_configure_routing(actor.role)?;
        self.store.write(|c| Box::pin(async move { settings::delete(c, KEY).await })).await?;
        self.audit(AuditEntry::new(AuditKind::AlertRoutingChanged, Some(actor), KEY).detail("the built-in one")).await;
        Ok(RoutingSpec::default())
    }
}

fn count_routes(r: &steward_domain::alert::RouteSpec) -> usize {
    1 + r.routes.iter().map(count_routes).sum::<usize>()
}
