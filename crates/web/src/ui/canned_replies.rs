//! `/settings/canned-replies`: the desk's canned replies. Staff read them;
//! managers and admins add, edit and delete them (the API does the same).

use super::desk_texts::DeskMsg;
use super::{Ctx, OrPage, UiResult, html, layout, see_other, staff_only, widgets};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{AppError, desk::CannedReplyInput};
use steward_domain::{Role, canned::PLACEHOLDERS};
use steward_store::desk::CannedReply;

pub const PATH: &str = "/settings/canned-replies";

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReplyForm {
    title: String,
    group: String,
    body_en: String,
    body_pl: String,
    version: String,
}

impl ReplyForm {
    fn of(r: &CannedReply) -> Self {
        ReplyForm {
            title: r.title.clone(),
            group: r.group_name.clone().unwrap_or_default(),
            body_en: r.body_en.clone(),
            body_pl: r.body_pl.clone().unwrap_or_default(),
            version: r.version.to_string(),
        }
    }

    fn input(&self) -> CannedReplyInput {
        CannedReplyInput {
            group: Some(self.group.clone()),
            title: self.title.clone(),
            body_en: self.body_en.clone(),
            body_pl: Some(self.body_pl.clone()),
        }
    }
}

fn manages(ctx: &Ctx) -> bool {
    matches!(ctx.actor.role, Role::Manager | Role::Admin)
}

/// The add form, or the edit form of reply `id`.
fn form(ctx: &Ctx, groups: &[String], f: &ReplyForm, id: Option<i64>, errs: &widgets::Errors) -> Markup {
    let field = |id, name, label| widgets::Field::new(ctx.lang, id, name, label, errs);
    let mut options = vec![(String::new(), ctx.t(DeskMsg::AllGroups).to_owned())];
    options.extend(groups.iter().map(|g| (g.clone(), g.clone())));
    let action = match id {
        Some(id) => format!("{PATH}/{id}"),
        None => PATH.to_owned(),
    };
    html! {
        form.reply-form method="post" action=(action) {
            (widgets::csrf(&ctx.csrf))
            input type="hidden" name="version" value=(f.version);
            (widgets::Field { required: true, ..field("reply-title", "title", ctx.t(Msg::Title)) }.input(&f.title))
            (field("reply-group", "group", ctx.t(DeskMsg::ReplyGroup)).select(&options, &f.group))
            (widgets::Field { required: true, ..field("reply-body-en", "body_en", ctx.t(DeskMsg::BodyEnglish)) }.textarea(&f.body_en, 5))
            (widgets::Field { hint: Some(ctx.t(DeskMsg::BodyPolishHint)), ..field("reply-body-pl", "body_pl", ctx.t(DeskMsg::BodyPolish)) }.textarea(&f.body_pl, 5))
            div.form-actions {
                button.btn.btn-primary #save-reply type="submit" { (if id.is_some() { ctx.t(Msg::Save) } else { ctx.t(DeskMsg::AddReply) }) }
                @if id.is_some() { a.btn.btn-quiet href=(PATH) { (ctx.t(Msg::Cancel)) } }
            }
        }
    }
}

fn placeholders() -> String {
    PLACEHOLDERS.iter().map(|(p, _)| format!("{{{p}}}")).collect::<Vec<_>>().join(", ")
}

