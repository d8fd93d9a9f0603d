//! `/admin/audit`: the security audit log for admins, newest first, with
//! filters (kind, who) and keyset paging ("Older").

use super::{Ctx, UiResult, admin_texts::AdminMsg, fmt, layout, ok, widgets};
use crate::{
    AppState,
    api::audit::AuditParams,
    i18n::{self, Msg},
};
use axum::extract::{Query, State, rejection::QueryRejection};
use maud::{Markup, html};
use steward_domain::audit::AuditKind;

/// A kind's label in the user's language.
pub fn kind_label(lang: i18n::Lang, code: &str) -> String {
    let msg = match AuditKind::from_code(code) {
        Some(AuditKind::SignedIn) => AdminMsg::AuditSignedIn,
        Some(AuditKind::SignInFailed) => AdminMsg::AuditSignInFailed,
        Some(AuditKind::SignInLocked) => AdminMsg::AuditSignInLocked,
        Some(AuditKind::CsrfRefused) => AdminMsg::AuditCsrfRefused,
        Some(AuditKind::Forbidden) => AdminMsg::AuditForbidden,
        Some(AuditKind::TokenCreated) => AdminMsg::AuditTokenCreated,
        Some(AuditKind::TokenRevoked) => AdminMsg::AuditTokenRevoked,
        Some(AuditKind::UserCreated) => AdminMsg::AuditUserCreated,
        Some(AuditKind::UserChanged) => AdminMsg::AuditUserChanged,
        Some(AuditKind::RoleChanged) => AdminMsg::AuditRoleChanged,
        Some(AuditKind::UserDeactivated) => AdminMsg::AuditUserDeactivated,
        Some(AuditKind::PasswordChanged) => AdminMsg::AuditPasswordChanged,
        Some(AuditKind::SessionsRevoked) => AdminMsg::AuditSessionsRevoked,
        Some(AuditKind::EscalationRuleChanged) => AdminMsg::AuditEscalationRuleChanged,
        Some(AuditKind::RiskQuestionnaireChanged) => AdminMsg::AuditRiskQuestionnaireChanged,
        Some(AuditKind::AlertWindowChanged) => AdminMsg::AuditAlertWindowChanged,
        Some(AuditKind::AlertRoutingChanged) => AdminMsg::AuditAlertRoutingChanged,
        Some(AuditKind::AlertCiRulesChanged) => AdminMsg::AuditAlertCiRulesChanged,
        Some(AuditKind::TwoFactorChanged) => AdminMsg::AuditTwoFactorChanged,
        None => return code.to_owned(),
    };
    i18n::t(lang, msg).to_owned()
}

fn filters(ctx: &Ctx, kind: &str, actor: &str, errors: &widgets::Errors) -> Markup {
    let mut kinds = vec![(String::new(), ctx.t(Msg::Any).to_owned())];
    kinds.extend(AuditKind::ALL.iter().map(|k| (k.code().to_owned(), kind_label(ctx.lang, k.code()))));
    let f = |id, name, label| widgets::Field::new(ctx.lang, id, name, label, errors);
    html! {
        form.filters method="get" action="/admin/audit" aria-label=(ctx.t(Msg::Filters)) {
            (f("f-kind", "kind", ctx.t(AdminMsg::AuditKindLabel)).select(&kinds, kind))
            (f("f-actor", "actor", ctx.t(AdminMsg::AuditWho)).input(actor))
            button.btn type="submit" { (ctx.t(AdminMsg::AuditFilter)) }
        }
    }
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, q: Result<Query<AuditParams>, QueryRejection>) -> UiResult {
    // A mangled address shows the whole log rather than an error.
    let params = q.map(|Query(q)| q).unwrap_or(AuditParams { kind: None, actor: None, before: None, limit: None });
    let filter = params.filter();
    let (kind, actor) = (filter.kind.clone().unwrap_or_default(), filter.actor.clone().unwrap_or_default());
    let (page, errors) = match s.app.audit_events(&ctx.actor, filter).await {
        Ok(page) => (page, widgets::Errors::default()),
        Err(steward_app::AppError::Invalid(errs)) => {
            (steward_app::audit::AuditPage { items: Vec::new(), next: None }, widgets::Errors(errs))
        }
        Err(e) => return Err(ctx.fail(e)),
    };
    let now = fmt::now_micros();
    let older = page.next.map(|before| {
        let before = before.to_string();
        format!("/admin/audit{}", fmt::query(&[("kind", &kind), ("actor", &actor), ("before", &before)]))
    });
    let body = html! {
        h1 { (ctx.t(AdminMsg::AuditTitle)) }
        p.muted { (ctx.t(AdminMsg::AuditIntro)) }
        (filters(&ctx, &kind, &actor, &errors))
        @if page.items.is_empty() {
            p.muted #audit-empty { (ctx.t(AdminMsg::AuditEmpty)) }
        } @else {
            div.table-wrap {
                table #audit {
                    thead { tr {
                        th { (ctx.t(AdminMsg::AuditWhen)) } th { (ctx.t(AdminMsg::AuditKindLabel)) } th { (ctx.t(AdminMsg::AuditWho)) }
                        th { (ctx.t(AdminMsg::AuditSubject)) } th { (ctx.t(AdminMsg::AuditClient)) } th { (ctx.t(AdminMsg::AuditDetail)) }
                    } }
                    tbody {
                        @for e in &page.items {
                            tr data-kind=(e.kind) {
                                td { (widgets::time(ctx.lang, e.at, now)) }
                                td { (kind_label(ctx.lang, &e.kind)) }
                                td { (e.actor_name) }
                                td { (e.subject) }
                                td { code { (e.client) } }
                                td { (e.detail) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(href) = older {
            p { a.btn #audit-older href=(href) rel="next" { (ctx.t(AdminMsg::AuditOlder)) } }
        }
    };
    ok(layout::page(&ctx, ctx.t(AdminMsg::AuditTitle), body))
}
