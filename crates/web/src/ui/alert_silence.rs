//! "Silence this alert": a form on the alert's page with one checkbox per
//! label (matchers equal to them, all ticked), a duration or an end time
//! and a comment; made through `App::post_silence` in the user's name.
//! A refusal comes back beside its field, nothing stored.

use super::alert_page::{self, Drafts};
use super::alert_texts::AlertMsg;
use super::{Ctx, OrPage, UiResult, as_of, fmt, see_other, widgets};
use crate::{AppState, i18n};
use axum::{
    Form,
    extract::{Path, State},
};
use maud::{Markup, html};
use steward_app::{
    AppError, Code, FieldError,
    alerts::{HandledAlert, PostedSilence},
};
use steward_domain::alert::{ApiMatcher, Matchers, Silence, matchers_from_api};

const MINUTE: i64 = 60 * 1_000_000;

/// The durations offered, in minutes; `end` takes the end time instead.
const DURATIONS: [(&str, i64, AlertMsg); 5] = [
    ("15m", 15, AlertMsg::Minutes15),
    ("1h", 60, AlertMsg::Hour1),
    ("4h", 240, AlertMsg::Hours4),
    ("1d", 1_440, AlertMsg::Day1),
    ("1w", 10_080, AlertMsg::Week1),
];

/// The form as typed (`label` repeats: the names ticked).
#[derive(Debug, Clone, Default)]
pub struct SilenceForm {
    pub labels: Vec<String>,
    pub duration: String,
    /// A `datetime-local` value in the viewer's zone.
    pub ends_at: String,
    pub comment: String,
}

impl SilenceForm {
    /// The form as it opens: every label ticked, one hour.
    fn fresh(a: &HandledAlert) -> Self {
        let labels = a.view.alert.labels.iter().map(|(k, _)| k.to_owned()).collect();
        SilenceForm { labels, duration: "1h".into(), ..Default::default() }
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = SilenceForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "label" => f.labels.push(v),
                "duration" => f.duration = v,
                "ends_at" => f.ends_at = v,
                "comment" => f.comment = v,
                _ => {}
            }
        }
        f
    }

    /// The end the form asks for, or the message beside its field.
    fn end(&self, now: i64) -> Result<i64, FieldError> {
        if let Some((_, minutes, _)) = DURATIONS.iter().find(|(v, _, _)| *v == self.duration) {
            return Ok(now + minutes * MINUTE);
        }
        if self.duration != "end" {
            let values: Vec<&str> = DURATIONS.iter().map(|(v, _, _)| *v).chain(["end"]).collect();
            return Err(FieldError::new("duration", steward_domain::code::not_one_of(&self.duration, &values)));
        }
        match as_of::local(&self.ends_at) {
            // Said here in the form's words (the rules would say "after startsAt").
            Ok(Some(at)) if at <= now => {
                Err(FieldError::new("ends_at", Code::EndsInPast.msg("must not be in the past")))
            }
            Ok(Some(at)) => Ok(at),
            Ok(None) => Err(FieldError::new("ends_at", Code::Required.msg("is required"))),
            Err(m) => Err(FieldError::new("ends_at", m)),
        }
    }

    /// The silence asked for: a matcher equal to each ticked label the
    /// alert has (others are ignored), from now.
    fn posted(&self, a: &HandledAlert, end: i64, by: &str, now: i64) -> PostedSilence {
        let matchers = a
            .view
            .alert
            .labels
            .iter()
            .filter(|(k, _)| self.labels.iter().any(|l| l == k))
            .map(|(k, v)| ApiMatcher { name: k.to_owned(), value: v.to_owned(), is_regex: false, is_equal: true })
            .collect();
        PostedSilence {
            id: None,
            matchers,
            starts_at: now,
            ends_at: end,
            created_by: by.to_owned(),
            comment: self.comment.clone(),
        }
    }

    /// The form's field for a problem the silence rules name with
    /// Alertmanager's field (`endsAt`, `matchers[0]`).
    fn field_of(&self, name: &str) -> String {
        match name {
            "endsAt" | "startsAt" if self.duration == "end" => "ends_at".into(),
            "endsAt" | "startsAt" => "duration".into(),
            n if n.starts_with("matchers") => "matchers".into(),
            n => n.to_owned(),
        }
    }
}

