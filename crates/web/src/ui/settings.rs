//! `/settings`: who the user is; their language and time zone, password
//! (the current one required), two-step sign-in, sessions and API tokens
//! (each revocable),
//! email notifications; for staff the way to the service-level settings.

use super::{Ctx, OrPage, UiResult, fmt, html, layout, see_other, settings_texts::SettingsMsg, widgets};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
};
use maud::html;
use serde::Deserialize;
use steward_app::AppError;

/// The user's own settings: routes, no navigation entry (the top bar's
/// name links here).
pub const AREA: super::area::Area = super::area::Area { routes, nav: &[] };

fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/settings", get(show).post(save))
        .route("/settings/notifications", post(save_notifications))
        .route("/settings/password", post(change_password))
        .route("/settings/sessions/{id}/end", post(end_session))
        .route("/settings/sessions/end-others", post(end_other_sessions))
        .route("/settings/tokens/{id}/revoke", post(revoke_token))
        .merge(super::calendar_feeds::routes())
        .merge(super::two_factor::routes())
}

#[derive(Deserialize, Default)]
pub struct SettingsQuery {
    m: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    /// `en`, `pl`, or empty for the browser's language.
    locale: String,
    /// An IANA zone, or empty for UTC.
    time_zone: String,
}

/// The optional notifications, by event name, with their labels.
const OPTIONAL: [(&str, &str, SettingsMsg); 4] = [
    ("commented", steward_app::notify::COMMENTED, SettingsMsg::OptCommented),
    ("work_note", steward_app::notify::WORK_NOTE, SettingsMsg::OptWorkNote),
    ("assigned", steward_app::notify::ASSIGNED, SettingsMsg::OptAssigned),
    ("sla_warning", steward_app::notify::SLA_WARNING, SettingsMsg::OptSlaWarning),
];

/// The boxes of the notifications form: ticked = send it to me.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NotificationsForm {
    commented: Option<String>,
    work_note: Option<String>,
    assigned: Option<String>,
    sla_warning: Option<String>,
}

fn notifications_form(ctx: &Ctx, optouts: &[String]) -> maud::Markup {
    html! {
        section.panel aria-labelledby="notifications-title" {
            h2 #notifications-title { (ctx.t(SettingsMsg::EmailNotifications)) }
            p.muted { (ctx.t(SettingsMsg::EmailNotificationsHint)) }
            form method="post" action="/settings/notifications" {
                (widgets::csrf(&ctx.csrf))
                fieldset.field.choices {
                    legend.visually-hidden { (ctx.t(SettingsMsg::EmailNotifications)) }
                    @for (name, event, label) in OPTIONAL {
                        label.choice {
                            input type="checkbox" name=(name) value="1" id={ "opt-" (name) } checked[!optouts.iter().any(|o| o == event)];
                            " " (ctx.t(label))
                        }
                    }
                }
                button.btn.btn-primary type="submit" #save-notifications { (ctx.t(Msg::Save)) }
            }
        }
    }
}

pub async fn save_notifications(State(s): State<AppState>, ctx: Ctx, Form(f): Form<NotificationsForm>) -> UiResult {
    let ticked = [f.commented, f.work_note, f.assigned, f.sla_warning];
    let off: Vec<String> = OPTIONAL
        .iter()
        .zip(ticked)
        .filter(|(_, on)| on.is_none())
        .map(|((_, event, _), _)| (*event).to_owned())
        .collect();
    s.app.set_my_optouts(&ctx.actor, off).await.or_page(&ctx)?;
    see_other("/settings?m=saved")
}

/// What a re-rendered settings page keeps: a rejected form's values and
/// messages.
#[derive(Default)]
pub(super) struct Drafts {
    profile: Option<(SettingsForm, widgets::Errors)>,
    password: widgets::Errors,
    two_factor: super::two_factor::Draft,
}

impl Drafts {
    /// The page again with the two-step sign-in panel's draft.
    pub(super) fn two_factor(draft: super::two_factor::Draft) -> Self {
        Drafts { two_factor: draft, ..Default::default() }
    }
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, Query(q): Query<SettingsQuery>) -> UiResult {
    render(&s, &ctx, q.m.as_deref(), Drafts::default()).await
}

