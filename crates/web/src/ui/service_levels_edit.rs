//! Editing on the service-level page, under the version the form was read
//! at: a calendar (name, zone, working hours; its holidays are kept) and
//! an SLA definition (rename it, turn it off, change its calendar,
//! conditions, targets or thresholds). Clocks already running keep their
//! targets until their incident is retargeted (a priority change).

use super::service_levels::{PATH, View, respond};
use super::service_levels_forms::{CalendarDraft, SlaDraft, calendar_field, parse_calendar, parse_sla, sla_field};
use super::{Ctx, UiResult, see_other, service_level_texts::SlaMsg, widgets};
use crate::AppState;
use axum::{
    Form,
    extract::{Path, State, rejection::PathRejection},
    http::StatusCode,
};
use steward_app::{
    AppError, FieldError,
    sla::admin::{CalendarView, SlaView},
};

/// The form as the stored definition fills it.
fn draft_of(s: &SlaView) -> SlaDraft {
    use steward_domain::sla::kinds_take;
    let d = &s.definition;
    let text = |v: Option<jiff::SignedDuration>| v.map(|v| format!("{v:#}")).unwrap_or_default();
    let on = |b: bool| if b { "on".to_owned() } else { String::new() };
    let mut draft = SlaDraft {
        name: d.name.clone(),
        position: d.position.to_string(),
        calendar_id: d.calendar_id.to_string(),
        active: if s.active { "on".into() } else { String::new() },
        kind_incident: on(kinds_take(&d.conditions.kinds, "incident")),
        kind_problem: on(kinds_take(&d.conditions.kinds, "problem")),
        services: d.conditions.services.join(", "),
        categories: d.conditions.categories.join(", "),
        thresholds: d.thresholds.iter().map(u8::to_string).collect::<Vec<_>>().join(", "),
        version: s.version.to_string(),
        ..SlaDraft::default()
    };
    for t in &d.targets {
        let (response, resolution) = (text(t.response), text(t.resolution));
        let (r, s) = match i64::from(t.priority) {
            1 => (&mut draft.response_1, &mut draft.resolution_1),
            2 => (&mut draft.response_2, &mut draft.resolution_2),
            3 => (&mut draft.response_3, &mut draft.resolution_3),
            4 => (&mut draft.response_4, &mut draft.resolution_4),
            _ => (&mut draft.response_5, &mut draft.resolution_5),
        };
        (*r, *s) = (response, resolution);
    }
    draft
}

fn sla_id(ctx: &Ctx, p: Result<Path<i64>, PathRejection>) -> Result<i64, super::Failure> {
    p.map(|Path(id)| id).map_err(|_| ctx.fail(AppError::NotFound("SLA definition")))
}

fn editing(draft: SlaDraft, id: i64, version: i64) -> View {
    View { calendar: CalendarDraft::fresh(), sla: draft, editing: Some((id, version)), ..View::default() }
}

pub async fn edit(State(s): State<AppState>, ctx: Ctx, id: Result<Path<i64>, PathRejection>) -> UiResult {
    let id = sla_id(&ctx, id)?;
    steward_domain::access::can_manage_service_levels(ctx.actor.role).map_err(|e| ctx.fail(e.into()))?;
    let stored = s.app.get_sla(&ctx.actor, id).await.map_err(|e| ctx.fail(e))?;
    let history = s.app.sla_history(&ctx.actor, id).await.map_err(|e| ctx.fail(e))?;
    let view = View { history, ..editing(draft_of(&stored), id, stored.version) };
    respond(&s, &ctx, view, StatusCode::OK).await
}

