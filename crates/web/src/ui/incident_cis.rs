//! The incident form's service and CI picker. The service is a select of
//! the catalog (staff see the whole portfolio); the CIs offered are what
//! the chosen service stands on (its dependencies, [`DEPTH`] deep, the
//! nearest [`MAX_OFFERED`]), as checkboxes. The server draws them for the
//! service the form was loaded or sent with; `app.js` redraws them from
//! `/api/v1/cis/{id}/dependencies` when the service changes.

use super::{Ctx, cmdb_texts::CmdbMsg, cmdb_widgets::Classes, widgets};
use crate::{
    AppState,
    i18n::{self, Msg},
};
use maud::{Markup, html};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use steward_app::{
    AppError, FieldError,
    cmdb::{Direction, impact::CiRef},
};
use steward_store::cmdb::CiRow;

pub const DEPTH: u32 = 5;
pub const MAX_OFFERED: usize = 200;

/// What the picker shows: the service's CIs and those already chosen.
#[derive(Default)]
pub struct Picker {
    pub service: Option<i64>,
    pub offered: Vec<CiRef>,
    /// How many the service stands on in all.
    pub total: usize,
}

/// A form posted as pairs, with the repeated `list` key (checkboxes) taken
/// out: the rest becomes `T`, as `axum::Form` would make it.
pub fn split_form<T: DeserializeOwned>(pairs: Vec<(String, String)>, list: &str) -> Result<(T, Vec<String>), String> {
    let mut values = Vec::new();
    let mut rest = Map::new();
    for (k, v) in pairs {
        if k == list {
            values.push(v);
        } else {
            rest.insert(k, Value::String(v));
        }
    }
    let form = serde_json::from_value(Value::Object(rest)).map_err(|e| e.to_string())?;
    Ok((form, values))
}

/// The chosen CI ids; anything else is a message for the picker.
pub fn parse_ids(values: &[String]) -> Result<Vec<i64>, FieldError> {
    values
        .iter()
        .map(|v| v.trim().parse::<i64>().map_err(|_| FieldError::new("cis", steward_app::error::no_cis([v.trim()]))))
        .collect()
}

/// The service named in the form, among the catalog's.
pub fn service_id(services: &[CiRow], name: &str) -> Option<i64> {
    let name = name.trim();
    services.iter().find(|s| s.name.eq_ignore_ascii_case(name)).map(|s| s.id)
}

pub async fn load(
    s: &AppState,
    ctx: &Ctx,
    services: &[CiRow],
    service: &str,
    chosen: &[i64],
) -> Result<Picker, AppError> {
    let service = service_id(services, service);
    let (mut offered, total) = match service {
        Some(id) => {
            let i = s.app.impact(&ctx.actor, &[id], DEPTH, None, Direction::Downstream, MAX_OFFERED).await?;
            (i.cis.into_iter().map(|r| r.ci).collect::<Vec<_>>(), i.cis_total)
        }
        None => (Vec::new(), 0),
    };
    // Chosen CIs stay offered (checked) even when the service does not
    // stand on them, so saving the form never drops them unseen.
    let missing: Vec<i64> = chosen.iter().copied().filter(|c| !offered.iter().any(|o| o.id == *c)).collect();
    if !missing.is_empty() {
        let extra = s
            .app
            .cmdb_view(|v| {
                missing
                    .iter()
                    .filter_map(|id| {
                        v.ci(*id).map(|b| CiRef {
                            id: *id,
                            name: b.name.clone(),
                            class: b.class.clone(),
                            status: b.status.clone(),
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .await?;
        offered.splice(0..0, extra);
    }
    Ok(Picker { service, offered, total })
}

/// The service select: names are the values (the app takes a name), ids
/// ride along for the picker's script.
pub fn service_select(ctx: &Ctx, services: &[CiRow], selected: &str, errors: &widgets::Errors) -> Markup {
    let known = service_id(services, selected).is_some();
    let field = widgets::Field::new(ctx.lang, "service", "service", ctx.t(Msg::Service), errors);
    field.select_with(html! {
        option value="" { (ctx.t(Msg::NoneOption)) }
        @if !selected.trim().is_empty() && !known { option value=(selected) selected { (selected) } }
        @for s in services {
            @let live = s.portfolio_status.as_deref().is_none_or(|p| p == "live");
            option value=(s.name) data-id=(s.id) selected[s.name.eq_ignore_ascii_case(selected.trim())] {
                (s.name) @if !live { " (" (ctx.t(CmdbMsg::NotLive)) ")" }
            }
        }
    })
}

pub fn render(ctx: &Ctx, p: &Picker, chosen: &[i64], classes: &Classes, errors: &widgets::Errors) -> Markup {
    let lang = ctx.lang;
    let class_names: Map<String, Value> =
        classes.options(lang).into_iter().map(|(k, n)| (k, Value::String(n))).collect();
    let error = errors.get("cis").map(|m| widgets::sentence(&i18n::app_message(lang, m)));
    let more = i18n::tf(lang, CmdbMsg::CiPickerMore, &[("n", &MAX_OFFERED.to_string())]);
    html! {
        fieldset.field.ci-picker.has-error[error.is_some()] #ci-picker
            data-none=(ctx.t(CmdbMsg::CiPickerNone)) data-no-service=(ctx.t(CmdbMsg::CiPickerNoService))
            data-failed=(ctx.t(CmdbMsg::CiPickerFailed)) data-more=(more) data-max=(MAX_OFFERED) data-depth=(DEPTH)
            data-classes=(Value::Object(class_names).to_string()) {
            legend { (ctx.t(Msg::ConfigurationItems)) }
            p.hint { (ctx.t(CmdbMsg::CiPickerHint)) }
            div.ci-options aria-live="polite" {
                @if p.offered.is_empty() {
                    p.muted.ci-empty { (ctx.t(if p.service.is_some() { CmdbMsg::CiPickerNone } else { CmdbMsg::CiPickerNoService })) }
                }
                @for c in &p.offered {
                    label.ci-option {
                        input type="checkbox" name="cis" value=(c.id) checked[chosen.contains(&c.id)];
                        " " (c.name) " " span.muted { (classes.name(lang, &c.class)) }
                    }
                }
                @if p.total > MAX_OFFERED { p.hint.ci-more { (more) } }
            }
            @if let Some(e) = error { p.field-error { (e) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct F {
        title: String,
        service: String,
    }

    #[test]
    fn checkboxes_are_taken_out_of_a_posted_form() {
        let pairs = [("title", "Down"), ("cis", "3"), ("service", "Web Shop"), ("cis", "12")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .to_vec();
        let (f, cis): (F, Vec<String>) = split_form(pairs, "cis").unwrap();
        assert_eq!((f.title.as_str(), f.service.as_str()), ("Down", "Web Shop"));
        assert_eq!(parse_ids(&cis).unwrap(), [3, 12]);
        assert_eq!(parse_ids(&["x".to_owned()]).unwrap_err().message, "no CI x");
    }
}
