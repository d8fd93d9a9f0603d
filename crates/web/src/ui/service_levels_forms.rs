//! What the service-level settings page posts: a new calendar (working
//! hours typed per weekday as `08:00-12:00, 13:00-16:00`), Poland's
//! holidays, an iCalendar file, a new SLA definition (targets per priority
//! typed as `30m`, `4h`). Text is parsed here, the rules are checked by the
//! app; every message lands beside the field it is about.

use super::service_levels::{PATH, View, respond};
use super::{Ctx, UiResult, see_other, service_level_texts::SlaMsg, widgets};
use crate::i18n_codes::ui;
use crate::{AppState, api::incidents::read_file_part};
use axum::{
    Form,
    extract::{Multipart, Path, Query, State, multipart::MultipartRejection, rejection::PathRejection},
    http::StatusCode,
};
use jiff::SignedDuration;
use serde::Deserialize;
use steward_app::Code;
use steward_app::Message;
use steward_app::{AppError, FieldError};
use steward_domain::Priority;
use steward_domain::calendar::{CalendarSpec, Interval, WeekHours};
use steward_domain::sla::{PauseOn, PriorityTarget, SlaConditions, SlaDefinition};

/// The calendar form as typed.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct CalendarDraft {
    pub name: String,
    pub time_zone: String,
    pub monday: String,
    pub tuesday: String,
    pub wednesday: String,
    pub thursday: String,
    pub friday: String,
    pub saturday: String,
    pub sunday: String,
    /// The version read, when editing.
    pub version: String,
}

impl CalendarDraft {
    /// An office week, to start from.
    pub fn fresh() -> Self {
        let day = || "08:00-16:00".to_owned();
        Self {
            time_zone: "Europe/Warsaw".into(),
            monday: day(),
            tuesday: day(),
            wednesday: day(),
            thursday: day(),
            friday: day(),
            ..Self::default()
        }
    }

    pub fn day(&self, day: &str) -> &str {
        match day {
            "monday" => &self.monday,
            "tuesday" => &self.tuesday,
            "wednesday" => &self.wednesday,
            "thursday" => &self.thursday,
            "friday" => &self.friday,
            "saturday" => &self.saturday,
            _ => &self.sunday,
        }
    }
}

/// The SLA form as typed; `response_1` … `resolution_5` are the targets.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct SlaDraft {
    pub name: String,
    pub position: String,
    pub calendar_id: String,
    /// `on` when the box is ticked (absent otherwise).
    pub active: String,
    /// `on` for each record kind it applies to.
    pub kind_incident: String,
    pub kind_problem: String,
    pub services: String,
    pub categories: String,
    pub thresholds: String,
    pub response_1: String,
    pub response_2: String,
    pub response_3: String,
    pub response_4: String,
    pub response_5: String,
    pub resolution_1: String,
    pub resolution_2: String,
    pub resolution_3: String,
    pub resolution_4: String,
    pub resolution_5: String,
    /// The version read, when editing.
    pub version: String,
}

impl SlaDraft {
    pub fn fresh() -> Self {
        Self {
            position: "100".into(),
            active: "on".into(),
            calendar_id: "1".into(),
            thresholds: "50, 75, 90".into(),
            kind_incident: "on".into(),
            ..Self::default()
        }
    }

    /// The typed target of priority `p` (1–5).
    pub fn target(&self, p: u8, resolution: bool) -> &str {
        match (p, resolution) {
            (1, false) => &self.response_1,
            (2, false) => &self.response_2,
            (3, false) => &self.response_3,
            (4, false) => &self.response_4,
            (_, false) => &self.response_5,
            (1, true) => &self.resolution_1,
            (2, true) => &self.resolution_2,
            (3, true) => &self.resolution_3,
            (4, true) => &self.resolution_4,
            (_, true) => &self.resolution_5,
        }
    }
}