pub async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    Form(d): Form<SlaDraft>,
) -> UiResult {
    let id = sla_id(&ctx, id)?;
    let stored = s.app.get_sla(&ctx.actor, id).await.map_err(|e| ctx.fail(e))?;
    // A missing or garbled version is stale by definition.
    let version = d.version.trim().parse().unwrap_or(0);
    let result = match parse_sla(&d) {
        Ok((mut def, priorities)) => {
            // Kinds that say the same stay as written; what the form does
            // not show is kept as stored.
            let kinds = |k: &[String]| steward_domain::sla::normalise_kinds(k);
            if kinds(&def.conditions.kinds) == kinds(&stored.definition.conditions.kinds) {
                def.conditions.kinds = stored.definition.conditions.kinds.clone();
            }
            def.conditions.priorities = stored.definition.conditions.priorities.clone();
            def.conditions.organisation_ids = stored.definition.conditions.organisation_ids.clone();
            def.pause_on = stored.definition.pause_on.clone();
            s.app
                .update_sla(&ctx.actor, id, version, def, d.active == "on")
                .await
                .map(|_| ())
                .map_err(|e| (e, priorities))
        }
        Err(errs) => Err((AppError::Invalid(errs), Vec::new())),
    };
    match result {
        Ok(()) => {
            tracing::info!(sla = id, by = %ctx.actor.username, "SLA definition changed");
            see_other(&format!("{PATH}?m=sla_saved"))
        }
        Err((AppError::Invalid(errs), priorities)) => {
            let errs = errs.into_iter().map(|e| FieldError { field: sla_field(&e.field, &priorities), ..e }).collect();
            let v = View { sla_errors: widgets::Errors(errs), ..editing(d, id, version) };
            respond(&s, &ctx, v, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err((AppError::Stale { .. }, _)) => {
            // The form again, as stored now, and why.
            let now = s.app.get_sla(&ctx.actor, id).await.map_err(|e| ctx.fail(e))?;
            let v =
                View { problem: Some(ctx.t(SlaMsg::StaleSla).to_owned()), ..editing(draft_of(&now), id, now.version) };
            respond(&s, &ctx, v, StatusCode::CONFLICT).await
        }
        Err((e, _)) => Err(ctx.fail(e)),
    }
}

/// The calendar form as the stored calendar fills it.
fn calendar_draft_of(c: &CalendarView) -> CalendarDraft {
    let mut d = CalendarDraft {
        name: c.name.clone(),
        time_zone: c.spec.time_zone.clone(),
        version: c.version.to_string(),
        ..CalendarDraft::default()
    };
    for (day, ivs) in c.spec.week.days() {
        let text = ivs.iter().map(|i| format!("{}-{}", i.start, i.end)).collect::<Vec<_>>().join(", ");
        match day {
            "monday" => d.monday = text,
            "tuesday" => d.tuesday = text,
            "wednesday" => d.wednesday = text,
            "thursday" => d.thursday = text,
            "friday" => d.friday = text,
            "saturday" => d.saturday = text,
            _ => d.sunday = text,
        }
    }
    d
}

fn editing_calendar(draft: CalendarDraft, id: i64, version: i64) -> View {
    View { calendar: draft, sla: SlaDraft::fresh(), editing_calendar: Some((id, version)), ..View::default() }
}

fn calendar_id(ctx: &Ctx, p: Result<Path<i64>, PathRejection>) -> Result<i64, super::Failure> {
    p.map(|Path(id)| id).map_err(|_| ctx.fail(AppError::NotFound("calendar")))
}

pub async fn edit_calendar(State(s): State<AppState>, ctx: Ctx, id: Result<Path<i64>, PathRejection>) -> UiResult {
    let id = calendar_id(&ctx, id)?;
    steward_domain::access::can_manage_service_levels(ctx.actor.role).map_err(|e| ctx.fail(e.into()))?;
    let stored = s.app.get_calendar(&ctx.actor, id).await.map_err(|e| ctx.fail(e))?;
    let history = s.app.calendar_history(&ctx.actor, id).await.map_err(|e| ctx.fail(e))?;
    let view = View { history, ..editing_calendar(calendar_draft_of(&stored), id, stored.version) };
    respond(&s, &ctx, view, StatusCode::OK).await
}

pub async fn update_calendar(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    Form(d): Form<CalendarDraft>,
) -> UiResult {
    let id = calendar_id(&ctx, id)?;
    let stored = s.app.get_calendar(&ctx.actor, id).await.map_err(|e| ctx.fail(e))?;
    let version = d.version.trim().parse().unwrap_or(0);
    let result = match parse_calendar(&d) {
        Ok(mut spec) => {
            spec.holidays = stored.spec.holidays.clone();
            s.app.update_calendar(&ctx.actor, id, version, &d.name, spec).await.map(|_| ())
        }
        Err(errs) => Err(AppError::Invalid(errs)),
    };
    match result {
        Ok(()) => {
            tracing::info!(calendar = id, by = %ctx.actor.username, "calendar changed");
            see_other(&format!("{PATH}?m=calendar_saved"))
        }
        Err(AppError::Invalid(errs)) => {
            let errs = errs.into_iter().map(|e| FieldError { field: calendar_field(&e.field), ..e }).collect();
            let v = View { calendar_errors: widgets::Errors(errs), ..editing_calendar(d, id, version) };
            respond(&s, &ctx, v, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Stale { .. }) => {
            let now = s.app.get_calendar(&ctx.actor, id).await.map_err(|e| ctx.fail(e))?;
            let v = View {
                problem: Some(ctx.t(SlaMsg::StaleSettings).to_owned()),
                ..editing_calendar(calendar_draft_of(&now), id, now.version)
            };
            respond(&s, &ctx, v, StatusCode::CONFLICT).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}
