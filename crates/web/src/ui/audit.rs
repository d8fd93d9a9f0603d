//! `/admin/audit`: the security audit log for admins, newest first, with
//! filters (kind, who) and keyset paging ("Older").

use super::{Ctx, UiResult, fmt, layout, ok, widgets};
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
        Some(AuditKind::SignedIn) => Msg::AuditSignedIn,
        Some(AuditKind::SignInFailed) => Msg::AuditSignInFailed,
        Some(AuditKind::SignInLocked) => Msg::AuditSignInLocked,
        Some(AuditKind::CsrfRefused) => Msg::AuditCsrfRefused,
        Some(AuditKind::Forbidden) => Msg::AuditForbidden,
        Some(AuditKind::TokenCreated) => Msg::AuditTokenCreated,
        Some(AuditKind::TokenRevoked) => Msg::AuditTokenRevoked,
        Some(AuditKind::UserCreated) => Msg::AuditUserCreated,
        Some(AuditKind::UserChanged) => Msg::AuditUserChanged,
        Some(AuditKind::RoleChanged) => Msg::AuditRoleChanged,
        Some(AuditKind::UserDeactivated) => Msg::AuditUserDeactivated,
        Some(AuditKind::PasswordChanged) => Msg::AuditPasswordChanged,
        Some(AuditKind::SessionsRevoked) => Msg::AuditSessionsRevoked,
        Some(AuditKind::EscalationRuleChanged) => Msg::AuditEscalationRuleChanged,
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
            (f("f-kind", "kind", ctx.t(Msg::AuditKindLabel)).select(&kinds, kind))
            (f("f-actor", "actor", ctx.t(Msg::AuditWho)).input(actor))
            button.btn type="submit" { (ctx.t(Msg::AuditFilter)) }
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
        h1 { (ctx.t(Msg::AuditTitle)) }
        p.muted { (ctx.t(Msg::AuditIntro)) }
        (filters(&ctx, &kind, &actor, &errors))
        @if page.items.is_empty() {
            p.muted #audit-empty { (ctx.t(Msg::AuditEmpty)) }
        } @else {
            div.table-wrap {
                table #audit {
                    thead { tr {
                        th { (ctx.t(Msg::AuditWhen)) } th { (ctx.t(Msg::AuditKindLabel)) } th { (ctx.t(Msg::AuditWho)) }
                        th { (ctx.t(Msg::AuditSubject)) } th { (ctx.t(Msg::AuditClient)) } th { (ctx.t(Msg::AuditDetail)) }
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
            p { a.btn #audit-older href=(href) rel="next" { (ctx.t(Msg::AuditOlder)) } }
        }
    };
    ok(layout::page(&ctx, ctx.t(Msg::AuditTitle), body))
}