pub fn section(ctx: &Ctx, a: &HandledAlert, draft: Option<(SilenceForm, widgets::Errors)>) -> Markup {
    let lang = ctx.lang;
    let (f, errors) = draft.unwrap_or_else(|| (SilenceForm::fresh(a), widgets::Errors::default()));
    let field = |id, name, label| widgets::Field::new(lang, id, name, label, &errors);
    let mut durations: Vec<(String, String)> =
        DURATIONS.iter().map(|(v, _, label)| ((*v).to_owned(), ctx.t(*label).to_owned())).collect();
    durations.push(("end".into(), ctx.t(AlertMsg::UntilEnd).into()));
    let zone = fmt::zone();
    let end_hint = i18n::tf(lang, AlertMsg::EndsAtHint, &[("zone", fmt::zone_name(&zone))]);
    let matchers_error = errors.get("matchers").map(|e| widgets::sentence(&i18n::app_message(lang, e)));
    let fp = steward_domain::alert::fingerprint_text(a.view.alert.fingerprint);
    html! {
        section.panel #alert-silence aria-labelledby="alert-silence-title" {
            h2 #alert-silence-title { (ctx.t(AlertMsg::SilenceTitle)) }
            @if !errors.is_empty() { (widgets::alert(ctx.t(AlertMsg::SilenceErrors), None)) }
            form #silence-form method="post" action={ "/alerts/" (fp) "/silence" } {
                (widgets::csrf(&ctx.csrf))
                fieldset.silence-matchers.has-error[matchers_error.is_some()]
                    aria-describedby=[matchers_error.as_ref().map(|_| "sil-matchers-error")] {
                    legend { (ctx.t(AlertMsg::Matchers)) }
                    p.hint { (ctx.t(AlertMsg::SilenceHint)) }
                    @for (i, (k, v)) in a.view.alert.labels.iter().enumerate() {
                        div.checkbox {
                            label {
                                input type="checkbox" name="label" value=(k) id={ "sil-label-" (i) }
                                    checked[f.labels.iter().any(|l| l == k)];
                                code { (k) "=\"" (v) "\"" }
                            }
                        }
                    }
                    @if let Some(e) = &matchers_error { p.field-error #sil-matchers-error { (e) } }
                }
                (field("sil-duration", "duration", ctx.t(AlertMsg::Duration)).select(&durations, &f.duration))
                (widgets::Field { kind: Some("datetime-local"), hint: Some(&end_hint), ..field("sil-ends-at", "ends_at", ctx.t(AlertMsg::EndsAt)) }
                    .input(&f.ends_at))
                (widgets::Field { required: true, hint: Some(ctx.t(AlertMsg::CommentHint)), ..field("sil-comment", "comment", ctx.t(i18n::Msg::Comment)) }
                    .textarea(&f.comment, 3))
                @for e in errors.others(&["matchers", "duration", "ends_at", "comment"]) {
                    p.field-error role="alert" { (i18n::field(lang, &e.field)) ": " (i18n::app_message(lang, e)) }
                }
                button.btn.btn-primary #silence-submit type="submit" { (ctx.t(AlertMsg::SilenceButton)) }
            }
        }
    }
}

/// Makes the silence: back to the alert (now suppressed), or its page
/// with the form and every message beside its field.
pub async fn create(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(fp): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> UiResult {
    let f = SilenceForm::from_pairs(pairs);
    let a = s.app.get_alert(&ctx.actor, &fp).await.or_page(&ctx)?;
    let now = fmt::now_micros();
    let end = f.end(now);
    let posted = f.posted(&a, *end.as_ref().unwrap_or(&(now + 60 * MINUTE)), &ctx.actor.username, now);
    let bad = match end {
        Ok(_) => match s.app.post_silence(&ctx.actor, posted).await {
            Ok(_) => return see_other(&format!("/alerts/{fp}?m=silenced")),
            Err(AppError::Invalid(bad)) => bad,
            Err(e) => return Err(ctx.fail(e)),
        },
        // The rest is checked as well, so every message shows at once;
        // nothing is stored.
        Err(own) => {
            let matchers = matchers_from_api(&posted.matchers).unwrap_or(Matchers(Vec::new()));
            let rest = Silence {
                matchers,
                starts_at: posted.starts_at,
                ends_at: posted.ends_at,
                created_by: posted.created_by.trim().to_owned(),
                comment: posted.comment.trim().to_owned(),
            };
            let mut bad = vec![own];
            bad.extend(rest.validate(now).into_iter().map(|(field, m)| FieldError::new(&field, m)));
            bad
        }
    };
    let bad = bad.into_iter().map(|e| FieldError { field: f.field_of(&e.field), ..e }).collect();
    let drafts = Drafts { silence: Some((f, widgets::Errors(bad))), ..Drafts::default() };
    alert_page::page(&s, &ctx, &fp, "", drafts).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_end_times_read_as_the_form_offers_them() {
        let now = 1_800_000_000_000_000;
        let form = |duration: &str, ends_at: &str| SilenceForm {
            duration: duration.into(),
            ends_at: ends_at.into(),
            ..Default::default()
        };
        assert_eq!(form("15m", "").end(now).unwrap(), now + 15 * MINUTE);
        assert_eq!(form("1w", "junk").end(now).unwrap(), now + 7 * 24 * 60 * MINUTE, "the end time is unused");
        assert_eq!(form("end", "2027-01-15T10:30").end(now).unwrap(), 1_800_009_000_000_000);
        let bad = form("2y", "").end(now).unwrap_err();
        assert_eq!((bad.field.as_str(), bad.code), ("duration", Code::NotOneOf));
        let bad = form("end", "").end(now).unwrap_err();
        assert_eq!((bad.field.as_str(), bad.code), ("ends_at", Code::Required));
        let bad = form("end", "2027-01-15T08:00").end(now).unwrap_err();
        assert_eq!((bad.field.as_str(), bad.code), ("ends_at", Code::EndsInPast));
        let bad = form("end", "tomorrow").end(now).unwrap_err();
        assert_eq!(bad.field, "ends_at");
        assert_eq!(form("end", "").field_of("endsAt"), "ends_at");
        assert_eq!(form("1h", "").field_of("endsAt"), "duration");
        assert_eq!(form("1h", "").field_of("matchers[2]"), "matchers");
        assert_eq!(form("1h", "").field_of("comment"), "comment");
    }
}
