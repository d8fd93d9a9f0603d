//! Settings documents managers edit as JSON (the alert routing, the CI
//! label rules, the risk questionnaire): the page that shows one, the
//! editor panel (each problem named by its field, what was typed kept, a
//! button back to the built-in document), its save and its reset.

use super::{Ctx, OrPage, UiResult, see_other, staff_only, widgets};
use crate::{AppState, i18n};
use axum::{
    Form,
    extract::{Query, State},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{Actor, App, AppError, Code, FieldError};
use steward_domain::Role;

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

/// What a settings page says around its document.
pub struct PageTexts {
    pub title: &'static str,
    pub edit_title: &'static str,
    pub saved: &'static str,
    pub was_reset: &'static str,
    pub errors_title: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub save: &'static str,
    pub reset: &'static str,
}

/// A settings document with a page of its own (the alert routing, the CI
/// label rules, the risk questionnaire): staff read it, managers and
/// admins replace it as the API's JSON or go back to the built-in one.
/// The page, its save and its reset are [`routes`]'.
pub trait SettingsPage: Send + Sync + 'static {
    /// What the page shows.
    type Doc: Send;
    /// What a save posts.
    type Posted: serde::de::DeserializeOwned + Send;
    const PATH: &'static str;
    /// The editor's id prefix (`{ID}-json`, …) and the form field the JSON
    /// is posted in.
    const ID: &'static str;
    const FIELD: &'static str;
    fn load(app: &App, actor: &Actor) -> impl Future<Output = Result<Self::Doc, AppError>> + Send;
    fn store(app: &App, actor: &Actor, posted: Self::Posted) -> impl Future<Output = Result<(), AppError>> + Send;
    fn reset(app: &App, actor: &Actor) -> impl Future<Output = Result<(), AppError>> + Send;
    /// The document as the editor shows it.
    fn json(doc: &Self::Doc) -> String;
    fn texts(ctx: &Ctx) -> PageTexts;
    /// A text that is not the document's JSON, around serde's reason.
    fn not_json(ctx: &Ctx, reason: &str) -> String;
    /// The panels above the editor (the document as read).
    fn body(ctx: &Ctx, doc: &Self::Doc) -> Markup;
}

/// The page at `P::PATH`, its save (`POST P::PATH`) and its reset
/// (`POST P::PATH/reset`).
pub fn routes<P: SettingsPage>() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route(P::PATH, get(show::<P>).post(save::<P>))
        .route(&format!("{}/reset", P::PATH), post(reset::<P>))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Flash {
    m: String,
}

async fn show<P: SettingsPage>(State(s): State<AppState>, ctx: Ctx, Query(f): Query<Flash>) -> UiResult {
    staff_only(&ctx)?;
    page::<P>(&s, &ctx, &f.m, None).await
}

async fn page<P: SettingsPage>(
    s: &AppState,
    ctx: &Ctx,
    flash: &str,
    draft: Option<(String, Vec<FieldError>)>,
) -> UiResult {
    let doc = P::load(&s.app, &ctx.actor).await.or_page(ctx)?;
    let texts = P::texts(ctx);
    let flash = match flash {
        "saved" => Some(texts.saved),
        "reset" => Some(texts.was_reset),
        _ => None,
    };
    let status = if draft.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let keeper = matches!(ctx.actor.role, Role::Manager | Role::Admin);
    let reset_action = format!("{}/reset", P::PATH);
    let body = html! {
        div.page-head { h1 { (texts.title) } }
        @if let Some(m) = flash { (widgets::notice(m)) }
        (P::body(ctx, &doc))
        @if keeper {
            @let (text, errors) = draft.unwrap_or_else(|| (P::json(&doc), Vec::new()));
            (JsonEditor {
                id: P::ID,
                title: texts.edit_title,
                errors_title: texts.errors_title,
                label: texts.label,
                hint: texts.hint,
                save: texts.save,
                reset: texts.reset,
                field: P::FIELD,
                action: P::PATH,
                reset_action: &reset_action,
            }
            .render(ctx, &text, &errors))
        }
    };
    Ok(super::html(status, super::layout::page(ctx, texts.title, body)))
}

async fn save<P: SettingsPage>(
    State(s): State<AppState>,
    ctx: Ctx,
    Form(form): Form<std::collections::HashMap<String, String>>,
) -> UiResult {
    let text = form.get(P::FIELD).cloned().unwrap_or_default();
    let result = match parse::<P::Posted>(&text, P::FIELD, |reason| P::not_json(&ctx, reason)) {
        Ok(posted) => P::store(&s.app, &ctx.actor, posted).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => see_other(&format!("{}?m=saved", P::PATH)),
        Err(AppError::Invalid(bad)) => page::<P>(&s, &ctx, "", Some((text, bad))).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

async fn reset<P: SettingsPage>(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    P::reset(&s.app, &ctx.actor).await.or_page(&ctx)?;
    see_other(&format!("{}?m=reset", P::PATH))
}
