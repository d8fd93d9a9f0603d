//! `/admin/users`: admins list and create users, and on a user's page
//! change their role, groups, organisation, zone and whether they may sign
//! in (guarded by the version the form was read at: unticking it is the
//! leaver procedure), set a new password, end their sessions and revoke
//! their API tokens.

use super::{Ctx, Failure, OrPage, UiResult, admin_texts::AdminMsg, html, layout, see_other, widgets};
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
use steward_app::{
    AppError,
    accounts::NewUser,
    users::{UserDetail, UserPatch},
};
use steward_domain::Role;

/// Admin pages refuse everyone else with the reason.
pub fn admins_only(ctx: &Ctx) -> Result<(), Failure> {
    if ctx.actor.role == Role::Admin {
        Ok(())
    } else {
        Err(ctx.fail(AppError::Forbidden(crate::i18n_codes::ui(steward_app::Code::DenyAdminPage, &[]))))
    }
}

/// The tabs of the admin screens.
pub fn tabs(ctx: &Ctx) -> Markup {
    let items = [
        ("/admin/users", ctx.t(Msg::AdminUsers)),
        ("/admin/groups", ctx.t(AdminMsg::AdminGroups)),
        ("/admin/organisations", ctx.t(AdminMsg::AdminOrganisations)),
        ("/admin/notifications", ctx.t(Msg::NotificationsTitle)),
        ("/admin/escalations", ctx.t(AdminMsg::EscTitle)),
        ("/admin/webhooks", ctx.t(AdminMsg::Webhooks)),
    ];
    html! {
        nav.tabs aria-label=(ctx.t(AdminMsg::NavAdmin)) {
            @for (href, label) in items {
                a href=(href) aria-current=[ctx.path.starts_with(href).then_some("page")] { (label) } " "
            }
        }
    }
}

fn role_options(ctx: &Ctx) -> Vec<(String, String)> {
    [Role::Requester, Role::Agent, Role::Manager, Role::Admin]
        .into_iter()
        .map(|r| (r.as_str().to_owned(), i18n::role(ctx.lang, r).to_owned()))
        .collect()
}

fn organisation_options(ctx: &Ctx, orgs: &[steward_store::accounts::Organisation]) -> Vec<(String, String)> {
    let mut out = vec![(String::new(), ctx.t(AdminMsg::NoOrganisation).to_owned())];
    out.extend(orgs.iter().map(|o| (o.name.clone(), o.name.clone())));
    out
}