/// `08:00-12:00, 13:00-16:00` → intervals; the times themselves are the
/// domain's to check (with the day named in the message).
pub fn intervals(text: &str) -> Result<Vec<Interval>, Message> {
    let mut out = Vec::new();
    for part in text.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once(['-', '–']) {
            Some((a, b)) => out.push(Interval::new(a.trim(), b.trim())),
            None => return Err(ui(Code::NotInterval, &[("text", part)])),
        }
    }
    Ok(out)
}

/// `30m`, `4h`, `1h 30m`, `PT4H` → a duration; empty → none.
pub fn duration(text: &str) -> Result<Option<SignedDuration>, Message> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse().map(Some).map_err(|_| ui(Code::NotDuration, &[("text", t)]))
}

fn list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// The domain names a day's problem `week.monday[1].start`; the form has
/// one field per day.
pub(super) fn calendar_field(field: &str) -> String {
    let Some(rest) = field.strip_prefix("week.") else { return field.to_owned() };
    rest.split(['[', '.']).next().unwrap_or(rest).to_owned()
}

pub(super) fn parse_calendar(d: &CalendarDraft) -> Result<CalendarSpec, Vec<FieldError>> {
    let mut errs = Vec::new();
    let mut day = |name: &str| {
        intervals(d.day(name)).unwrap_or_else(|e| {
            errs.push(FieldError::new(name, e));
            Vec::new()
        })
    };
    let week = WeekHours {
        monday: day("monday"),
        tuesday: day("tuesday"),
        wednesday: day("wednesday"),
        thursday: day("thursday"),
        friday: day("friday"),
        saturday: day("saturday"),
        sunday: day("sunday"),
    };
    if errs.is_empty() {
        Ok(CalendarSpec { time_zone: d.time_zone.trim().to_owned(), week, holidays: Vec::new() })
    } else {
        Err(errs)
    }
}

