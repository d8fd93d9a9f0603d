//! A group's OLA on `/admin/groups`: how long the group may hold an
//! incident (and, when ticked, a problem), in business time by a calendar,
//! with warning thresholds; set,
//! changed or removed by admins, each message beside its field.

use super::admin_groups::render_groups;
use super::admin_users::admins_only;
use super::service_levels_forms::duration;
use super::{Ctx, OrPage, UiResult, admin_texts::AdminMsg, see_other, widgets};
use crate::i18n_codes::ui;
use crate::{AppState, auth::urlencode, i18n::Msg};
use axum::{
    Form,
    extract::{Path, State},
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::Code;
use steward_app::sla::admin::{CalendarView, OlaView};
use steward_app::{AppError, FieldError};

/// The OLA form as typed.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct OlaDraft {
    target: String,
    calendar_id: String,
    thresholds: String,
    /// `on` when the OLA measures problems too (incidents: always).
    problems: String,
}

impl OlaDraft {
    fn of(o: Option<&OlaView>) -> Self {
        match o {
            Some(o) => OlaDraft {
                target: format!("{:#}", o.target),
                calendar_id: o.calendar_id.to_string(),
                thresholds: o.thresholds.iter().map(u8::to_string).collect::<Vec<_>>().join(", "),
                problems: if o.kinds.iter().any(|k| k == "problem") { "on".into() } else { String::new() },
            },
            None => OlaDraft { thresholds: "50, 75, 90".into(), ..Default::default() },
        }
    }

    /// The record kinds it measures: incidents, and problems when ticked.
    fn kinds(&self) -> Vec<String> {
        let mut kinds = vec!["incident".to_owned()];
        if self.problems == "on" {
            kinds.push("problem".to_owned());
        }
        kinds
    }
}

/// A refused OLA form: the group, what was typed and the messages.
pub struct OlaProblem {
    pub group_id: i64,
    pub draft: OlaDraft,
    pub errors: widgets::Errors,
}

/// The OLA part of a group's panel.
pub fn section(
    ctx: &Ctx,
    group: &steward_store::accounts::Group,
    current: Option<&OlaView>,
    calendars: &[CalendarView],
    problem: Option<&OlaProblem>,
) -> Markup {
    let (draft, errors) = match problem.filter(|p| p.group_id == group.id) {
        Some(p) => (p.draft.clone(), p.errors.clone()),
        None => (OlaDraft::of(current), widgets::Errors::default()),
    };
    let path = format!("/admin/groups/{}/ola", urlencode(&group.name));
    let ids = |f: &str| format!("ola-{f}-{}", group.id);
    let (target, calendar, thresholds) = (ids("target"), ids("calendar"), ids("thresholds"));
    let field = |id, name, label| widgets::Field::new(ctx.lang, id, name, label, &errors);
    let options: Vec<(String, String)> = calendars.iter().map(|c| (c.id.to_string(), c.name.clone())).collect();
    html! {
        h3 { (ctx.t(AdminMsg::OlaTitle)) }
        @if current.is_none() { p.muted.ola-none { (ctx.t(AdminMsg::OlaNone)) } }
        form.ola-form method="post" action=(path) novalidate {
            (widgets::csrf(&ctx.csrf))
            (widgets::Field { required: true, hint: Some(ctx.t(AdminMsg::OlaTargetHint)), placeholder: Some("4h"),
                ..field(&target, "target", ctx.t(AdminMsg::OlaTarget)) }.input(&draft.target))
            (field(&calendar, "calendar_id", ctx.t(Msg::Calendar)).select(&options, &draft.calendar_id))
            (widgets::Field { hint: Some(ctx.t(Msg::ThresholdsHint)), ..field(&thresholds, "thresholds", ctx.t(Msg::Thresholds)) }.input(&draft.thresholds))
            div.field { label.choice { input #(ids("problems")) type="checkbox" name="problems" value="on" checked[draft.problems == "on"]; " " (ctx.t(AdminMsg::OlaProblemsToo)) } }
            button.btn type="submit" #{ "set-ola-" (group.id) } { (ctx.t(AdminMsg::OlaSave)) }
        }
        @if current.is_some() {
            form.inline method="post" action={ (path) "/remove" } {
                (widgets::csrf(&ctx.csrf))
                button.btn.btn-danger-quiet type="submit" #{ "remove-ola-" (group.id) } aria-label={ (ctx.t(AdminMsg::OlaRemove)) " " (group.name) } { (ctx.t(AdminMsg::OlaRemove)) }
            }
        }
    }
}

/// The typed form as the app takes it, or the messages beside the fields.
fn parse(d: &OlaDraft) -> Result<(jiff::SignedDuration, i64, Vec<u8>), Vec<FieldError>> {
    let mut errs = Vec::new();
    let target = match duration(&d.target) {
        Ok(Some(t)) => Some(t),
        Ok(None) => {
            errs.push(FieldError::new("target", ui(Code::Required, &[])));
            None
        }
        Err(e) => {
            errs.push(FieldError::new("target", e));
            None
        }
    };
    let calendar_id = d.calendar_id.trim().parse::<i64>().unwrap_or(0);
    let mut thresholds = Vec::new();
    for t in d.thresholds.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        match t.trim_end_matches('%').trim().parse::<u8>() {
            Ok(p) => thresholds.push(p),
            Err(_) => errs.push(FieldError::new("thresholds", ui(Code::NotPercent, &[("text", t)]))),
        }
    }
    match target {
        Some(t) if errs.is_empty() => Ok((t, calendar_id, thresholds)),
        _ => Err(errs),
    }
}

async fn group_id(s: &AppState, ctx: &Ctx, name: &str) -> Result<i64, super::Failure> {
    let groups = s.app.list_groups().await.or_page(ctx)?;
    groups.iter().find(|g| g.name == name).map(|g| g.id).ok_or_else(|| ctx.fail(AppError::NotFound("group")))
}

pub async fn set(State(s): State<AppState>, ctx: Ctx, Path(name): Path<String>, Form(d): Form<OlaDraft>) -> UiResult {
    admins_only(&ctx)?;
    let id = group_id(&s, &ctx, &name).await?;
    let result = match parse(&d) {
        Ok(ola) => s.app.set_group_ola_of(&ctx.actor, id, Some(ola), &d.kinds()).await,
        Err(errs) => Err(AppError::Invalid(errs)),
    };
    match result {
        Ok(()) => see_other("/admin/groups?m=ola"),
        Err(AppError::Invalid(errs)) => {
            let p = OlaProblem { group_id: id, draft: d, errors: widgets::Errors(errs) };
            render_groups(&s, &ctx, None, None, Some(p)).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn remove(State(s): State<AppState>, ctx: Ctx, Path(name): Path<String>) -> UiResult {
    admins_only(&ctx)?;
    let id = group_id(&s, &ctx, &name).await?;
    s.app.set_group_ola(&ctx.actor, id, None).await.or_page(&ctx)?;
    see_other("/admin/groups?m=ola_removed")
}
