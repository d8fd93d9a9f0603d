//! `/admin/groups` and `/admin/organisations`: admins create groups, add
//! and remove members and choose each group's manager; and add, rename
//! (under the version read) and delete organisations.

use super::admin_users::{admins_only, tabs};
use super::{Ctx, OrPage, UiResult, admin_texts::AdminMsg, html, layout, see_other, widgets};
use crate::{AppState, auth::urlencode, i18n::Msg};
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
};
use maud::html;
use serde::Deserialize;
use steward_app::AppError;

#[derive(Deserialize, Default)]
pub struct FlashQuery {
    m: Option<String>,
}

/// A failed form post: its message at the top of the page it came from.
pub(super) struct Problem {
    message: String,
}

fn problem_of(ctx: &Ctx, e: AppError) -> Result<Problem, super::Failure> {
    match e {
        AppError::Invalid(errs) => Ok(Problem {
            message: errs
                .iter()
                .map(|e| widgets::sentence(&crate::i18n::app_message(ctx.lang, e)))
                .collect::<Vec<_>>()
                .join(" "),
        }),
        AppError::Stale { .. } => Ok(Problem { message: ctx.t(AdminMsg::StaleForm).to_owned() }),
        other => Err(ctx.fail(other)),
    }
}

pub async fn groups(State(s): State<AppState>, ctx: Ctx, Query(q): Query<FlashQuery>) -> UiResult {
    admins_only(&ctx)?;
    render_groups(&s, &ctx, q.m.as_deref(), None, None).await
}

pub(super) async fn render_groups(
    s: &AppState,
    ctx: &Ctx,
    flash: Option<&str>,
    problem: Option<Problem>,
    ola: Option<super::admin_ola::OlaProblem>,
) -> UiResult {
    let groups = s.app.list_groups().await.or_page(ctx)?;
    let calendars = s.app.list_calendars(&ctx.actor).await.or_page(ctx)?;
    let olas = s.app.list_olas(&ctx.actor).await.or_page(ctx)?;
    let users = s.app.list_users(Some(&ctx.actor)).await.or_page(ctx)?;
    let staff: Vec<&steward_store::accounts::User> =
        users.iter().filter(|u| u.role != "requester" && u.active == 1).collect();
    let mut rows = Vec::new();
    for g in &groups {
        let members = s.app.group_members(g.id).await.or_page(ctx)?;
        let manager = s.app.group_manager(g.id).await.or_page(ctx)?;
        rows.push((g, members, manager));
    }
    let body = html! {
        h1 { (ctx.t(AdminMsg::AdminGroups)) }
        (tabs(ctx))
        @if flash == Some("saved") { (widgets::notice(ctx.t(AdminMsg::FlashGroupSaved))) }
        @if flash == Some("ola") { (widgets::notice(ctx.t(AdminMsg::OlaFlashSaved))) }
        @if flash == Some("ola_removed") { (widgets::notice(ctx.t(AdminMsg::OlaFlashRemoved))) }
        @if let Some(p) = &problem { (widgets::alert(&p.message, None)) }
        @for (g, members, manager) in &rows {
            @let path = format!("/admin/groups/{}", urlencode(&g.name));
            section.panel data-group=(g.name) aria-labelledby={ "group-" (g.id) } {
                h2 id={ "group-" (g.id) } { (g.name) }
                @if !g.description.is_empty() { p.muted { (g.description) } }
                h3 { (ctx.t(AdminMsg::Members)) }
                ul.members {
                    @for m in members {
                        li {
                            a href={ "/admin/users/" (urlencode(&m.username)) } { (m.display_name) } " "
                            form.inline method="post" action={ (path) "/members/" (urlencode(&m.username)) "/remove" } {
                                (widgets::csrf(&ctx.csrf))
                                button.btn.btn-quiet type="submit" aria-label={ (ctx.t(AdminMsg::RemoveMember)) " " (m.display_name) } { (ctx.t(AdminMsg::RemoveMember)) }
                            }
                        }
                    }
                }
                form method="post" action={ (path) "/members" } {
                    (widgets::csrf(&ctx.csrf))
                    label for={ "add-" (g.id) } { (ctx.t(AdminMsg::AddMember)) } " "
                    select id={ "add-" (g.id) } name="username" {
                        @for u in &staff { @if !members.iter().any(|m| m.id == u.id) { option value=(u.username) { (u.display_name) } } }
                    }
                    " " button.btn type="submit" { (ctx.t(AdminMsg::AddMember)) }
                }
                form method="post" action={ (path) "/manager" } {
                    (widgets::csrf(&ctx.csrf))
                    label for={ "manager-" (g.id) } { (ctx.t(AdminMsg::GroupManager)) } " "
                    select id={ "manager-" (g.id) } name="manager" {
                        option value="" { (ctx.t(AdminMsg::NoManager)) }
                        @for u in &staff { option value=(u.username) selected[*manager == Some(u.id)] { (u.display_name) } }
                    }
                    " " button.btn type="submit" { (ctx.t(Msg::Save)) }
                }
                (super::admin_ola::section(ctx, g, olas.iter().find(|o| o.group_id == g.id), &calendars, ola.as_ref()))
            }
        }
        section.panel.narrow aria-labelledby="new-group-title" {
            h2 #new-group-title { (ctx.t(AdminMsg::NewGroup)) }
            form method="post" action="/admin/groups" {
                (widgets::csrf(&ctx.csrf))
                (widgets::Field { required: true, ..widgets::Field::new(ctx.lang, "group-name", "name", ctx.t(AdminMsg::GroupName), &Default::default()) }.input(""))
                (widgets::Field::new(ctx.lang, "group-description", "description", ctx.t(AdminMsg::GroupDescription), &Default::default()).input(""))
                button.btn.btn-primary type="submit" #create-group { (ctx.t(AdminMsg::CreateGroup)) }
            }
        }
    };
    let status = if problem.is_some() || ola.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(html(status, layout::page(ctx, ctx.t(AdminMsg::AdminGroups), body)))
}