async fn page(
    s: &AppState,
    ctx: &Ctx,
    f: &ReplyForm,
    errs: widgets::Errors,
    notice: Option<&str>,
    status: StatusCode,
) -> UiResult {
    let (replies, groups) =
        futures_util::try_join!(s.app.canned_replies(&ctx.actor), s.app.list_groups()).or_page(ctx)?;
    let groups: Vec<String> = groups.into_iter().map(|g| g.name).collect();
    let body = html! {
        div.narrow {
            h1 { (ctx.t(Msg::CannedRepliesTitle)) }
            p.lead { (i18n::tf(ctx.lang, DeskMsg::CannedIntro, &[("list", &placeholders())])) }
            @if let Some(n) = notice { (widgets::notice(n)) }
            section.panel aria-labelledby="replies-title" {
                h2.visually-hidden #replies-title { (ctx.t(Msg::CannedRepliesTitle)) }
                @if replies.is_empty() { p.muted { (ctx.t(DeskMsg::NoCannedReplies)) } }
                ul.reply-list {
                    @for r in &replies {
                        li.reply-item {
                            div.reply-head {
                                strong { (r.title) }
                                span.muted { " · " (r.group_name.as_deref().unwrap_or(ctx.t(DeskMsg::AllGroups))) }
                                @if manages(ctx) {
                                    a.btn.btn-small href={ (PATH) "/" (r.id) } { (ctx.t(Msg::Edit)) }
                                    form.inline method="post" action={ (PATH) "/" (r.id) "/delete" } data-confirm=(ctx.t(DeskMsg::ConfirmDeleteReply)) {
                                        (widgets::csrf(&ctx.csrf))
                                        input type="hidden" name="version" value=(r.version);
                                        button.btn.btn-small.btn-quiet type="submit" { (ctx.t(DeskMsg::DeleteReply)) }
                                    }
                                }
                            }
                            div.prose.reply-body lang="en" { (r.body_en) }
                            @if let Some(pl) = &r.body_pl { div.prose.reply-body lang="pl" { (pl) } }
                        }
                    }
                }
            }
            @if manages(ctx) {
                section.panel aria-labelledby="add-reply-title" {
                    h2 #add-reply-title { (ctx.t(DeskMsg::AddReply)) }
                    (form(ctx, &groups, f, None, &errs))
                }
            }
        }
    };
    Ok(html(status, layout::page(ctx, ctx.t(Msg::CannedRepliesTitle), body)))
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    m: Option<String>,
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, Query(q): Query<PageQuery>) -> UiResult {
    staff_only(&ctx)?;
    let notice = match q.m.as_deref() {
        Some("saved") => Some(ctx.t(DeskMsg::FlashReplySaved)),
        Some("deleted") => Some(ctx.t(DeskMsg::FlashReplyDeleted)),
        _ => None,
    };
    page(&s, &ctx, &ReplyForm::default(), widgets::Errors::default(), notice, StatusCode::OK).await
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(f): Form<ReplyForm>) -> UiResult {
    match s.app.create_canned_reply(&ctx.actor, f.input()).await {
        Ok(_) => see_other(&format!("{PATH}?m=saved")),
        Err(AppError::Invalid(errs)) => {
            let errs = super::desk::errors(errs);
            page(&s, &ctx, &f, errs, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

async fn edit_page(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    f: &ReplyForm,
    errs: widgets::Errors,
    stale: bool,
    status: StatusCode,
) -> UiResult {
    let groups: Vec<String> = s.app.list_groups().await.or_page(ctx)?.into_iter().map(|g| g.name).collect();
    let body = html! {
        div.narrow {
            h1 { (ctx.t(DeskMsg::EditReplyTitle)) }
            p.lead { (i18n::tf(ctx.lang, DeskMsg::CannedIntro, &[("list", &placeholders())])) }
            @if stale { (widgets::alert(ctx.t(Msg::StaleAction), Some((&format!("{PATH}/{id}"), ctx.t(Msg::ReloadLatest))))) }
            section.panel { (form(ctx, &groups, f, Some(id), &errs)) }
        }
    };
    Ok(html(status, layout::page(ctx, ctx.t(DeskMsg::EditReplyTitle), body)))
}

pub async fn edit(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> UiResult {
    if !manages(&ctx) {
        return Err(ctx.fail(AppError::Forbidden(
            steward_app::Code::DenyCannedReplies.msg("only managers and admins can manage canned replies"),
        )));
    }
    let r = s.app.canned_reply(&ctx.actor, id).await.or_page(&ctx)?;
    edit_page(&s, &ctx, id, &ReplyForm::of(&r), widgets::Errors::default(), false, StatusCode::OK).await
}

pub async fn update(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<ReplyForm>) -> UiResult {
    let version = f.version.trim().parse().ok();
    match s.app.update_canned_reply(&ctx.actor, id, version, f.input()).await {
        Ok(_) => see_other(&format!("{PATH}?m=saved")),
        Err(AppError::Invalid(errs)) => {
            let errs = super::desk::errors(errs);
            edit_page(&s, &ctx, id, &f, errs, false, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Stale { .. } | AppError::VersionRequired) => {
            edit_page(&s, &ctx, id, &f, widgets::Errors::default(), true, StatusCode::CONFLICT).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn delete(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>, Form(f): Form<ReplyForm>) -> UiResult {
    s.app.delete_canned_reply(&ctx.actor, id, f.version.trim().parse().ok()).await.or_page(&ctx)?;
    see_other(&format!("{PATH}?m=deleted"))
}
