//! Two-step sign-in on the own settings page: setting up an authenticator
//! app (a QR code of the `otpauth://` URI, the key in groups of four for
//! typing), confirming it with a code, the recovery codes shown once, and
//! renewing them or turning it off with the password.

use super::settings::{Drafts, render};
use super::{Ctx, OrPage, UiResult, see_other, settings_texts::SettingsMsg, widgets};
use crate::AppState;
use axum::{Form, extract::State};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use steward_app::two_factor::{Enrolment, TwoFactor};
use steward_app::{AppError, totp};

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/settings/two-factor/start", post(start))
        .route("/settings/two-factor/confirm", post(confirm))
        .route("/settings/two-factor/cancel", post(cancel))
        .route("/settings/two-factor/codes", post(renew))
        .route("/settings/two-factor/off", post(turn_off))
}

/// What the panel shows after a post: a refusal's messages, or the
/// recovery codes just made (shown this once).
#[derive(Default)]
pub struct Draft {
    pub errors: widgets::Errors,
    pub codes: Vec<String>,
}

impl Draft {
    pub fn is_refusal(&self) -> bool {
        !self.errors.is_empty()
    }
}

pub async fn panel(s: &AppState, ctx: &Ctx, draft: &Draft) -> Result<Markup, super::Failure> {
    let state = s.app.two_factor(&ctx.actor).await.or_page(ctx)?;
    let t = |m| ctx.t(m);
    Ok(html! {
        section.panel #two-factor aria-labelledby="two-factor-title" {
            h2 #two-factor-title { (t(SettingsMsg::TwoFactorTitle)) }
            @if !draft.codes.is_empty() { (codes(ctx, &draft.codes)) }
            @match &state {
                TwoFactor::Off => {
                    p.muted { (t(SettingsMsg::TwoFactorOffHint)) }
                    form method="post" action="/settings/two-factor/start" {
                        (widgets::csrf(&ctx.csrf))
                        button.btn type="submit" #two-factor-start { (t(SettingsMsg::TwoFactorStart)) }
                    }
                }
                TwoFactor::Pending(e) => (setup(ctx, e, &draft.errors)),
                TwoFactor::On { since, codes_left } => {
                    p #two-factor-on {
                        (i18n_since(ctx, *since)) " "
                        (crate::i18n::tf(ctx.lang, SettingsMsg::TwoFactorCodesLeft, &[("n", &codes_left.to_string())]))
                    }
                    form method="post" action="/settings/two-factor/codes" {
                        (widgets::csrf(&ctx.csrf))
                        (widgets::Field {
                            kind: Some("password"),
                            required: true,
                            autocomplete: Some("current-password"),
                            hint: Some(t(SettingsMsg::TwoFactorPasswordHint)),
                            ..widgets::Field::new(ctx.lang, "two-factor-password", "current_password",
                                t(SettingsMsg::CurrentPassword), &draft.errors)
                        }.input(""))
                        div.actions {
                            button.btn type="submit" #two-factor-renew { (t(SettingsMsg::TwoFactorRenew)) }
                            " "
                            button.btn.btn-danger type="submit" formaction="/settings/two-factor/off" #two-factor-off {
                                (t(SettingsMsg::TwoFactorTurnOff))
                            }
                        }
                    }
                }
            }
        }
    })
}

fn i18n_since(ctx: &Ctx, since: i64) -> Markup {
    let now = super::fmt::now_micros();
    html! { (ctx.t(SettingsMsg::TwoFactorOnSince)) " " (widgets::time(ctx.lang, since, now)) "." }
}

