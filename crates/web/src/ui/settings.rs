//! `/settings`: the user's language (or the browser's), who they are, and
//! for staff the way to the service-level settings.

use super::{Ctx, OrPage, UiResult, html, layout, see_other, widgets};
use crate::{
    AppState,
    i18n::{self, Lang, Msg},
};
use axum::{
    Form,
    extract::{Query, State},
    http::StatusCode,
};
use maud::html;
use serde::Deserialize;
use steward_app::AppError;

#[derive(Deserialize, Default)]
pub struct SettingsQuery {
    m: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    /// `en`, `pl`, or empty for the browser's language.
    locale: String,
}

/// The optional notifications, by event name, with their labels.
const OPTIONAL: [(&str, &str, Msg); 4] = [
    ("commented", steward_app::notify::COMMENTED, Msg::OptCommented),
    ("work_note", steward_app::notify::WORK_NOTE, Msg::OptWorkNote),
    ("assigned", steward_app::notify::ASSIGNED, Msg::OptAssigned),
    ("sla_warning", steward_app::notify::SLA_WARNING, Msg::OptSlaWarning),
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
            h2 #notifications-title { (ctx.t(Msg::EmailNotifications)) }
            p.muted { (ctx.t(Msg::EmailNotificationsHint)) }
            form method="post" action="/settings/notifications" {
                (widgets::csrf(&ctx.csrf))
                fieldset.field.choices {
                    legend.visually-hidden { (ctx.t(Msg::EmailNotifications)) }
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

pub async fn show(State(s): State<AppState>, ctx: Ctx, Query(q): Query<SettingsQuery>) -> UiResult {
    let groups = s.app.list_groups().await.or_page(&ctx)?;
    let optouts = s.app.my_optouts(&ctx.actor).await.or_page(&ctx)?;
    let mine: Vec<String> =
        groups.into_iter().filter(|g| ctx.actor.group_ids.contains(&g.id)).map(|g| g.name).collect();
    let current = ctx.actor.locale.clone().unwrap_or_default();
    let options = [("", Msg::LangBrowser), ("en", Msg::LangEnglish), ("pl", Msg::LangPolish)];
    let body = html! {
        div.narrow {
            h1 { (ctx.t(Msg::SettingsTitle)) }
            @if q.m.as_deref() == Some("saved") { (widgets::notice(ctx.t(Msg::FlashSettings))) }
            section.panel aria-labelledby="account-title" {
                h2 #account-title { (ctx.t(Msg::Account)) }
                dl.details {
                    dt { (ctx.t(Msg::Username)) } dd { (ctx.actor.username) }
                    dt { (ctx.t(Msg::Role)) } dd { (i18n::role(ctx.lang, ctx.actor.role)) }
                    dt { (ctx.t(Msg::Groups)) }
                    dd { @if mine.is_empty() { span.muted { (ctx.t(Msg::NoneYet)) } } @else { (mine.join(", ")) } }
                }
                @if ctx.actor.role == steward_domain::Role::Admin {
                    p { a #admin-notifications href="/admin/notifications" { (ctx.t(Msg::NotificationsTitle)) } }
                }
            }
            @if ctx.actor.is_staff() {
                section.panel aria-labelledby="sl-title" {
                    h2 #sl-title { (ctx.t(Msg::ServiceLevelsTitle)) }
                    p { a #service-levels-link href=(super::service_levels::PATH) { (ctx.t(Msg::ServiceLevelsLink)) " →" } }
                    p { a #canned-replies-link href=(super::canned_replies::PATH) { (ctx.t(Msg::CannedRepliesTitle)) " →" } }
                }
            }
            section.panel {
                form method="post" action="/settings" {
                    (widgets::csrf(&ctx.csrf))
                    fieldset.field.choices {
                        legend { (ctx.t(Msg::Language)) }
                        @for (code, label) in options {
                            // Each language names itself, so anyone can find theirs.
                            label.choice lang=[(!code.is_empty()).then_some(code)] {
                                input type="radio" name="locale" value=(code) checked[code == current]; " " (ctx.t(label))
                            }
                        }
                    }
                    button.btn.btn-primary type="submit" { (ctx.t(Msg::Save)) }
                }
            }
            (notifications_form(&ctx, &optouts))
        }
    };
    Ok(html(StatusCode::OK, layout::page(&ctx, ctx.t(Msg::SettingsTitle), body)))
}

pub async fn save(State(s): State<AppState>, ctx: Ctx, Form(f): Form<SettingsForm>) -> UiResult {
    let locale = Lang::from_code(&f.locale).map(|l| l.code().to_owned());
    if !f.locale.is_empty() && locale.is_none() {
        return Err(ctx.fail(AppError::field("locale", "must be en or pl")));
    }
    s.app.set_locale(&ctx.actor, locale).await.or_page(&ctx)?;
    see_other("/settings?m=saved")
}
