//! The forms that make, edit and delete a check (managers and admins, as
//! the API's rights say). One form serves every kind: the fields of the
//! kind chosen are read, the others left out. Every refusal is shown
//! beside its field with what was typed kept (422); nothing is stored.
//! A plugin check picks its file from the configured plugin folder.

use super::check_list::{KINDS, kind_name};
use super::check_texts::CheckMsg;
use super::{Ctx, OrPage, UiResult, html, layout, see_other, widgets};
use crate::{AppState, i18n::Msg};
use axum::{
    Form,
    extract::{Path, State, rejection::PathRejection},
    http::StatusCode,
};
use maud::{Markup, html};
use serde::Deserialize;
use steward_app::{
    AppError, Code, FieldError,
    checks::{CheckPatch, CheckView, NewCheck},
    incidents::Patch,
};
use steward_domain::check::{
    CheckDef, CheckKind, DnsCheck, HttpCheck, HttpMethod, PluginCheck, RecordType, StatusRange, TlsCheck,
    definition::{PingCheck, TcpCheck},
};

/// The form as typed: every field text, so nothing typed is lost.
#[derive(Deserialize, Default, Debug, Clone)]
#[serde(default)]
pub struct CheckForm {
    pub name: String,
    pub kind: String,
    /// `on` when ticked.
    pub enabled: String,
    pub ci: String,
    pub service: String,
    pub interval_secs: String,
    pub timeout_ms: String,
    pub retries: String,
    pub url: String,
    pub method: String,
    pub expected_status: String,
    pub body_contains: String,
    pub json_condition: String,
    pub max_response_ms: String,
    pub host: String,
    pub port: String,
    pub warn_days: String,
    pub critical_days: String,
    /// The DNS name to look up (`definition.name`).
    pub lookup: String,
    pub record_type: String,
    pub expected: String,
    pub server: String,
    pub file: String,
    /// One argument a line.
    pub args: String,
    pub version: String,
}

impl CheckForm {
    /// A new check's form: an HTTP check once a minute, enabled.
    fn blank() -> Self {
        CheckForm {
            kind: "http".into(),
            enabled: "on".into(),
            interval_secs: "60".into(),
            timeout_ms: "10000".into(),
            retries: "2".into(),
            method: "GET".into(),
            record_type: "A".into(),
            ..Default::default()
        }
    }

    /// The form of a check as it is.
    fn of(v: &CheckView) -> Self {
        let d = &v.definition;
        let mut f = CheckForm {
            name: v.row.check.name.clone(),
            kind: d.kind.as_str().to_owned(),
            enabled: if v.row.check.enabled != 0 { "on".into() } else { String::new() },
            ci: v.ci.as_ref().map(|(_, n)| n.clone()).unwrap_or_default(),
            service: v.service.as_ref().map(|(_, n)| n.clone()).unwrap_or_default(),
            interval_secs: d.interval_secs.to_string(),
            timeout_ms: d.timeout_ms.to_string(),
            retries: d.retries.to_string(),
            method: "GET".into(),
            record_type: "A".into(),
            version: v.row.check.version.to_string(),
            ..Default::default()
        };
        match &d.kind {
            CheckKind::Http(h) => {
                f.url = h.url.clone();
                f.method = h.method.as_str().to_owned();
                f.expected_status = h.expected_status.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                f.body_contains = h.body_contains.clone().unwrap_or_default();
                f.json_condition = h.json_condition.clone().unwrap_or_default();
                f.max_response_ms = h.max_response_ms.map(|m| m.to_string()).unwrap_or_default();
            }
            CheckKind::Tcp(t) => (f.host, f.port) = (t.host.clone(), t.port.to_string()),
            CheckKind::Dns(dns) => {
                f.lookup = dns.name.clone();
                f.record_type = dns.record_type.as_str().to_owned();
                f.expected = dns.expected.clone().unwrap_or_default();
                f.server = dns.server.clone().unwrap_or_default();
            }
            CheckKind::Tls(t) => {
                (f.host, f.port) = (t.host.clone(), t.port.to_string());
                (f.warn_days, f.critical_days) = (t.warn_days.to_string(), t.critical_days.to_string());
            }
            CheckKind::Ping(p) => f.host = p.host.clone(),
            CheckKind::Plugin(p) => (f.file, f.args) = (p.file.clone(), p.args.join("\n")),
        }
        f
    }