pub(super) async fn render(s: &AppState, ctx: &Ctx, flash: Option<&str>, drafts: Drafts) -> UiResult {
    let groups = s.app.list_groups().await.or_page(ctx)?;
    let optouts = s.app.my_optouts(&ctx.actor).await.or_page(ctx)?;
    let sessions = s.app.my_sessions(&ctx.actor, Some(&ctx.token)).await.or_page(ctx)?;
    let tokens = s.app.list_tokens(&ctx.actor).await.or_page(ctx)?;
    let feeds = super::calendar_feeds::panel(s, ctx).await?;
    let two_factor = super::two_factor::panel(s, ctx, &drafts.two_factor).await?;
    let mine: Vec<String> =
        groups.into_iter().filter(|g| ctx.actor.group_ids.contains(&g.id)).map(|g| g.name).collect();
    let flash = match flash {
        Some("saved") => Some(ctx.t(SettingsMsg::FlashSettings)),
        Some("password") => Some(ctx.t(SettingsMsg::FlashPassword)),
        Some("session") => Some(ctx.t(SettingsMsg::FlashSessionEnded)),
        Some("token") => Some(ctx.t(Msg::FlashTokenRevoked)),
        Some("feed") => Some(ctx.t(super::calendar_texts::CalMsg::FeedsFlashRevoked)),
        Some("two_factor_on") => Some(ctx.t(SettingsMsg::FlashTwoFactorOn)),
        Some("two_factor_off") => Some(ctx.t(SettingsMsg::FlashTwoFactorOff)),
        Some("recovery_codes") => Some(ctx.t(SettingsMsg::FlashRecoveryCodes)),
        _ => None,
    };
    let status = if drafts.profile.is_some() || !drafts.password.is_empty() || drafts.two_factor.is_refusal() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let body = html! {
        div.narrow {
            h1 { (ctx.t(SettingsMsg::SettingsTitle)) }
            @if let Some(m) = flash { (widgets::notice(m)) }
            section.panel aria-labelledby="account-title" {
                h2 #account-title { (ctx.t(SettingsMsg::Account)) }
                dl.details {
                    dt { (ctx.t(Msg::Username)) } dd { (ctx.actor.username) }
                    dt { (ctx.t(Msg::Role)) } dd { (i18n::role(ctx.lang, ctx.actor.role)) }
                    dt { (ctx.t(Msg::Groups)) }
                    dd { @if mine.is_empty() { span.muted { (ctx.t(SettingsMsg::NoneYet)) } } @else { (mine.join(", ")) } }
                }
                @if ctx.actor.role == steward_domain::Role::Admin {
                    p {
                        a #admin-users href="/admin/users" { (ctx.t(Msg::AdminUsers)) } " · "
                        a #admin-notifications href="/admin/notifications" { (ctx.t(Msg::NotificationsTitle)) }
                    }
                }
            }
            @if ctx.actor.is_staff() {
                section.panel aria-labelledby="sl-title" {
                    h2 #sl-title { (ctx.t(Msg::ServiceLevelsTitle)) }
                    p { a #service-levels-link href=(super::service_levels::PATH) { (ctx.t(SettingsMsg::ServiceLevelsLink)) " →" } }
                    p { a #canned-replies-link href=(super::canned_replies::PATH) { (ctx.t(Msg::CannedRepliesTitle)) " →" } }
                }
            }
            (profile_form(ctx, drafts.profile))
            (password_form(ctx, s.app.config.password_min_length, &drafts.password))
            (two_factor)
            (sessions_panel(ctx, &sessions))
            (tokens_panel(ctx, &tokens))
            (feeds)
            (notifications_form(ctx, &optouts))
        }
    };
    Ok(html(status, layout::page(ctx, ctx.t(SettingsMsg::SettingsTitle), body)))
}

fn profile_form(ctx: &Ctx, draft: Option<(SettingsForm, widgets::Errors)>) -> maud::Markup {
    let (form, errors) = draft.unwrap_or_else(|| {
        let saved = SettingsForm {
            locale: ctx.actor.locale.clone().unwrap_or_default(),
            time_zone: ctx.actor.time_zone.clone().unwrap_or_default(),
        };
        (saved, widgets::Errors::default())
    });
    let options = [("", SettingsMsg::LangBrowser), ("en", SettingsMsg::LangEnglish), ("pl", SettingsMsg::LangPolish)];
    let zone = widgets::Field {
        hint: Some(ctx.t(Msg::UserTimeZoneHint)),
        list: Some("zones"),
        autocomplete: Some("off"),
        placeholder: Some("Europe/Warsaw"),
        ..widgets::Field::new(ctx.lang, "time-zone", "time_zone", ctx.t(Msg::UserTimeZone), &errors)
    };
    html! {
        section.panel aria-labelledby="profile-title" {
            h2 #profile-title { (ctx.t(SettingsMsg::Profile)) }
            form method="post" action="/settings" {
                (widgets::csrf(&ctx.csrf))
                fieldset.field.choices {
                    legend { (ctx.t(SettingsMsg::Language)) }
                    @for (code, label) in options {
                        // Each language names itself, so anyone can find theirs.
                        label.choice lang=[(!code.is_empty()).then_some(code)] {
                            input type="radio" name="locale" value=(code) checked[code == form.locale]; " " (ctx.t(label))
                        }
                    }
                    @if let Some(e) = errors.get("locale") { p.field-error { (widgets::sentence(&i18n::app_message(ctx.lang, e))) } }
                }
                (zone.input(&form.time_zone))
                datalist #zones { @for z in steward_domain::zone::all_names() { option value=(z) {} } }
                button.btn.btn-primary type="submit" #save-profile { (ctx.t(Msg::Save)) }
            }
        }
    }
}

fn password_form(ctx: &Ctx, min_length: usize, errors: &widgets::Errors) -> maud::Markup {
    let hint = i18n::tf(ctx.lang, SettingsMsg::PasswordHint, &[("n", &min_length.to_string())]);
    let field = |id, name, label, autocomplete| widgets::Field {
        kind: Some("password"),
        required: true,
        autocomplete: Some(autocomplete),
        ..widgets::Field::new(ctx.lang, id, name, label, errors)
    };
    html! {
        section.panel aria-labelledby="password-title" {
            h2 #password-title { (ctx.t(SettingsMsg::ChangePassword)) }
            form method="post" action="/settings/password" {
                (widgets::csrf(&ctx.csrf))
                (field("current-password", "current_password", ctx.t(SettingsMsg::CurrentPassword), "current-password").input(""))
                (widgets::Field { hint: Some(&hint), ..field("new-password", "password", ctx.t(Msg::NewPassword), "new-password") }.input(""))
                (field("repeat-password", "password_again", ctx.t(SettingsMsg::RepeatPassword), "new-password").input(""))
                button.btn.btn-primary type="submit" #change-password { (ctx.t(SettingsMsg::ChangePassword)) }
            }
        }
    }
}

/// "Firefox on Linux" from a User-Agent header; the full text is in the tooltip.
fn browser(ua: &str) -> Option<String> {
    let name = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .into_iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, n)| n)?;
    let os = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, n)| n);
    Some(match os {
        Some(os) => format!("{name} · {os}"),
        None => name.to_owned(),
    })
}

