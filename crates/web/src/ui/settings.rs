//! `/settings`: the user's language (or the browser's), and who they are.

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

pub async fn show(State(s): State<AppState>, ctx: Ctx, Query(q): Query<SettingsQuery>) -> UiResult {
    let groups = s.app.list_groups().await.or_page(&ctx)?;
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