    /// The definition typed, or the fields that do not read (a number
    /// that is not one, a kind not offered, a status list that does not
    /// parse); the domain's own rules are the app's to check.
    fn definition(&self) -> Result<CheckDef, Vec<FieldError>> {
        let mut errs = Vec::new();
        let mut number = |field: &str, text: &str, blank: Option<u64>| -> u64 {
            let t = text.trim();
            if t.is_empty() {
                if let Some(b) = blank {
                    return b;
                }
            }
            match t.parse::<u64>() {
                Ok(n) => n,
                Err(_) if t.is_empty() => {
                    errs.push(FieldError::new(field, Code::Required.msg("is required")));
                    0
                }
                Err(_) => {
                    let m = Code::TextNotNumber.msg(format!("{t:?} is not a number")).with("text", format!("{t:?}"));
                    errs.push(FieldError::new(field, m));
                    0
                }
            }
        };
        let clamp32 = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        let clamp16 = |n: u64| u16::try_from(n).unwrap_or(u16::MAX);
        let interval_secs = clamp32(number("interval_secs", &self.interval_secs, None));
        let timeout_ms = clamp32(number("timeout_ms", &self.timeout_ms, None));
        let retries = u8::try_from(number("retries", &self.retries, Some(0))).unwrap_or(u8::MAX);
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let kind = match self.kind.as_str() {
            "http" => {
                let max = opt(&self.max_response_ms).map(|m| clamp32(number("max_response_ms", &m, None)));
                let expected_status = StatusRange::parse_list(&self.expected_status).unwrap_or_else(|m| {
                    errs.push(FieldError::new("expected_status", m));
                    Vec::new()
                });
                let method = if self.method == "HEAD" { HttpMethod::Head } else { HttpMethod::Get };
                CheckKind::Http(HttpCheck {
                    url: self.url.trim().to_owned(),
                    method,
                    expected_status,
                    body_contains: opt(&self.body_contains),
                    json_condition: opt(&self.json_condition),
                    max_response_ms: max,
                })
            }
            "tcp" => CheckKind::Tcp(TcpCheck {
                host: self.host.trim().to_owned(),
                port: clamp16(number("port", &self.port, None)),
            }),
            "tls" => CheckKind::Tls(TlsCheck {
                host: self.host.trim().to_owned(),
                port: clamp16(number("port", &self.port, Some(443))),
                warn_days: clamp16(number("warn_days", &self.warn_days, Some(30))),
                critical_days: clamp16(number("critical_days", &self.critical_days, Some(14))),
            }),
            "ping" => CheckKind::Ping(PingCheck { host: self.host.trim().to_owned() }),
            "dns" => CheckKind::Dns(DnsCheck {
                name: self.lookup.trim().to_owned(),
                record_type: match self.record_type.as_str() {
                    "AAAA" => RecordType::Aaaa,
                    "CNAME" => RecordType::Cname,
                    "MX" => RecordType::Mx,
                    "TXT" => RecordType::Txt,
                    _ => RecordType::A,
                },
                expected: opt(&self.expected),
                server: opt(&self.server),
            }),
            "plugin" => CheckKind::Plugin(PluginCheck {
                file: self.file.trim().to_owned(),
                args: self
                    .args
                    .lines()
                    .map(|l| l.trim_end_matches('\r').to_owned())
                    .filter(|l| !l.is_empty())
                    .collect(),
            }),
            other => {
                let m = steward_domain::code::not_one_of(other, &KINDS);
                errs.push(FieldError::new("kind", m));
                return Err(errs);
            }
        };
        if errs.is_empty() { Ok(CheckDef { kind, interval_secs, timeout_ms, retries }) } else { Err(errs) }
    }
}