fn sessions_panel(ctx: &Ctx, sessions: &[steward_app::sessions::SessionView]) -> maud::Markup {
    let now = fmt::now_micros();
    html! {
        section.panel aria-labelledby="sessions-title" {
            h2 #sessions-title { (ctx.t(SettingsMsg::YourSessions)) }
            p.muted { (ctx.t(SettingsMsg::SessionsHint)) }
            div.table-wrap { table #sessions {
                thead { tr {
                    th scope="col" { (ctx.t(SettingsMsg::Browser)) } th scope="col" { (ctx.t(SettingsMsg::SignedInAt)) }
                    th scope="col" { (ctx.t(SettingsMsg::LastSeen)) } th scope="col" { span.visually-hidden { (ctx.t(SettingsMsg::EndSession)) } }
                } }
                tbody {
                    @for v in sessions {
                        tr data-session=(v.info.id) {
                            td title=(v.info.user_agent) { (browser(&v.info.user_agent).unwrap_or_else(|| ctx.t(SettingsMsg::UnknownBrowser).to_owned())) }
                            td { (widgets::time(ctx.lang, v.info.created_at, now)) }
                            td { (widgets::time(ctx.lang, v.info.last_seen_at, now)) }
                            td {
                                @if v.current { span.badge { (ctx.t(SettingsMsg::ThisSession)) } } @else {
                                    form method="post" action={ "/settings/sessions/" (v.info.id) "/end" } {
                                        (widgets::csrf(&ctx.csrf))
                                        button.btn.btn-quiet type="submit" { (ctx.t(SettingsMsg::EndSession)) }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
            @if sessions.len() > 1 {
                form method="post" action="/settings/sessions/end-others" {
                    (widgets::csrf(&ctx.csrf))
                    button.btn type="submit" #end-other-sessions { (ctx.t(SettingsMsg::EndOtherSessions)) }
                }
            }
        }
    }
}

fn tokens_panel(ctx: &Ctx, tokens: &[steward_store::accounts::ApiToken]) -> maud::Markup {
    html! {
        section.panel aria-labelledby="tokens-title" {
            h2 #tokens-title { (ctx.t(SettingsMsg::YourTokens)) }
            p.muted { (ctx.t(SettingsMsg::TokensHint)) }
            @if tokens.is_empty() { p.muted { (ctx.t(SettingsMsg::NoTokens)) } } @else {
                (tokens_table(ctx, tokens, "tokens", "/settings/tokens/"))
            }
        }
    }
}

/// API tokens with a revoke button each, posting to `{action}{id}/revoke`
/// (one's own on the settings page, a user's on the admin page).
pub(super) fn tokens_table(
    ctx: &Ctx,
    tokens: &[steward_store::accounts::ApiToken],
    id: &str,
    action: &str,
) -> maud::Markup {
    let now = fmt::now_micros();
    html! {
        div.table-wrap { table id=(id) {
            thead { tr {
                th scope="col" { (ctx.t(SettingsMsg::TokenName)) } th scope="col" { (ctx.t(SettingsMsg::TokenCreated)) }
                th scope="col" { (ctx.t(SettingsMsg::LastSeen)) } th scope="col" { span.visually-hidden { (ctx.t(SettingsMsg::RevokeToken)) } }
            } }
            tbody {
                @for t in tokens {
                    tr data-token=(t.id) {
                        td { (t.name) }
                        td { (widgets::time(ctx.lang, t.created_at, now)) }
                        td { (widgets::opt_time(ctx.lang, t.last_used_at, now)) }
                        td {
                            @if let Some(at) = t.revoked_at { (ctx.t(SettingsMsg::TokenRevoked)) " " (widgets::time(ctx.lang, at, now)) } @else {
                                form method="post" action={ (action) (t.id) "/revoke" } {
                                    (widgets::csrf(&ctx.csrf))
                                    button.btn.btn-quiet type="submit" aria-label={ (ctx.t(SettingsMsg::RevokeToken)) " " (t.name) } { (ctx.t(SettingsMsg::RevokeToken)) }
                                }
                            }
                        }
                    }
                }
            }
        } }
    }
}

/// A rejected form's messages, or the error page for anything else.
fn field_errors(ctx: &Ctx, e: AppError) -> Result<widgets::Errors, super::Failure> {
    match e {
        AppError::Invalid(errs) => Ok(widgets::Errors(errs)),
        other => Err(ctx.fail(other)),
    }
}

pub async fn save(State(s): State<AppState>, ctx: Ctx, Form(f): Form<SettingsForm>) -> UiResult {
    match s.app.update_profile(&ctx.actor, Some(&f.locale), Some(&f.time_zone)).await {
        Ok(()) => see_other("/settings?m=saved"),
        Err(e) => {
            let errors = field_errors(&ctx, e)?;
            render(&s, &ctx, None, Drafts { profile: Some((f, errors)), ..Default::default() }).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
    password: String,
    password_again: String,
}

pub async fn change_password(State(s): State<AppState>, ctx: Ctx, Form(f): Form<PasswordForm>) -> UiResult {
    let result = if f.password != f.password_again {
        Err(AppError::field("password_again", crate::i18n_codes::ui(steward_app::Code::PasswordsDiffer, &[])))
    } else {
        s.app.change_own_password(&ctx.actor, Some(&ctx.token), &f.current_password, &f.password).await
    };
    match result {
        Ok(()) => see_other("/settings?m=password"),
        Err(e) => {
            let password = field_errors(&ctx, e)?;
            render(&s, &ctx, None, Drafts { password, ..Default::default() }).await
        }
    }
}

pub async fn end_session(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> UiResult {
    s.app.revoke_my_session(&ctx.actor, id).await.or_page(&ctx)?;
    see_other("/settings?m=session")
}

pub async fn end_other_sessions(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    for v in s.app.my_sessions(&ctx.actor, Some(&ctx.token)).await.or_page(&ctx)? {
        if !v.current {
            s.app.revoke_my_session(&ctx.actor, v.info.id).await.or_page(&ctx)?;
        }
    }
    see_other("/settings?m=session")
}

pub async fn revoke_token(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> UiResult {
    s.app.revoke_token(Some(&ctx.actor), id).await.or_page(&ctx)?;
    see_other("/settings?m=token")
}