/// Runs an admin change to groups; back to the page with a message or the problem.
async fn group_change(s: &AppState, ctx: &Ctx, r: Result<(), AppError>) -> UiResult {
    match r {
        Ok(()) => see_other("/admin/groups?m=saved"),
        Err(e) => render_groups(s, ctx, None, Some(problem_of(ctx, e)?), None).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GroupForm {
    name: String,
    description: String,
}

pub async fn create_group(State(s): State<AppState>, ctx: Ctx, Form(f): Form<GroupForm>) -> UiResult {
    admins_only(&ctx)?;
    let r = s.app.add_group(Some(&ctx.actor), &f.name, &f.description).await.map(|_| ());
    group_change(&s, &ctx, r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MemberForm {
    username: String,
    manager: String,
}

pub async fn add_member(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(name): Path<String>,
    Form(f): Form<MemberForm>,
) -> UiResult {
    admins_only(&ctx)?;
    let r = s.app.add_member(Some(&ctx.actor), &name, &f.username).await;
    group_change(&s, &ctx, r).await
}

pub async fn remove_member(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((name, username)): Path<(String, String)>,
) -> UiResult {
    admins_only(&ctx)?;
    let r = s.app.remove_member(&ctx.actor, &name, &username).await;
    group_change(&s, &ctx, r).await
}

pub async fn set_manager(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(name): Path<String>,
    Form(f): Form<MemberForm>,
) -> UiResult {
    admins_only(&ctx)?;
    let manager = Some(f.manager.trim()).filter(|m| !m.is_empty());
    let r = s.app.set_group_manager(&ctx.actor, &name, manager).await;
    group_change(&s, &ctx, r).await
}

pub async fn organisations(State(s): State<AppState>, ctx: Ctx, Query(q): Query<FlashQuery>) -> UiResult {
    admins_only(&ctx)?;
    render_organisations(&s, &ctx, q.m.as_deref(), None).await
}

async fn render_organisations(s: &AppState, ctx: &Ctx, flash: Option<&str>, problem: Option<Problem>) -> UiResult {
    let orgs = s.app.list_organisations().await.or_page(ctx)?;
    let flash = match flash {
        Some("saved") => Some(AdminMsg::FlashOrganisationSaved),
        Some("deleted") => Some(AdminMsg::FlashOrganisationDeleted),
        _ => None,
    };
    let body = html! {
        h1 { (ctx.t(AdminMsg::AdminOrganisations)) }
        (tabs(ctx))
        @if let Some(m) = flash { (widgets::notice(ctx.t(m))) }
        @if let Some(p) = &problem { (widgets::alert(&p.message, None)) }
        div.narrow {
            @for o in &orgs {
                section.panel data-organisation=(o.name) {
                    form method="post" action={ "/admin/organisations/" (o.id) } {
                        (widgets::csrf(&ctx.csrf))
                        input type="hidden" name="version" value=(o.version);
                        label for={ "org-" (o.id) } { (ctx.t(AdminMsg::Organisation_)) } " "
                        input id={ "org-" (o.id) } type="text" name="name" value=(o.name) required;
                        " " button.btn type="submit" { (ctx.t(AdminMsg::Rename)) }
                    }
                    form method="post" action={ "/admin/organisations/" (o.id) "/delete" } {
                        (widgets::csrf(&ctx.csrf))
                        input type="hidden" name="version" value=(o.version);
                        button.btn.btn-danger-quiet type="submit" aria-label={ (ctx.t(AdminMsg::Delete)) " " (o.name) } { (ctx.t(AdminMsg::Delete)) }
                    }
                }
            }
            section.panel aria-labelledby="new-org-title" {
                h2 #new-org-title { (ctx.t(AdminMsg::NewOrganisation)) }
                form method="post" action="/admin/organisations" {
                    (widgets::csrf(&ctx.csrf))
                    (widgets::Field { required: true, ..widgets::Field::new(ctx.lang, "org-name", "name", ctx.t(AdminMsg::GroupName), &Default::default()) }.input(""))
                    button.btn.btn-primary type="submit" #create-organisation { (ctx.t(AdminMsg::CreateOrganisation)) }
                }
            }
        }
    };
    let status = if problem.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(html(status, layout::page(ctx, ctx.t(AdminMsg::AdminOrganisations), body)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrganisationForm {
    name: String,
    version: i64,
}

async fn organisation_change(s: &AppState, ctx: &Ctx, r: Result<(), AppError>, done: &str) -> UiResult {
    match r {
        Ok(()) => see_other(&format!("/admin/organisations?m={done}")),
        Err(e) => render_organisations(s, ctx, None, Some(problem_of(ctx, e)?)).await,
    }
}

pub async fn create_organisation(State(s): State<AppState>, ctx: Ctx, Form(f): Form<OrganisationForm>) -> UiResult {
    admins_only(&ctx)?;
    let r = s.app.create_organisation(&ctx.actor, &f.name).await.map(|_| ());
    organisation_change(&s, &ctx, r, "saved").await
}

pub async fn rename_organisation(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<OrganisationForm>,
) -> UiResult {
    admins_only(&ctx)?;
    let r = s.app.rename_organisation(&ctx.actor, id, f.version, &f.name).await.map(|_| ());
    organisation_change(&s, &ctx, r, "saved").await
}

pub async fn delete_organisation(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<OrganisationForm>,
) -> UiResult {
    admins_only(&ctx)?;
    let r = s.app.delete_organisation(&ctx.actor, id, f.version).await;
    organisation_change(&s, &ctx, r, "deleted").await
}