/// The form's name of an app's field: `definition.host` is `host`, the
/// DNS name `lookup`, `definition.args[2]` the arguments.
fn form_field(e: FieldError) -> FieldError {
    let field = match e.field.strip_prefix("definition.") {
        Some("name") => "lookup".to_owned(),
        Some(f) if f.starts_with("args[") => "args".to_owned(),
        Some(f) if f.starts_with("expected_status[") => "expected_status".to_owned(),
        Some(f) => f.to_owned(),
        None => e.field.clone(),
    };
    FieldError { field, ..e }
}

fn keepers_only(ctx: &Ctx) -> Result<(), super::Failure> {
    steward_domain::access::can_keep_checks(ctx.actor.role).map_err(|d| ctx.fail(AppError::from(d)))
}

/// What the form is for: a new check, or an edit of the check `id`.
#[derive(Clone, Copy)]
enum Target {
    New,
    Edit(i64),
}

pub async fn new(State(s): State<AppState>, ctx: Ctx) -> UiResult {
    keepers_only(&ctx)?;
    page(&s, &ctx, Target::New, &CheckForm::blank(), widgets::Errors::default(), StatusCode::OK, None).await
}

pub async fn edit(State(s): State<AppState>, ctx: Ctx, id: Result<Path<i64>, PathRejection>) -> UiResult {
    keepers_only(&ctx)?;
    let Ok(Path(id)) = id else { return Err(ctx.fail(AppError::NotFound("check"))) };
    let v = s.app.check(&ctx.actor, id).await.or_page(&ctx)?;
    page(&s, &ctx, Target::Edit(id), &CheckForm::of(&v), widgets::Errors::default(), StatusCode::OK, None).await
}

/// The form again with its refusals beside their fields.
async fn refused(s: &AppState, ctx: &Ctx, to: Target, f: &CheckForm, errors: Vec<FieldError>) -> UiResult {
    let errors = widgets::Errors(errors.into_iter().map(form_field).collect());
    page(s, ctx, to, f, errors, StatusCode::UNPROCESSABLE_ENTITY, None).await
}