pub async fn create_calendar(State(s): State<AppState>, ctx: Ctx, Form(d): Form<CalendarDraft>) -> UiResult {
    let result = match parse_calendar(&d) {
        Ok(spec) => s.app.create_calendar(&ctx.actor, &d.name, spec).await.map(|_| ()),
        Err(errs) => Err(AppError::Invalid(errs)),
    };
    match result {
        Ok(()) => see_other(&format!("{PATH}?m=calendar")),
        Err(AppError::Invalid(errs)) => {
            let errs = errs.into_iter().map(|e| FieldError { field: calendar_field(&e.field), ..e }).collect();
            let v =
                View { calendar: d, calendar_errors: widgets::Errors(errs), sla: SlaDraft::fresh(), ..View::default() };
            respond(&s, &ctx, v, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

/// After a refused holiday change: the page again, with the messages by
/// the calendar (or, for a stale version, at the top).
async fn holidays_refused(s: &AppState, ctx: &Ctx, id: i64, e: AppError) -> UiResult {
    let mut v = View { calendar: CalendarDraft::fresh(), sla: SlaDraft::fresh(), ..View::default() };
    match e {
        AppError::Invalid(errs) => {
            // A problem inside the file (`ical.vevent[2].dtstart`) is the file's.
            let errs = errs
                .into_iter()
                .map(|e| {
                    if e.field.starts_with("ical") {
                        FieldError { field: "ical".to_owned(), message: format!("{}: {}", e.field, e.message), ..e }
                    } else {
                        e
                    }
                })
                .collect();
            v.holiday_errors = Some((id, widgets::Errors(errs)));
        }
        AppError::Stale { .. } | AppError::VersionRequired => v.problem = Some(ctx.t(SlaMsg::StaleSettings).to_owned()),
        other => return Err(ctx.fail(other)),
    }
    respond(s, ctx, v, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// A calendar id from the path; anything else names no calendar.
fn calendar_id(ctx: &Ctx, p: Result<Path<i64>, PathRejection>) -> Result<i64, super::Failure> {
    p.map(|Path(id)| id).map_err(|_| ctx.fail(AppError::NotFound("calendar")))
}

pub async fn add_poland(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    Form(f): Form<super::VersionForm>,
) -> UiResult {
    let id = calendar_id(&ctx, id)?;
    let version = f.version.trim().parse().unwrap_or(0);
    match s.app.add_calendar_preset(&ctx.actor, id, version, "poland").await {
        Ok(_) => see_other(&format!("{PATH}?m=holidays")),
        Err(e) => holidays_refused(&s, &ctx, id, e).await,
    }
}

pub async fn import_ical(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    Query(f): Query<super::VersionForm>,
    multipart: Result<Multipart, MultipartRejection>,
) -> UiResult {
    let id = calendar_id(&ctx, id)?;
    let version = f.version.trim().parse().unwrap_or(0);
    let max = steward_domain::calendar::ICAL_MAX_BYTES;
    let file = match multipart {
        Ok(mut m) => read_file_part(&mut m, max)
            .await
            .map_err(|e| e.errors.into_iter().next().map_or_else(|| crate::error::malformed(&e.detail), Message::from)),
        Err(e) => Err(crate::error::malformed(e.body_text())),
    };
    let result = match file {
        Ok((_, _, bytes)) if bytes.is_empty() => Err(AppError::field("ical", ui(Code::FileRequired, &[]))),
        Ok((_, _, bytes)) => match String::from_utf8(bytes) {
            Ok(text) => s.app.import_calendar_ical(&ctx.actor, id, version, &text).await.map(|_| ()),
            Err(_) => Err(AppError::field("ical", Code::NotUtf8.msg("is not UTF-8 text"))),
        },
        Err(why) => Err(AppError::field("ical", why)),
    };
    match result {
        Ok(()) => see_other(&format!("{PATH}?m=holidays")),
        Err(e) => holidays_refused(&s, &ctx, id, e).await,
    }
}

/// The definition the form describes, or every problem of the typing.
pub(super) fn parse_sla(d: &SlaDraft) -> Result<(SlaDefinition, Vec<u8>), Vec<FieldError>> {
    let mut errs = Vec::new();
    let position = d.position.trim().parse::<i32>().unwrap_or_else(|_| {
        errs.push(FieldError::new("position", ui(Code::NotWhole, &[])));
        0
    });
    let calendar_id = d.calendar_id.trim().parse::<i64>().unwrap_or_else(|_| {
        errs.push(FieldError::new("calendar_id", ui(Code::Required, &[])));
        0
    });
    let mut thresholds = Vec::new();
    for t in list(&d.thresholds) {
        match t.trim_end_matches('%').trim().parse::<u8>() {
            Ok(n) => thresholds.push(n),
            Err(_) => errs.push(FieldError::new("thresholds", ui(Code::NotPercent, &[("text", &t)]))),
        }
    }
    // The priorities with a target, in order: `targets[i]` is the i-th.
    let mut targets = Vec::new();
    let mut priorities = Vec::new();
    for p in 1..=5u8 {
        let mut get = |resolution: bool| {
            let name = format!("{}_{p}", if resolution { "resolution" } else { "response" });
            duration(d.target(p, resolution)).unwrap_or_else(|e| {
                errs.push(FieldError::new(&name, e));
                None
            })
        };
        let (response, resolution) = (get(false), get(true));
        if let (Ok(priority), true) = (Priority::try_from(i64::from(p)), response.is_some() || resolution.is_some()) {
            targets.push(PriorityTarget { priority, response, resolution });
            priorities.push(p);
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let def = SlaDefinition {
        id: 0,
        name: d.name.trim().to_owned(),
        position,
        conditions: SlaConditions {
            kinds: [("incident", &d.kind_incident), ("problem", &d.kind_problem)]
                .into_iter()
                .filter(|(_, on)| on.as_str() == "on")
                .map(|(k, _)| k.to_owned())
                .collect(),
            services: list(&d.services),
            categories: list(&d.categories),
            ..SlaConditions::default()
        },
        targets,
        calendar_id,
        pause_on: PauseOn::defaults(),
        thresholds,
    };
    Ok((def, priorities))
}

/// `targets[2].response` → `response_4` when the third target is P4's.
pub(super) fn sla_field(field: &str, priorities: &[u8]) -> String {
    if let Some(rest) = field.strip_prefix("targets[")
        && let Some((i, tail)) = rest.split_once(']')
        && let Some(p) = i.parse::<usize>().ok().and_then(|i| priorities.get(i))
    {
        return match tail {
            ".response" => format!("response_{p}"),
            ".resolution" => format!("resolution_{p}"),
            _ => "targets".to_owned(),
        };
    }
    if field.starts_with("thresholds") {
        "thresholds".to_owned()
    } else if field.starts_with("conditions.kinds") {
        "kinds".to_owned()
    } else {
        field.to_owned()
    }
}

pub async fn create_sla(State(s): State<AppState>, ctx: Ctx, Form(d): Form<SlaDraft>) -> UiResult {
    let result = match parse_sla(&d) {
        Ok((def, priorities)) => {
            s.app.create_sla(&ctx.actor, def, d.active == "on").await.map(|_| ()).map_err(|e| (e, priorities))
        }
        Err(errs) => Err((AppError::Invalid(errs), Vec::new())),
    };
    match result {
        Ok(()) => see_other(&format!("{PATH}?m=sla")),
        Err((AppError::Invalid(errs), priorities)) => {
            let errs = errs.into_iter().map(|e| FieldError { field: sla_field(&e.field, &priorities), ..e }).collect();
            let v =
                View { calendar: CalendarDraft::fresh(), sla: d, sla_errors: widgets::Errors(errs), ..View::default() };
            respond(&s, &ctx, v, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err((e, _)) => Err(ctx.fail(e)),
    }
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    m: Option<String>,
}

pub async fn show(State(s): State<AppState>, ctx: Ctx, Query(q): Query<PageQuery>) -> UiResult {
    let notice = match q.m.as_deref() {
        Some("calendar") => Some(ctx.t(SlaMsg::FlashCalendarCreated).to_owned()),
        Some("holidays") => Some(ctx.t(SlaMsg::FlashHolidaysAdded).to_owned()),
        Some("sla") => Some(ctx.t(SlaMsg::FlashSlaCreated).to_owned()),
        Some("sla_saved") => Some(ctx.t(SlaMsg::FlashSlaSaved).to_owned()),
        Some("calendar_saved") => Some(ctx.t(SlaMsg::FlashCalendarSaved).to_owned()),
        _ => None,
    };
    let v = View { notice, calendar: CalendarDraft::fresh(), sla: SlaDraft::fresh(), ..View::default() };
    respond(&s, &ctx, v, StatusCode::OK).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn typed_hours_and_targets() {
        assert_eq!(
            intervals(" 08:00-12:00, 13:00 – 16:00 ,").unwrap(),
            [Interval::new("08:00", "12:00"), Interval::new("13:00", "16:00")]
        );
        assert!(intervals("").unwrap().is_empty());
        assert_eq!(intervals("8 to 4").unwrap_err(), "8 to 4 is not a time range; write it as 08:00-16:00");
        assert_eq!(duration("30m").unwrap(), Some(SignedDuration::from_mins(30)));
        assert_eq!(duration("1h 30m").unwrap(), Some(SignedDuration::from_mins(90)));
        assert_eq!(duration("PT4H").unwrap(), Some(SignedDuration::from_hours(4)));
        assert_eq!(duration(" ").unwrap(), None);
        assert!(duration("2d").is_err(), "days differ in length; targets are business hours");
        assert!(
            crate::i18n_codes::message(Lang::Pl, &duration("soon").unwrap_err()).contains("to nie jest czas trwania")
        );
    }

    #[test]
    fn problems_are_named_as_the_form_names_them() {
        assert_eq!(calendar_field("week.monday[1]"), "monday");
        assert_eq!(calendar_field("week.friday[0].start"), "friday");
        assert_eq!(calendar_field("time_zone"), "time_zone");
        assert_eq!(sla_field("targets[1].response", &[1, 4]), "response_4");
        assert_eq!(sla_field("targets[0]", &[2]), "targets");
        assert_eq!(sla_field("thresholds[2]", &[]), "thresholds");
        assert_eq!(sla_field("calendar_id", &[]), "calendar_id");
    }
}
