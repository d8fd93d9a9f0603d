//! Small pieces every page uses: badges, times, form fields with their
//! messages, notices.

use super::fmt;
use crate::i18n::{self, Lang, Msg};
use maud::{Markup, html};
use steward_app::FieldError;
use steward_domain::IncidentState;

pub fn state_badge(lang: Lang, state: &str) -> Markup {
    // Incidents' states first; a problem's own (assessment, …) next, then a change's.
    let label = match state.parse::<IncidentState>() {
        Ok(s) => i18n::state(lang, s),
        Err(_) => state
            .parse()
            .map(|s| super::problem_texts::state(lang, s))
            .or_else(|_| state.parse().map(|s| super::change_texts::state(lang, s)))
            .unwrap_or(state),
    };
    html! { span class={ "badge state state-" (state) } { (label) } }
}

/// "P1" … "P5", coloured from red to grey, named in the tooltip.
pub fn priority_badge(lang: Lang, p: i64) -> Markup {
    html! {
        span class={ "badge prio prio-" (p.clamp(1, 5)) } title=(i18n::priority_name(lang, p)) { "P" (p) }
    }
}

pub fn major_flag(lang: Lang) -> Markup {
    html! { span.badge.major title=(i18n::t(lang, Msg::MajorIncident)) { "★ " (i18n::t(lang, Msg::MajorIncident)) } }
}

/// A relative time with the exact one in its tooltip.
pub fn time(lang: Lang, micros: i64, now: i64) -> Markup {
    html! {
        time datetime=(fmt::iso(micros)) title=(fmt::absolute(lang, micros)) { (fmt::relative(lang, micros, now)) }
    }
}

pub fn opt_time(lang: Lang, micros: Option<i64>, now: i64) -> Markup {
    match micros {
        Some(m) => time(lang, m, now),
        None => html! { span.muted { (i18n::t(lang, Msg::Empty)) } },
    }
}

/// A message as a sentence: "is required" → "Is required".
pub fn sentence(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A success message after a post.
pub fn notice(text: &str) -> Markup {
    html! { div.notice.success role="status" { (text) } }
}

/// A problem that concerns the whole page, optionally with a way out.
pub fn alert(text: &str, link: Option<(&str, &str)>) -> Markup {
    html! {
        div.notice.error role="alert" {
            (text)
            @if let Some((href, label)) = link { " " a href=(href) { (label) } }
        }
    }
}

/// The messages of a rejected form, by field.
#[derive(Debug, Default, Clone)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn get(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Messages for fields the form does not show, so none is lost.
    pub fn others<'a>(&'a self, shown: &'a [&str]) -> impl Iterator<Item = &'a FieldError> {
        self.0.iter().filter(move |e| !shown.contains(&e.field.as_str()))
    }

    /// A form page's status: 409 when what it edits changed meanwhile,
    /// 422 with errors to show, else 200.
    pub fn status(&self, stale: bool) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        if stale {
            StatusCode::CONFLICT
        } else if self.0.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }
}

/// A labelled form control with its hint and its error beside it.
#[derive(Default)]
pub struct Field<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub label: &'a str,
    pub hint: Option<&'a str>,
    pub error: Option<String>,
    pub required: bool,
    pub placeholder: Option<&'a str>,
    pub list: Option<&'a str>,
    pub autocomplete: Option<&'a str>,
    pub kind: Option<&'a str>,
    pub autofocus: bool,
}

impl<'a> Field<'a> {
    pub fn new(lang: Lang, id: &'a str, name: &'a str, label: &'a str, errors: &Errors) -> Self {
        let error = errors.get(name).map(|m| sentence(&i18n::app_message(lang, m)));
        Field { id, name, label, error, ..Default::default() }
    }

    fn describedby(&self) -> Option<String> {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    fn wrap(&self, control: Markup) -> Markup {
        html! {
            div class={ "field" @if self.error.is_some() { " has-error" } } {
                label for=(self.id) {
                    (self.label)
                    @if self.required { span.req aria-hidden="true" { " *" } }
                }
                (control)
                @if let Some(h) = self.hint { p.hint id={ (self.id) "-hint" } { (h) } }
                @if let Some(e) = &self.error { p.field-error id={ (self.id) "-error" } { (e) } }
            }
        }
    }

    pub fn input(&self, value: &str) -> Markup {
        self.wrap(html! {
            input type=(self.kind.unwrap_or("text")) id=(self.id) name=(self.name) value=(value)
                required[self.required] autofocus[self.autofocus] placeholder=[self.placeholder] list=[self.list]
                autocomplete=[self.autocomplete] aria-invalid=[self.error.as_ref().map(|_| "true")]
                aria-describedby=[self.describedby()];
        })
    }

    /// A file input that takes several files.
    pub fn input_multiple(&self) -> Markup {
        self.wrap(html! {
            input type="file" id=(self.id) name=(self.name) multiple aria-invalid=[self.error.as_ref().map(|_| "true")]
                aria-describedby=[self.describedby()];
        })
    }

    pub fn textarea(&self, value: &str, rows: u32) -> Markup {
        self.wrap(html! {
            textarea id=(self.id) name=(self.name) rows=(rows) required[self.required] autofocus[self.autofocus]
                placeholder=[self.placeholder] aria-invalid=[self.error.as_ref().map(|_| "true")]
                aria-describedby=[self.describedby()] { (value) }
        })
    }

    /// A select over (value, label) pairs.
    /// A value the options do not offer (e.g. from a hand-made link) is
    /// kept as an extra option rather than silently shown as another.
    pub fn select(&self, options: &[(String, String)], selected: &str) -> Markup {
        let unknown = !selected.is_empty() && !options.iter().any(|(v, _)| v == selected);
        self.select_with(html! {
            @if unknown { option value=(selected) selected { (selected) } }
            @for (v, l) in options { option value=(v) selected[v == selected] { (l) } }
        })
    }

    /// A select with options built by the caller (e.g. with optgroups).
    pub fn select_with(&self, options: Markup) -> Markup {
        self.wrap(html! {
            select id=(self.id) name=(self.name) required[self.required] autofocus[self.autofocus]
                aria-invalid=[self.error.as_ref().map(|_| "true")] aria-describedby=[self.describedby()] { (options) }
        })
    }
}

/// The hidden CSRF field every posted form carries.
pub fn csrf(token: &str) -> Markup {
    html! { input type="hidden" name=(crate::auth::CSRF_FIELD) value=(token); }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_shows_its_error_beside_it() {
        let errors = Errors(vec![FieldError::new("title", steward_app::Code::Required.msg("is required"))]);
        let f = Field { required: true, ..Field::new(Lang::Pl, "title", "title", "Tytuł", &errors) };
        let out = f.input("").into_string();
        assert!(out.contains(r#"<p class="field-error" id="title-error">Jest wymagane</p>"#), "{out}");
        assert!(out.contains(r#"aria-describedby="title-error""#) && out.contains(r#"aria-invalid="true""#));
        assert!(out.contains(r#"class="field has-error""#));
        let ok = Field::new(Lang::En, "x", "x", "X", &Errors::default()).input("<b>").into_string();
        assert!(ok.contains(r#"value="&lt;b&gt;""#) && !ok.contains("aria-invalid"), "{ok}");
    }

    #[test]
    fn badges() {
        assert_eq!(
            state_badge(Lang::Pl, "on_hold").into_string(),
            r#"<span class="badge state state-on_hold">Wstrzymany</span>"#
        );
        assert!(
            priority_badge(Lang::En, 1).into_string().contains(r#"class="badge prio prio-1" title="Critical">P1<"#)
        );
    }
}