pub async fn create(State(s): State<AppState>, ctx: Ctx, Form(f): Form<CheckForm>) -> UiResult {
    keepers_only(&ctx)?;
    let definition = match f.definition() {
        Ok(d) => d,
        Err(errors) => return refused(&s, &ctx, Target::New, &f, errors).await,
    };
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let new = NewCheck {
        name: f.name.trim().to_owned(),
        definition,
        ci: opt(&f.ci),
        service: opt(&f.service),
        enabled: Some(f.enabled == "on"),
    };
    match s.app.add_check(&ctx.actor, new).await {
        Ok(c) => see_other(&format!("/checks/{}?m=created", c.row.check.id)),
        Err(AppError::Invalid(e)) => refused(&s, &ctx, Target::New, &f, e).await,
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn update(
    State(s): State<AppState>,
    ctx: Ctx,
    id: Result<Path<i64>, PathRejection>,
    Form(mut f): Form<CheckForm>,
) -> UiResult {
    keepers_only(&ctx)?;
    let Ok(Path(id)) = id else { return Err(ctx.fail(AppError::NotFound("check"))) };
    let to = Target::Edit(id);
    let definition = match f.definition() {
        Ok(d) => d,
        Err(errors) => return refused(&s, &ctx, to, &f, errors).await,
    };
    let p = CheckPatch {
        name: Some(f.name.trim().to_owned()),
        definition: Some(definition),
        ci: Patch::Set(f.ci.trim().to_owned()),
        service: Patch::Set(f.service.trim().to_owned()),
        enabled: Some(f.enabled == "on"),
    };
    // A version that does not read is as stale as an old one.
    let version = f.version.trim().parse::<i64>().unwrap_or(0);
    match s.app.update_check(&ctx.actor, id, Some(version), p).await {
        Ok(_) => see_other(&format!("/checks/{id}")),
        Err(AppError::Invalid(e)) => refused(&s, &ctx, to, &f, e).await,
        Err(AppError::Stale { current, .. }) => {
            // The edit is kept against the latest version: saving again applies it.
            f.version = current.to_string();
            let why = ctx.t(CheckMsg::StaleEdit);
            page(&s, &ctx, to, &f, widgets::Errors::default(), StatusCode::CONFLICT, Some(why)).await
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn delete(State(s): State<AppState>, ctx: Ctx, id: Result<Path<i64>, PathRejection>) -> UiResult {
    keepers_only(&ctx)?;
    let Ok(Path(id)) = id else { return Err(ctx.fail(AppError::NotFound("check"))) };
    s.app.delete_check(&ctx.actor, id).await.or_page(&ctx)?;
    see_other("/checks?m=deleted")
}

async fn page(
    s: &AppState,
    ctx: &Ctx,
    to: Target,
    f: &CheckForm,
    errors: widgets::Errors,
    status: StatusCode,
    why: Option<&str>,
) -> UiResult {
    let plugins = s.app.plugin_files(&ctx.actor).await.or_page(ctx)?;
    let (title, action, back) = match to {
        Target::New => (ctx.t(CheckMsg::NewCheck), "/checks".to_owned(), "/checks".to_owned()),
        Target::Edit(id) => (ctx.t(CheckMsg::EditTitle), format!("/checks/{id}/edit"), format!("/checks/{id}")),
    };
    let body = html! {
        div.narrow {
            nav.crumbs aria-label="Breadcrumb" { a href="/checks" { (ctx.t(CheckMsg::Title)) } }
            h1 { (title) }
            @if let Some(w) = why { (widgets::alert(w, None)) }
            @if !errors.is_empty() { (widgets::alert(ctx.t(Msg::FixErrors), None)) }
            (form(ctx, f, &errors, plugins.as_deref(), &action, &back))
        }
    };
    Ok(html(status, layout::page(ctx, title, body)))
}

fn form(
    ctx: &Ctx,
    f: &CheckForm,
    errors: &widgets::Errors,
    plugins: Option<&[String]>,
    action: &str,
    back: &str,
) -> Markup {
    let lang = ctx.lang;
    let field = |id, name, label| widgets::Field::new(lang, id, name, label, errors);
    let kinds: Vec<(String, String)> = KINDS.iter().map(|k| ((*k).to_owned(), kind_name(k).to_owned())).collect();
    let pairs = |list: &[&str]| list.iter().map(|v| ((*v).to_owned(), (*v).to_owned())).collect::<Vec<_>>();
    let number = |id, name, label| widgets::Field { kind: Some("number"), ..field(id, name, label) };
    let mut files: Vec<(String, String)> = vec![(String::new(), ctx.t(Msg::ChooseOne).to_owned())];
    files.extend(plugins.unwrap_or_default().iter().map(|p| (p.clone(), p.clone())));
    let shown = [
        "name",
        "kind",
        "ci",
        "service",
        "interval_secs",
        "timeout_ms",
        "retries",
        "url",
        "method",
        "expected_status",
        "body_contains",
        "json_condition",
        "max_response_ms",
        "host",
        "port",
        "warn_days",
        "critical_days",
        "lookup",
        "record_type",
        "expected",
        "server",
        "file",
        "args",
        "enabled",
    ];
    html! {
        form.check-form #check-form method="post" action=(action) novalidate {
            (widgets::csrf(&ctx.csrf))
            input type="hidden" name="version" value=(f.version);
            @for e in errors.others(&shown) {
                (widgets::alert(&format!("{}: {}", e.field, crate::i18n::app_message(lang, e)), None))
            }
            (widgets::Field { required: true, ..field("check-name", "name", ctx.t(Msg::Name)) }.input(&f.name))
            (widgets::Field { hint: Some(ctx.t(CheckMsg::KindHint)), ..field("check-kind", "kind", ctx.t(CheckMsg::Kind)) }
                .select(&kinds, &f.kind))
            div.field.check-enabled {
                label {
                    input type="checkbox" name="enabled" value="on" checked[f.enabled == "on"];
                    " " (ctx.t(CheckMsg::Enabled))
                }
            }
            (field("check-ci", "ci", ctx.t(CheckMsg::CiField)).input(&f.ci))
            (widgets::Field { hint: Some(ctx.t(CheckMsg::ServiceHint)), ..field("check-service", "service", ctx.t(CheckMsg::ServiceField)) }
                .input(&f.service))
            div.field-row {
                (widgets::Field { required: true, ..number("check-interval", "interval_secs", ctx.t(CheckMsg::Interval)) }.input(&f.interval_secs))
                (widgets::Field { required: true, ..number("check-timeout", "timeout_ms", ctx.t(CheckMsg::Timeout)) }.input(&f.timeout_ms))
                (widgets::Field { hint: Some(ctx.t(CheckMsg::RetriesHint)), ..number("check-retries", "retries", ctx.t(CheckMsg::Retries)) }.input(&f.retries))
            }
            fieldset.check-kind-fields #fields-http {
                legend { (ctx.t(CheckMsg::HttpFields)) }
                (widgets::Field { kind: Some("url"), ..field("check-url", "url", ctx.t(CheckMsg::Url)) }.input(&f.url))
                (field("check-method", "method", ctx.t(CheckMsg::Method)).select(&pairs(&["GET", "HEAD"]), &f.method))
                (widgets::Field { hint: Some(ctx.t(CheckMsg::ExpectedStatusHint)), ..field("check-expected-status", "expected_status", ctx.t(CheckMsg::ExpectedStatus)) }
                    .input(&f.expected_status))
                (field("check-body-contains", "body_contains", ctx.t(CheckMsg::BodyContains)).input(&f.body_contains))
                (widgets::Field { hint: Some(ctx.t(CheckMsg::JsonConditionHint)), ..field("check-json-condition", "json_condition", ctx.t(CheckMsg::JsonCondition)) }
                    .input(&f.json_condition))
                (number("check-max-response", "max_response_ms", ctx.t(CheckMsg::MaxResponse)).input(&f.max_response_ms))
            }
            fieldset.check-kind-fields #fields-host {
                legend { (ctx.t(CheckMsg::HostFields)) }
                (field("check-host", "host", ctx.t(CheckMsg::Host)).input(&f.host))
                (widgets::Field { hint: Some(ctx.t(CheckMsg::PortHint)), ..number("check-port", "port", ctx.t(CheckMsg::Port)) }.input(&f.port))
                (number("check-warn-days", "warn_days", ctx.t(CheckMsg::WarnDays)).input(&f.warn_days))
                (number("check-critical-days", "critical_days", ctx.t(CheckMsg::CriticalDays)).input(&f.critical_days))
            }
            fieldset.check-kind-fields #fields-dns {
                legend { (ctx.t(CheckMsg::DnsFields)) }
                (field("check-lookup", "lookup", ctx.t(CheckMsg::Lookup)).input(&f.lookup))
                (field("check-record-type", "record_type", ctx.t(CheckMsg::RecordType))
                    .select(&pairs(&["A", "AAAA", "CNAME", "MX", "TXT"]), &f.record_type))
                (field("check-expected", "expected", ctx.t(CheckMsg::Expected)).input(&f.expected))
                (field("check-server", "server", ctx.t(CheckMsg::Server)).input(&f.server))
            }
            fieldset.check-kind-fields #fields-plugin {
                legend { (ctx.t(CheckMsg::PluginFields)) }
                @match plugins {
                    None => p.hint #plugins-off { (ctx.t(CheckMsg::PluginsOff)) },
                    Some([]) => p.hint #no-plugins { (ctx.t(CheckMsg::NoPlugins)) },
                    Some(_) => {},
                }
                @if plugins.is_some_and(|p| !p.is_empty()) || !f.file.is_empty() || errors.get("file").is_some() {
                    (field("check-file", "file", ctx.t(CheckMsg::PluginFile)).select(&files, &f.file))
                }
                (field("check-args", "args", ctx.t(CheckMsg::PluginArgs)).textarea(&f.args, 3))
            }
            div.form-actions {
                button.btn.btn-primary type="submit" {
                    @if f.version.is_empty() { (ctx.t(CheckMsg::Create)) } @else { (ctx.t(Msg::SaveChanges)) }
                }
                a.btn.btn-quiet href=(back) { (ctx.t(Msg::Cancel)) }
            }
        }
    }
}