#[derive(Deserialize, Default)]
pub struct FlashQuery {
    m: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NewUserForm {
    username: String,
    display_name: String,
    email: String,
    role: String,
    organisation: String,
    password: String,
}

pub async fn list(State(s): State<AppState>, ctx: Ctx, Query(q): Query<FlashQuery>) -> UiResult {
    admins_only(&ctx)?;
    render_list(
        &s,
        &ctx,
        q.m.as_deref(),
        NewUserForm { role: "requester".into(), ..Default::default() },
        &Default::default(),
    )
    .await
}

async fn render_list(
    s: &AppState,
    ctx: &Ctx,
    flash: Option<&str>,
    form: NewUserForm,
    errors: &widgets::Errors,
) -> UiResult {
    let users = s.app.list_users(Some(&ctx.actor)).await.or_page(ctx)?;
    let orgs = s.app.list_organisations().await.or_page(ctx)?;
    let field = |id, name, label| widgets::Field::new(ctx.lang, id, name, label, errors);
    let body = html! {
        h1 { (ctx.t(Msg::AdminUsers)) }
        (tabs(ctx))
        @if flash == Some("created") { (widgets::notice(ctx.t(AdminMsg::FlashUserCreated))) }
        div.table-wrap {
            table #users {
                thead { tr {
                    th scope="col" { (ctx.t(Msg::Username)) } th scope="col" { (ctx.t(AdminMsg::DisplayName)) }
                    th scope="col" { (ctx.t(Msg::Role)) } th scope="col" { (ctx.t(AdminMsg::Status)) }
                } }
                tbody {
                    @for u in &users {
                        tr {
                            td { a href={ "/admin/users/" (crate::auth::urlencode(&u.username)) } { (u.username) } }
                            td { (u.display_name) }
                            td { (u.role.parse::<Role>().map(|r| i18n::role(ctx.lang, r)).unwrap_or(&u.role)) }
                            td { @if u.active == 1 { (ctx.t(AdminMsg::UserActive)) } @else { span.badge { (ctx.t(AdminMsg::Deactivated)) } } }
                        }
                    }
                }
            }
        }
        section.panel.narrow aria-labelledby="new-user-title" {
            h2 #new-user-title { (ctx.t(AdminMsg::NewUser)) }
            form method="post" action="/admin/users" {
                (widgets::csrf(&ctx.csrf))
                (widgets::Field { required: true, autocomplete: Some("off"), ..field("new-username", "username", ctx.t(Msg::Username)) }.input(&form.username))
                (field("new-display-name", "display_name", ctx.t(AdminMsg::DisplayName)).input(&form.display_name))
                (widgets::Field { kind: Some("email"), ..field("new-email", "email", ctx.t(AdminMsg::Email)) }.input(&form.email))
                (field("new-role", "role", ctx.t(Msg::Role)).select(&role_options(ctx), &form.role))
                (field("new-organisation", "organisation", ctx.t(AdminMsg::Organisation_)).select(&organisation_options(ctx, &orgs), &form.organisation))
                (widgets::Field { kind: Some("password"), autocomplete: Some("new-password"), hint: Some(ctx.t(AdminMsg::InitialPasswordHint)),
                    ..field("new-password", "password", ctx.t(AdminMsg::InitialPassword)) }.input(""))
                @for e in errors.others(&["username", "display_name", "email", "role", "organisation", "password"]) {
                    (widgets::alert(&widgets::sentence(&i18n::app_message(ctx.lang, e)), None))
                }
                button.btn.btn-primary type="submit" #create-user { (ctx.t(AdminMsg::CreateUser)) }
            }
        }
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(html(status, layout::page(ctx, ctx.t(Msg::AdminUsers), body)))
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(f): Form<NewUserForm>) -> UiResult {
    admins_only(&ctx)?;
    let opt = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let new = NewUser {
        username: f.username.clone(),
        display_name: opt(&f.display_name),
        email: opt(&f.email),
        role: f.role.clone(),
        organisation: opt(&f.organisation),
        groups: Vec::new(),
        password: opt(&f.password).map(|_| f.password.clone()),
        locale: None,
    };
    let flash = if new.password.is_some() { "created" } else { "created-no-password" };
    match s.app.add_user(Some(&ctx.actor), new).await {
        Ok(_) => see_other(&format!("/admin/users/{}?m={flash}", crate::auth::urlencode(f.username.trim()))),
        Err(AppError::Invalid(errs)) => render_list(&s, &ctx, None, f, &widgets::Errors(errs)).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

/// The user form as posted (`groups` repeats, so it is read as pairs).
#[derive(Default, Clone)]
pub struct UserForm {
    display_name: String,
    email: String,
    role: String,
    organisation: String,
    time_zone: String,
    groups: Vec<String>,
    active: Option<String>,
    version: i64,
}

impl UserForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = UserForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "display_name" => f.display_name = v,
                "email" => f.email = v,
                "role" => f.role = v,
                "organisation" => f.organisation = v,
                "time_zone" => f.time_zone = v,
                "groups" => f.groups.push(v),
                "active" => f.active = Some(v),
                // A missing or garbled version is stale by definition.
                "version" => f.version = v.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
        f
    }

    fn of(d: &UserDetail) -> Self {
        let u = &d.user;
        UserForm {
            display_name: u.display_name.clone(),
            email: u.email.clone().unwrap_or_default(),
            role: u.role.clone(),
            organisation: d.organisation.clone().unwrap_or_default(),
            time_zone: u.time_zone.clone().unwrap_or_default(),
            groups: d.groups.clone(),
            active: (u.active == 1).then(|| "1".to_owned()),
            version: u.version,
        }
    }
}

pub async fn show(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(name): Path<String>,
    Query(q): Query<FlashQuery>,
) -> UiResult {
    admins_only(&ctx)?;
    let d = s.app.user_detail(&ctx.actor, &name).await.or_page(&ctx)?;
    let form = UserForm::of(&d);
    render_user(&s, &ctx, &d, form, &Default::default(), q.m.as_deref(), &Default::default()).await
}

#[allow(clippy::too_many_arguments)]
async fn render_user(
    s: &AppState,
    ctx: &Ctx,
    d: &UserDetail,
    form: UserForm,
    errors: &widgets::Errors,
    flash: Option<&str>,
    password_errors: &widgets::Errors,
) -> UiResult {
    let orgs = s.app.list_organisations().await.or_page(ctx)?;
    let groups = s.app.list_groups().await.or_page(ctx)?;
    let sessions = s.app.user_sessions(&ctx.actor, &d.user.username).await.or_page(ctx)?;
    let tokens = s.app.user_tokens(&ctx.actor, &d.user.username).await.or_page(ctx)?;
    let path = format!("/admin/users/{}", crate::auth::urlencode(&d.user.username));
    let field = |id, name, label| widgets::Field::new(ctx.lang, id, name, label, errors);
    let flash = match flash {
        Some("saved") => Some(ctx.t(AdminMsg::FlashUserSaved)),
        Some("created") => Some(ctx.t(AdminMsg::FlashUserCreated)),
        Some("created-no-password") => Some(ctx.t(AdminMsg::FlashUserCreatedNoPassword)),
        Some("deactivated") => Some(ctx.t(AdminMsg::FlashUserDeactivated)),
        Some("token") => Some(ctx.t(Msg::FlashTokenRevoked)),
        Some("password") => Some(ctx.t(AdminMsg::FlashPasswordSet)),
        Some("sessions") => Some(ctx.t(AdminMsg::FlashSessionsEnded)),
        _ => None,
    };
    let title = format!("{} · {}", ctx.t(AdminMsg::EditUser), d.user.username);
    let body = html! {
        h1 { (title) }
        (tabs(ctx))
        @if let Some(m) = flash { (widgets::notice(m)) }
        @if errors.get("version").is_some() { (widgets::alert(ctx.t(AdminMsg::StaleForm), None)) }
        div.narrow {
            section.panel aria-labelledby="user-title" {
                h2 #user-title { (d.user.display_name) }
                form method="post" action=(path) {
                    (widgets::csrf(&ctx.csrf))
                    input type="hidden" name="version" value=(form.version);
                    (widgets::Field { required: true, ..field("display-name", "display_name", ctx.t(AdminMsg::DisplayName)) }.input(&form.display_name))
                    (widgets::Field { kind: Some("email"), ..field("email", "email", ctx.t(AdminMsg::Email)) }.input(&form.email))
                    (field("role", "role", ctx.t(Msg::Role)).select(&role_options(ctx), &form.role))
                    (field("organisation", "organisation", ctx.t(AdminMsg::Organisation_)).select(&organisation_options(ctx, &orgs), &form.organisation))
                    fieldset.field.choices {
                        legend { (ctx.t(Msg::Groups)) }
                        @for g in &groups {
                            label.choice { input type="checkbox" name="groups" value=(g.name) checked[form.groups.contains(&g.name)]; " " (g.name) }
                        }
                        @if let Some(e) = errors.get("groups") { p.field-error { (widgets::sentence(&i18n::app_message(ctx.lang, e))) } }
                    }
                    (widgets::Field { hint: Some(ctx.t(Msg::UserTimeZoneHint)), placeholder: Some("Europe/Warsaw"),
                        ..field("time-zone", "time_zone", ctx.t(Msg::UserTimeZone)) }.input(&form.time_zone))
                    div.field {
                        label.choice { input #active type="checkbox" name="active" value="1" checked[form.active.is_some()] aria-describedby="active-hint"; " " (ctx.t(AdminMsg::MaySignIn)) }
                        p.hint #active-hint { (ctx.t(AdminMsg::LeaverHint)) }
                        @if let Some(e) = errors.get("active") { p.field-error { (widgets::sentence(&i18n::app_message(ctx.lang, e))) } }
                    }
                    button.btn.btn-primary type="submit" #save-user { (ctx.t(Msg::Save)) }
                }
            }
            section.panel aria-labelledby="reset-title" {
                h2 #reset-title { (ctx.t(AdminMsg::ResetPassword)) }
                form method="post" action={ (path) "/password" } {
                    (widgets::csrf(&ctx.csrf))
                    (widgets::Field { kind: Some("password"), required: true, autocomplete: Some("new-password"), hint: Some(ctx.t(AdminMsg::ResetPasswordHint)),
                        ..widgets::Field::new(ctx.lang, "reset-password", "password", ctx.t(Msg::NewPassword), password_errors) }.input(""))
                    button.btn type="submit" #reset-password-button { (ctx.t(AdminMsg::ResetPassword)) }
                }
            }
            section.panel aria-labelledby="user-sessions-title" {
                h2 #user-sessions-title { (ctx.t(AdminMsg::UserSessions)) }
                p #user-sessions-count { (i18n::tf(ctx.lang, AdminMsg::UserSessionsCount, &[("n", &sessions.len().to_string())])) }
                form method="post" action={ (path) "/sessions/end" } {
                    (widgets::csrf(&ctx.csrf))
                    button.btn type="submit" #end-user-sessions disabled[sessions.is_empty()] { (ctx.t(AdminMsg::EndUserSessions)) }
                }
            }
            section.panel aria-labelledby="user-tokens-title" {
                h2 #user-tokens-title { (ctx.t(AdminMsg::UserTokens)) }
                p.muted { (ctx.t(AdminMsg::UserTokensHint)) }
                @if tokens.is_empty() { p.muted #user-no-tokens { (ctx.t(AdminMsg::UserNoTokens)) } } @else {
                    (super::settings::tokens_table(ctx, &tokens, "user-tokens", &format!("{path}/tokens/")))
                }
            }
        }
    };
    let status =
        if errors.is_empty() && password_errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(html(status, layout::page(ctx, &title, body)))
}

pub async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(name): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> UiResult {
    admins_only(&ctx)?;
    let f = UserForm::from_pairs(pairs);
    let patch = UserPatch {
        display_name: Some(f.display_name.clone()),
        email: Some(f.email.clone()),
        role: Some(f.role.clone()),
        organisation: Some(f.organisation.clone()),
        groups: Some(f.groups.clone()),
        time_zone: Some(f.time_zone.clone()),
        locale: None,
        active: Some(f.active.is_some()),
    };
    let was_active = s.app.user_detail(&ctx.actor, &name).await.or_page(&ctx)?.user.active == 1;
    match s.app.update_user(&ctx.actor, &name, f.version, patch).await {
        Ok(d) => {
            let flash = if was_active && d.user.active == 0 { "deactivated" } else { "saved" };
            see_other(&format!("/admin/users/{}?m={flash}", crate::auth::urlencode(&d.user.username)))
        }
        Err(AppError::Invalid(errs)) => {
            let d = s.app.user_detail(&ctx.actor, &name).await.or_page(&ctx)?;
            render_user(&s, &ctx, &d, f, &widgets::Errors(errs), None, &Default::default()).await
        }
        Err(AppError::Stale { .. }) => {
            // Show what is stored now, and say why.
            let d = s.app.user_detail(&ctx.actor, &name).await.or_page(&ctx)?;
            let errors =
                widgets::Errors(vec![steward_app::FieldError::new("version", steward_app::Code::Stale.msg("stale"))]);
            render_user(&s, &ctx, &d, UserForm::of(&d), &errors, None, &Default::default()).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    password: String,
}

pub async fn reset_password(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(name): Path<String>,
    Form(f): Form<ResetForm>,
) -> UiResult {
    admins_only(&ctx)?;
    match s.app.set_password(Some(&ctx.actor), &name, &f.password).await {
        Ok(()) => see_other(&format!("/admin/users/{}?m=password", crate::auth::urlencode(&name))),
        Err(AppError::Invalid(errs)) => {
            let d = s.app.user_detail(&ctx.actor, &name).await.or_page(&ctx)?;
            render_user(&s, &ctx, &d, UserForm::of(&d), &Default::default(), None, &widgets::Errors(errs)).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn revoke_token(State(s): State<AppState>, ctx: Ctx, Path((name, id)): Path<(String, i64)>) -> UiResult {
    admins_only(&ctx)?;
    s.app.revoke_user_token(&ctx.actor, &name, id).await.or_page(&ctx)?;
    see_other(&format!("/admin/users/{}?m=token", crate::auth::urlencode(&name)))
}

pub async fn end_sessions(State(s): State<AppState>, ctx: Ctx, Path(name): Path<String>) -> UiResult {
    admins_only(&ctx)?;
    s.app.revoke_user_sessions(&ctx.actor, &name).await.or_page(&ctx)?;
    see_other(&format!("/admin/users/{}?m=sessions", crate::auth::urlencode(&name)))
}
