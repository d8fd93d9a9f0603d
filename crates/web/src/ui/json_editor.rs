//! The panel where managers edit a settings document as JSON (the alert
//! routing, the risk questionnaire): each problem named by its field, what
//! was typed kept, and a button back to the built-in document.

use super::{Ctx, widgets};
use crate::i18n;
use maud::{Markup, html};
use steward_app::{AppError, Code, FieldError};

/// What one editor says and where it posts; `id` prefixes its element ids
/// (`{id}-edit`, `{id}-form`, `{id}-json`, …).
pub struct JsonEditor<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub errors_title: &'a str,
    pub label: &'a str,
    pub hint: &'a str,
    pub save: &'a str,
    pub reset: &'a str,
    /// The form field the JSON is posted in.
    pub field: &'a str,
    pub action: &'a str,
    pub reset_action: &'a str,
}

impl JsonEditor<'_> {
    pub fn render(&self, ctx: &Ctx, text: &str, errors: &[FieldError]) -> Markup {
        let id = |s: &str| format!("{}-{s}", self.id);
        html! {
            section.panel id=(id("edit")) aria-labelledby=(id("edit-title")) {
                h2 id=(id("edit-title")) { (self.title) }
                @if !errors.is_empty() {
                    div.notice.error role="alert" id=(id("errors")) {
                        (self.errors_title)
                        ul { @for e in errors { li { code { (e.field) } ": " (said(ctx, e)) } } }
                    }
                }
                form id=(id("form")) method="post" action=(self.action) {
                    (widgets::csrf(&ctx.csrf))
                    div.field {
                        label for=(id("json")) { (self.label) }
                        p.hint id=(id("json-hint")) { (self.hint) }
                        textarea.code id=(id("json")) name=(self.field) rows="24" spellcheck="false"
                            aria-describedby=(id("json-hint")) aria-invalid=[(!errors.is_empty()).then_some("true")] { (text) }
                    }
                    button.btn.btn-primary id=(id("save")) type="submit" { (self.save) }
                }
                form.inline id=(id("reset")) method="post" action=(self.reset_action) {
                    (widgets::csrf(&ctx.csrf))
                    button.btn.btn-quiet type="submit" { (self.reset) }
                }
            }
        }
    }
}

/// A problem in the viewer's language (a JSON one is said so already).
fn said<'a>(ctx: &Ctx, e: &'a FieldError) -> std::borrow::Cow<'a, str> {
    if e.code == Code::Malformed { e.message.as_str().into() } else { i18n::app_message(ctx.lang, e) }
}

/// The posted text read as `T`: when it is not JSON of that shape, a
/// problem on the path where reading stopped (the form field itself when
/// at the top), said by `not_json` around serde's reason.
pub fn parse<T: serde::de::DeserializeOwned>(
    text: &str,
    field: &str,
    not_json: impl Fn(&str) -> String,
) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." { field.to_owned() } else { path };
        AppError::field(&at, Code::Malformed.msg(not_json(&e.into_inner().to_string())))
    })
}
