//! `/admin/webhooks`: admins list webhooks and create them (the secret is
//! typed once and never shown again), change a webhook's name, address,
//! format, events, switch and secret under the version read, see its
//! recent deliveries, and delete it after a confirmation page.

use super::admin_escalations::{admins_only, path_id};
use super::admin_users::tabs;
use super::{Ctx, OrPage, UiResult, admin_texts::AdminMsg, html, layout, see_other, widgets};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::{
    Form,
    extract::{Path, Query, State, rejection::PathRejection},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::AppError;
use steward_app::notify::{EVENTS, WebhookInput, WebhookPatch};
use steward_store::webhooks::{Delivery, Webhook};

pub const PATH: &str = "/admin/webhooks";
const FORMATS: [&str; 3] = ["json", "slack", "teams"];

#[derive(Deserialize, Default)]
pub struct FlashQuery {
    m: Option<String>,
}

/// The webhook form as typed (`events` repeats).
#[derive(Debug, Clone, Default)]
pub struct HookForm {
    name: String,
    url: String,
    secret: String,
    remove_secret: bool,
    format: String,
    events: Vec<String>,
    active: bool,
    version: i64,
}

impl HookForm {
    fn fresh() -> Self {
        HookForm { format: "json".into(), active: true, ..Default::default() }
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = HookForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v,
                "url" => f.url = v,
                "secret" => f.secret = v,
                "remove_secret" => f.remove_secret = true,
                "format" => f.format = v,
                "events" => f.events.push(v),
                "active" => f.active = true,
                "version" => f.version = v.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
        f
    }

    fn of(w: &Webhook) -> Self {
        HookForm {
            name: w.name.clone(),
            url: w.url.clone(),
            format: w.format.clone(),
            events: serde_json::from_str(&w.events).unwrap_or_default(),
            active: w.active != 0,
            version: w.version,
            ..Default::default()
        }
    }
}

fn events_text(ctx: &Ctx, w: &Webhook) -> String {
    let events: Vec<String> = serde_json::from_str(&w.events).unwrap_or_default();
    if events.is_empty() { ctx.t(AdminMsg::AllEvents).to_owned() } else { events.join(", ") }
}

fn hooks_table(ctx: &Ctx, hooks: &[Webhook]) -> Markup {
    html! {
        @if hooks.is_empty() { p.muted #no-webhooks { (ctx.t(AdminMsg::WhNone)) } }
        @else { div.table-wrap { table #webhook-list {
            thead { tr {
                th scope="col" { (ctx.t(AdminMsg::ColName)) } th scope="col" { (ctx.t(AdminMsg::WhUrl)) } th scope="col" { (ctx.t(AdminMsg::ColFormat)) }
                th scope="col" { (ctx.t(AdminMsg::ColEvents)) } th scope="col" { (ctx.t(AdminMsg::ColActive)) } th scope="col" { (ctx.t(AdminMsg::WhSigned)) }
            } }
            tbody {
                @for w in hooks {
                    tr data-webhook=(w.name) {
                        td { a #{ "edit-webhook-" (w.id) } href={ (PATH) "/" (w.id) } aria-label={ (ctx.t(Msg::Edit)) " " (w.name) } { (w.name) } }
                        td { code { (w.url) } }
                        td { (w.format) }
                        td { (events_text(ctx, w)) }
                        td { (ctx.t(if w.active != 0 { Msg::Yes } else { Msg::No })) }
                        td { (ctx.t(if w.secret.is_some() { Msg::Yes } else { Msg::No })) }
                    }
                }
            }
        } } }
    }
}

fn hook_form(ctx: &Ctx, f: &HookForm, errors: &widgets::Errors, editing: Option<(i64, bool)>) -> Markup {
    let field = |id, name, label| widgets::Field::new(ctx.lang, id, name, label, errors);
    let (title, action, submit) = match editing {
        Some((id, _)) => (ctx.t(AdminMsg::WhEdit), format!("{PATH}/{id}"), ctx.t(Msg::Save)),
        None => (ctx.t(AdminMsg::WhNew), PATH.to_owned(), ctx.t(AdminMsg::WhCreate)),
    };
    let formats: Vec<(String, String)> = FORMATS.iter().map(|f| ((*f).to_owned(), (*f).to_owned())).collect();
    let secret_hint = if editing.is_some() { AdminMsg::WhSecretEditHint } else { AdminMsg::WhSecretHint };
    html! {
        section.panel.narrow aria-labelledby="webhook-form-title" {
            h2 #webhook-form-title { (title) }
            form #webhook-form method="post" action=(action) novalidate {
                (widgets::csrf(&ctx.csrf))
                @if editing.is_some() { input type="hidden" name="version" value=(f.version); }
                (widgets::Field { required: true, ..field("webhook-name", "name", ctx.t(AdminMsg::ColName)) }.input(&f.name))
                (widgets::Field { required: true, kind: Some("url"), hint: Some(ctx.t(AdminMsg::WhUrlHint)), ..field("webhook-url", "url", ctx.t(AdminMsg::WhUrl)) }.input(&f.url))
                (widgets::Field { kind: Some("password"), autocomplete: Some("new-password"), hint: Some(ctx.t(secret_hint)), ..field("webhook-secret", "secret", ctx.t(AdminMsg::WhSecret)) }.input(""))
                @if let Some((_, true)) = editing {
                    div.field { label.choice { input #webhook-remove-secret type="checkbox" name="remove_secret" value="1" checked[f.remove_secret]; " " (ctx.t(AdminMsg::WhRemoveSecret)) } }
                }
                (field("webhook-format", "format", ctx.t(AdminMsg::ColFormat)).select(&formats, &f.format))
                fieldset.field.choices aria-describedby="webhook-events-hint" {
                    legend { (ctx.t(AdminMsg::ColEvents)) }
                    p.hint #webhook-events-hint { (ctx.t(AdminMsg::WhEventsHint)) }
                    @for e in EVENTS {
                        label.choice { input type="checkbox" name="events" value=(e) checked[f.events.iter().any(|x| x == e)]; " " code { (e) } }
                    }
                    @if let Some(e) = errors.get("events") { p.field-error { (widgets::sentence(&i18n::app_message(ctx.lang, e))) } }
                }
                div.field { label.choice { input #webhook-active type="checkbox" name="active" value="1" checked[f.active]; " " (ctx.t(AdminMsg::WhActive)) } }
                @for e in errors.others(&["name", "url", "secret", "format", "events"]) { (widgets::alert(&widgets::sentence(&i18n::app_message(ctx.lang, e)), None)) }
                button.btn.btn-primary type="submit" #save-webhook { (submit) }
            }
        }
    }
}

async fn render_list(
    s: &AppState,
    ctx: &Ctx,
    flash: Option<&str>,
    form: &HookForm,
    errors: &widgets::Errors,
) -> UiResult {
    let hooks = s.app.list_webhooks(&ctx.actor).await.or_page(ctx)?;
    let flash = match flash {
        Some("created") => Some(AdminMsg::WhFlashCreated),
        Some("saved") => Some(AdminMsg::WhFlashSaved),
        Some("deleted") => Some(AdminMsg::WhFlashDeleted),
        _ => None,
    };
    let body = html! {
        h1 { (ctx.t(AdminMsg::Webhooks)) }
        (tabs(ctx))
        @if let Some(m) = flash { (widgets::notice(ctx.t(m))) }
        p.hint { (ctx.t(AdminMsg::WhIntro)) }
        (hooks_table(ctx, &hooks))
        (hook_form(ctx, form, errors, None))
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(html(status, layout::page(ctx, ctx.t(AdminMsg::Webhooks), body)))
}

fn deliveries_table(ctx: &Ctx, list: &[Delivery]) -> Markup {
    let now = super::fmt::now_micros();
    html! {
        section aria-labelledby="deliveries-title" {
            h2 #deliveries-title { (ctx.t(AdminMsg::WhDeliveries)) }
            @if list.is_empty() { p.muted #no-deliveries { (ctx.t(AdminMsg::WhNoDeliveries)) } }
            @else { div.table-wrap { table #deliveries {
                thead { tr {
                    th scope="col" { (ctx.t(AdminMsg::WhColAt)) } th scope="col" { (ctx.t(AdminMsg::WhColResult)) }
                    th scope="col" { (ctx.t(AdminMsg::WhColTook)) } th scope="col" { (ctx.t(AdminMsg::WhColAnswer)) }
                } }
                tbody {
                    @for d in list {
                        @let ok = d.error.is_none() && d.status.is_some_and(|s| (200..300).contains(&s));
                        tr class=(if ok { "delivery-ok" } else { "delivery-failed" }) {
                            td { (widgets::time(ctx.lang, d.at, now)) }
                            td { @match d.status { Some(s) => { "HTTP " (s) }, None => { (ctx.t(AdminMsg::WhNoAnswer)) } } }
                            td { (format!("{:.0} ms", d.duration_us as f64 / 1000.0)) }
                            td { (d.error.as_deref().unwrap_or(&d.excerpt)) }
                        }
                    }
                }
            } } }
        }
    }
}

async fn render_edit(
    s: &AppState,
    ctx: &Ctx,
    w: &Webhook,
    form: &HookForm,
    errors: &widgets::Errors,
    flash: Option<&str>,
    problem: Option<&str>,
) -> UiResult {
    let deliveries = s.app.webhook_deliveries(&ctx.actor, w.id, 20).await.or_page(ctx)?;
    let title = format!("{} · {}", ctx.t(AdminMsg::WhEdit), w.name);
    let body = html! {
        h1 { (title) }
        (tabs(ctx))
        @if flash == Some("saved") { (widgets::notice(ctx.t(AdminMsg::WhFlashSaved))) }
        @if let Some(p) = problem { (widgets::alert(p, None)) }
        (hook_form(ctx, form, errors, Some((w.id, w.secret.is_some()))))
        (deliveries_table(ctx, &deliveries))
        p {
            a.btn.btn-danger-quiet #delete-webhook href={ (PATH) "/" (w.id) "/delete" } { (ctx.t(AdminMsg::Delete)) }
            " " a href=(PATH) { (ctx.t(AdminMsg::Webhooks)) }
        }
    };
    let status = match (errors.is_empty(), problem.is_some()) {
        (true, false) => StatusCode::OK,
        (true, true) => StatusCode::CONFLICT,
        (false, _) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    Ok(html(status, layout::page(ctx, &title, body)))
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, Query(q): Query<FlashQuery>) -> UiResult {
    admins_only(&ctx)?;
    render_list(&s, &ctx, q.m.as_deref(), &HookForm::fresh(), &Default::default()).await
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> UiResult {
    admins_only(&ctx)?;
    let f = HookForm::from_pairs(pairs);
    let input = WebhookInput {
        name: f.name.clone(),
        url: f.url.clone(),
        secret: Some(f.secret.clone()).filter(|s| !s.trim().is_empty()),
        format: Some(f.format.clone()),
        events: f.events.clone(),
        active: Some(f.active),
    };
    match s.app.create_webhook(&ctx.actor, input).await {
        Ok(w) => see_other(&format!("{PATH}/{}?m=saved", w.id)),
        Err(AppError::Invalid(errs)) => render_list(&s, &ctx, None, &f, &widgets::Errors(errs)).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn edit(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    Query(q): Query<FlashQuery>,
) -> UiResult {
    admins_only(&ctx)?;
    let id = path_id(&ctx, id, "webhook")?;
    let w = s.app.get_webhook(&ctx.actor, id).await.or_page(&ctx)?;
    render_edit(&s, &ctx, &w, &HookForm::of(&w), &Default::default(), q.m.as_deref(), None).await
}

pub async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> UiResult {
    admins_only(&ctx)?;
    let id = path_id(&ctx, id, "webhook")?;
    let f = HookForm::from_pairs(pairs);
    let secret =
        if f.remove_secret { Some(String::new()) } else { Some(f.secret.clone()).filter(|s| !s.trim().is_empty()) };
    let patch = WebhookPatch {
        name: Some(f.name.clone()),
        url: Some(f.url.clone()),
        secret,
        format: Some(f.format.clone()),
        events: Some(f.events.clone()),
        active: Some(f.active),
    };
    match s.app.update_webhook(&ctx.actor, id, Some(f.version), patch).await {
        Ok(w) => see_other(&format!("{PATH}/{}?m=saved", w.id)),
        Err(AppError::Invalid(errs)) => {
            let w = s.app.get_webhook(&ctx.actor, id).await.or_page(&ctx)?;
            render_edit(&s, &ctx, &w, &f, &widgets::Errors(errs), None, None).await
        }
        Err(AppError::Stale { .. }) => {
            let w = s.app.get_webhook(&ctx.actor, id).await.or_page(&ctx)?;
            render_edit(&s, &ctx, &w, &HookForm::of(&w), &Default::default(), None, Some(ctx.t(AdminMsg::StaleForm)))
                .await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

async fn render_confirm(s: &AppState, ctx: &Ctx, id: i64, problem: Option<&str>, status: StatusCode) -> UiResult {
    let w = s.app.get_webhook(&ctx.actor, id).await.or_page(ctx)?;
    let title = i18n::tf(ctx.lang, AdminMsg::WhDeleteTitle, &[("name", &w.name)]);
    let body = html! {
        h1 { (title) }
        (tabs(ctx))
        @if let Some(p) = problem { (widgets::alert(p, None)) }
        section.panel.narrow {
            p { code { (w.url) } }
            p { (ctx.t(AdminMsg::WhDeleteText)) }
            form method="post" action={ (PATH) "/" (id) "/delete" } {
                (widgets::csrf(&ctx.csrf))
                input type="hidden" name="version" value=(w.version);
                button.btn.btn-danger-quiet #confirm-delete type="submit" { (ctx.t(AdminMsg::Delete)) }
                " " a href={ (PATH) "/" (id) } { (ctx.t(Msg::Cancel)) }
            }
        }
    };
    Ok(html(status, layout::page(ctx, &title, body)))
}

pub async fn confirm_delete(State(s): State<AppState>, ctx: Ctx, id: Result<Path<i64>, PathRejection>) -> UiResult {
    admins_only(&ctx)?;
    let id = path_id(&ctx, id, "webhook")?;
    render_confirm(&s, &ctx, id, None, StatusCode::OK).await
}

pub async fn delete(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    Form(f): Form<super::VersionForm>,
) -> UiResult {
    admins_only(&ctx)?;
    let id = path_id(&ctx, id, "webhook")?;
    let version = f.version.trim().parse().ok();
    match s.app.delete_webhook(&ctx.actor, id, version).await {
        Ok(()) => see_other(&format!("{PATH}?m=deleted")),
        Err(AppError::Stale { .. }) => {
            render_confirm(&s, &ctx, id, Some(ctx.t(AdminMsg::StaleForm)), StatusCode::CONFLICT).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}