/// The steps of setting up: scan (or type the key), then confirm.
fn setup(ctx: &Ctx, e: &Enrolment, errors: &widgets::Errors) -> Markup {
    let t = |m| ctx.t(m);
    html! {
        ol.steps {
            li {
                p { (t(SettingsMsg::TwoFactorScan)) }
                figure.qr #two-factor-qr { (qr(&e.uri)) }
                p { (t(SettingsMsg::TwoFactorKey)) " " code #two-factor-secret { (totp::grouped(&e.secret)) } }
            }
            li {
                form method="post" action="/settings/two-factor/confirm" {
                    (widgets::csrf(&ctx.csrf))
                    (widgets::Field {
                        required: true,
                        autocomplete: Some("one-time-code"),
                        hint: Some(t(SettingsMsg::TwoFactorConfirmHint)),
                        autofocus: true,
                        ..widgets::Field::new(ctx.lang, "two-factor-code", "code", t(SettingsMsg::TwoFactorCode), errors)
                    }.input(""))
                    div.actions {
                        button.btn.btn-primary type="submit" #two-factor-confirm { (t(SettingsMsg::TwoFactorConfirm)) }
                        " "
                        button.btn type="submit" formaction="/settings/two-factor/cancel" formnovalidate #two-factor-cancel {
                            (ctx.t(crate::i18n::Msg::Cancel))
                        }
                    }
                }
            }
        }
    }
}

/// The recovery codes, this once.
fn codes(ctx: &Ctx, codes: &[String]) -> Markup {
    html! {
        div.notice.keep #recovery-codes role="status" {
            p { strong { (ctx.t(SettingsMsg::RecoveryCodesTitle)) } " " (ctx.t(SettingsMsg::RecoveryCodesHint)) }
            ul.codes { @for c in codes { li { code { (c) } } } }
        }
    }
}

/// The QR code of `uri` as inline SVG (black on white, so every camera
/// reads it in either theme).
fn qr(uri: &str) -> Markup {
    use qrcode::render::svg;
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<svg::Color<'_>>()
                .min_dimensions(200, 200)
                .dark_color(svg::Color("#000000"))
                .light_color(svg::Color("#ffffff"))
                .build();
            // The renderer starts with an XML declaration, not for HTML.
            let start = svg.find("<svg").unwrap_or(0);
            html! { (PreEscaped(svg[start..].replacen("<svg", "<svg role=\"img\" aria-label=\"QR code\"", 1))) }
        }
        Err(_) => html! {},
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    code: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    current_password: String,
}

/// The settings page again with this panel's draft.
async fn again(s: &AppState, ctx: &Ctx, flash: Option<&str>, draft: Draft) -> UiResult {
    render(s, ctx, flash, Drafts::two_factor(draft)).await
}

/// A refusal's messages, or the error page for anything else.
fn refused(ctx: &Ctx, e: AppError) -> Result<Draft, super::Failure> {
    match e {
        AppError::Invalid(errs) => Ok(Draft { errors: widgets::Errors(errs), codes: Vec::new() }),
        other => Err(ctx.fail(other)),
    }
}

pub async fn start(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    match s.app.begin_two_factor(&ctx.actor).await {
        Ok(_) => see_other("/settings#two-factor"),
        Err(e) => again(&s, &ctx, None, refused(&ctx, e)?).await,
    }
}

pub async fn confirm(State(s): State<AppState>, ctx: Ctx, Form(f): Form<CodeForm>) -> UiResult {
    match s.app.confirm_two_factor(&ctx.actor, &f.code).await {
        Ok(codes) => again(&s, &ctx, Some("two_factor_on"), Draft { codes, ..Draft::default() }).await,
        Err(e) => again(&s, &ctx, None, refused(&ctx, e)?).await,
    }
}

pub async fn cancel(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    s.app.cancel_two_factor_setup(&ctx.actor).await.or_page(&ctx)?;
    see_other("/settings#two-factor")
}

pub async fn renew(State(s): State<AppState>, ctx: Ctx, Form(f): Form<PasswordForm>) -> UiResult {
    match s.app.renew_recovery_codes(&ctx.actor, &f.current_password).await {
        Ok(codes) => again(&s, &ctx, Some("recovery_codes"), Draft { codes, ..Draft::default() }).await,
        Err(e) => again(&s, &ctx, None, refused(&ctx, e)?).await,
    }
}

pub async fn turn_off(State(s): State<AppState>, ctx: Ctx, Form(f): Form<PasswordForm>) -> UiResult {
    match s.app.disable_two_factor(&ctx.actor, &f.current_password).await {
        Ok(()) => see_other("/settings?m=two_factor_off"),
        Err(e) => again(&s, &ctx, None, refused(&ctx, e)?).await,
    }
}
