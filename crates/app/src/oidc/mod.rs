//! Single sign-on with OpenID Connect: the authorization code flow with
//! PKCE (S256), for a confidential client.
//!
//! [`App::oidc_start`] reads the provider's discovery document (cached),
//! records the sign-in under way — state, nonce and PKCE verifier, bound to
//! the browser by a random cookie whose hash is kept with them (migration
//! 0046) — and hands back the authorization URL. [`App::oidc_finish`]
//! takes that record (once: it is deleted as it is read; ten minutes at
//! most), exchanges the code with the verifier at the token endpoint, checks
//! the ID token ([`jwt`]), reads the claims (from the userinfo endpoint when
//! the ID token lacks one), maps the provider's groups to a role and
//! Steward groups, and signs the person in with
//! [`App::sign_in_external`] as `oidc` / `ISSUER SUB`.
//!
//! Every refusal is an [`OidcError`] and is audited as `sign_in_failed`;
//! a provider that cannot be reached only stops this way of signing in.

pub mod jwt;

use crate::audit::AuditEntry;
use crate::auth::{NewSession, random_secret, secret_hash};
use crate::external_sign_in::ExternalProfile;
use crate::{Actor, App, AppError};
use base64::Engine;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use steward_domain::Role;
use steward_domain::audit::AuditKind;
use steward_store::{StoreError, now_micros, oidc_logins};

/// How long a sign-in may stay at the provider.
pub const LOGIN_SECS: i64 = 600;
/// Sign-ins under way at once, at most: each start writes a row, and
/// anyone can start one, so a flood is capped (and clears in ten minutes).
pub const MAX_UNDER_WAY: i64 = 10_000;
/// How long discovery and keys are trusted before they are read again.
const CACHE_FOR: Duration = Duration::from_secs(3600);
/// Each call to the provider.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// The source name in `external_identities` and the audit.
pub const SOURCE: &str = "oidc";

/// The `[oidc]` settings, checked by the binary.
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// As the provider names itself (`iss`); discovery is read from
    /// `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub scopes: Vec<String>,
    /// `public_url` + `/auth/oidc/callback`.
    pub redirect_uri: String,
    pub username_claim: String,
    pub name_claim: String,
    pub email_claim: String,
    pub groups_claim: String,
    /// The provider's group → a role; of those that match, the highest.
    pub roles: Vec<(String, Role)>,
    /// The role of someone in no group of `roles`; none: refused.
    pub default_role: Option<Role>,
    /// The provider's group → a Steward group.
    pub groups: Vec<(String, String)>,
    /// The login page's button (default: the page's own words).
    pub button_label: Option<String>,
    /// Show only the button; the password form behind a link.
    pub only: bool,
}

impl OidcConfig {
    /// Claim names default as most providers name them.
    pub fn new(issuer: &str, client_id: &str, client_secret: &str, redirect_uri: &str) -> Self {
        Self {
            issuer: issuer.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            scopes: vec!["openid".into(), "profile".into(), "email".into()],
            redirect_uri: redirect_uri.to_owned(),
            username_claim: "preferred_username".into(),
            name_claim: "name".into(),
            email_claim: "email".into(),
            groups_claim: "groups".into(),
            roles: Vec::new(),
            default_role: None,
            groups: Vec::new(),
            button_label: None,
            only: false,
        }
    }

    /// The role for someone in `their` groups: the highest mapped, else
    /// the default.
    pub fn role_for(&self, their: &[String]) -> Option<Role> {
        self.roles.iter().filter(|(g, _)| their.contains(g)).map(|(_, r)| *r).max().or(self.default_role)
    }
}

/// Why a single sign-on did not sign anyone in; each has its own text on
/// the login page (English and Polish, in the web crate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OidcError {
    /// Not configured here.
    Off,
    /// The provider could not be reached or answered nonsense.
    Unavailable(String),
    /// The provider sent the browser back with `error=…`.
    Provider { error: String, description: Option<String> },
    /// No such sign-in under way (expired, used, another browser's).
    State(String),
    /// The code exchange or the ID token did not check out.
    Token(String),
    /// A claim Steward needs is missing.
    Claim(String),
    /// In no group that maps to a role, and no default role.
    NoRole,
    /// The user name is held by a local account (409 `name_taken`).
    NameTaken(String),
    /// Deactivated here.
    Deactivated,
    /// Something on our side (the database).
    Internal(String),
}

impl std::fmt::Display for OidcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OidcError::Off => f.write_str("single sign-on is not configured"),
            OidcError::Unavailable(why) => write!(f, "the provider cannot be reached: {why}"),
            OidcError::Provider { error, description } => {
                write!(f, "the provider answered {error}")?;
                description.as_ref().map_or(Ok(()), |d| write!(f, ": {d}"))
            }
            OidcError::State(why) | OidcError::Token(why) | OidcError::Internal(why) => f.write_str(why),
            OidcError::Claim(c) => write!(f, "the provider did not send the claim {c:?}"),
            OidcError::NoRole => f.write_str("in no group that maps to a role, and no default_role"),
            OidcError::NameTaken(name) => {
                write!(f, "the name {name:?} is taken by an account that does not sign in through {SOURCE}")
            }
            OidcError::Deactivated => f.write_str("the account is deactivated here"),
        }
    }
}

impl From<StoreError> for OidcError {
    fn from(e: StoreError) -> Self {
        OidcError::Internal(e.to_string())
    }
}

impl From<AppError> for OidcError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Unauthenticated(_) => OidcError::Deactivated,
            AppError::Unavailable(why) => OidcError::Unavailable(why),
            other => OidcError::Internal(other.to_string()),
        }
    }
}

/// What the provider publishes about itself (OpenID Connect Discovery).
#[derive(Debug, Clone)]
struct Discovery {
    authorization_endpoint: String,
    token_endpoint: String,
    userinfo_endpoint: Option<String>,
    jwks_uri: String,
    /// `client_secret_basic` unless the provider only takes `_post`.
    secret_in_body: bool,
}

/// The provider's discovery and keys, kept between sign-ins.
#[derive(Default)]
pub struct OidcCache {
    discovery: Mutex<Option<(Instant, Discovery)>>,
    keys: Mutex<Option<(Instant, Vec<jwt::Jwk>)>>,
    http: std::sync::OnceLock<reqwest::Client>,
}

/// The callback's query, as the provider sent it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// The issuer, as providers that follow RFC 9207 add it (a defence
    /// against a mix-up of providers).
    pub iss: Option<String>,
}

/// A sign-in sent to the provider: where to send the browser, and the
/// cookie value that binds the answer to this browser.
#[derive(Debug, Clone)]
pub struct Started {
    pub url: String,
    pub browser: String,
}

/// A finished sign-in: the session, and the page first asked for.
pub struct Finished {
    pub actor: Actor,
    pub session: NewSession,
    pub next: String,
}

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

impl App {
    pub fn oidc(&self) -> Option<&OidcConfig> {
        self.config.oidc.as_ref()
    }

    fn oidc_http(&self) -> Result<reqwest::Client, OidcError> {
        if let Some(c) = self.oidc_cache.http.get() {
            return Ok(c.clone());
        }
        steward_channels::ensure_crypto_provider();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(CALL_TIMEOUT)
            .user_agent(concat!("Steward/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| OidcError::Internal(format!("HTTP client: {e}")))?;
        Ok(self.oidc_cache.http.get_or_init(|| client).clone())
    }

    /// GETs a JSON document from the provider.
    async fn oidc_get(&self, url: &str, bearer: Option<&str>) -> Result<Value, OidcError> {
        let mut req = self.oidc_http()?.get(url).header("accept", "application/json");
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.map_err(|e| OidcError::Unavailable(format!("{url}: {}", causes(&e))))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(OidcError::Unavailable(format!("{url} answered {status}")));
        }
        resp.json().await.map_err(|e| OidcError::Unavailable(format!("{url}: not JSON: {e}")))
    }

    async fn discovery(&self, cfg: &OidcConfig) -> Result<Discovery, OidcError> {
        if let Some((at, d)) = self.oidc_cache.discovery.lock().map_err(poisoned)?.as_ref()
            && at.elapsed() < CACHE_FOR
        {
            return Ok(d.clone());
        }
        let url = format!("{}/.well-known/openid-configuration", cfg.issuer);
        let doc = self.oidc_get(&url, None).await?;
        let text = |k: &str| doc.get(k).and_then(Value::as_str).map(str::to_owned);
        let need = |k: &str| text(k).ok_or_else(|| OidcError::Unavailable(format!("{url}: no {k}")));
        let issuer = need("issuer")?;
        if issuer.trim_end_matches('/') != cfg.issuer {
            return Err(OidcError::Unavailable(format!(
                "{url} names the issuer {issuer:?}, not {:?} as configured",
                cfg.issuer
            )));
        }
        let methods: Vec<String> = doc
            .get("token_endpoint_auth_methods_supported")
            .and_then(Value::as_array)
            .map(|l| l.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        let basic = methods.is_empty() || methods.iter().any(|m| m == "client_secret_basic");
        let post = methods.iter().any(|m| m == "client_secret_post");
        if !basic && !post {
            return Err(OidcError::Unavailable(format!(
                "{url}: the provider takes neither client_secret_basic nor client_secret_post ({methods:?})"
            )));
        }
        let d = Discovery {
            authorization_endpoint: need("authorization_endpoint")?,
            token_endpoint: need("token_endpoint")?,
            userinfo_endpoint: text("userinfo_endpoint"),
            jwks_uri: need("jwks_uri")?,
            secret_in_body: !basic,
        };
        *self.oidc_cache.discovery.lock().map_err(poisoned)? = Some((Instant::now(), d.clone()));
        Ok(d)
    }

    /// Forgets discovery and keys, so that the next sign-in reads them
    /// afresh (after the provider failed us).
    fn oidc_forget(&self) {
        if let Ok(mut d) = self.oidc_cache.discovery.lock() {
            *d = None;
        }
        if let Ok(mut k) = self.oidc_cache.keys.lock() {
            *k = None;
        }
    }

    async fn keys(&self, d: &Discovery, fresh: bool) -> Result<Vec<jwt::Jwk>, OidcError> {
        if !fresh
            && let Some((at, k)) = self.oidc_cache.keys.lock().map_err(poisoned)?.as_ref()
            && at.elapsed() < CACHE_FOR
        {
            return Ok(k.clone());
        }
        let doc = self.oidc_get(&d.jwks_uri, None).await?;
        let keys = jwt::parse_jwks(&doc).map_err(|e| OidcError::Unavailable(format!("{}: {e}", d.jwks_uri)))?;
        *self.oidc_cache.keys.lock().map_err(poisoned)? = Some((Instant::now(), keys.clone()));
        Ok(keys)
    }

    /// Begins a sign-in at the provider; `next` is the page to land on.
    pub async fn oidc_start(&self, next: &str, ip: IpAddr) -> Result<Started, OidcError> {
        let cfg = self.oidc().ok_or(OidcError::Off)?;
        let d = match self.discovery(cfg).await {
            Ok(d) => d,
            Err(e) => {
                self.oidc_audit_failure("(single sign-on)", ip, &e).await;
                return Err(e);
            }
        };
        let secret = || random_secret().map_err(OidcError::from);
        let (state, nonce, verifier, browser) = (secret()?, secret()?, secret()?, secret()?);
        let now = now_micros();
        let login = oidc_logins::OidcLogin {
            state_hash: secret_hash(&state),
            browser_hash: secret_hash(&browser),
            nonce: nonce.clone(),
            verifier: verifier.clone(),
            next_path: next.to_owned(),
            created_at: now,
        };
        let stale = now - LOGIN_SECS * 1_000_000;
        let recorded = self
            .store
            .write(move |c| {
                let login = login.clone();
                Box::pin(async move { oidc_logins::begin(c, &login, stale, MAX_UNDER_WAY).await })
            })
            .await?;
        if !recorded {
            let e = OidcError::Unavailable(format!("{MAX_UNDER_WAY} sign-ins are under way already"));
            self.oidc_audit_failure("(single sign-on)", ip, &e).await;
            return Err(e);
        }
        let challenge = b64url(&Sha256::digest(verifier.as_bytes()));
        let scope = cfg.scopes.join(" ");
        let query = [
            ("response_type", "code"),
            ("client_id", cfg.client_id.as_str()),
            ("redirect_uri", cfg.redirect_uri.as_str()),
            ("scope", scope.as_str()),
            ("state", state.as_str()),
            ("nonce", nonce.as_str()),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        let mut url = reqwest::Url::parse(&d.authorization_endpoint)
            .map_err(|e| OidcError::Unavailable(format!("authorization_endpoint: {e}")))?;
        url.query_pairs_mut().extend_pairs(query);
        Ok(Started { url: url.into(), browser })
    }

    /// Finishes a sign-in with the provider's answer; `browser` is the
    /// binding cookie [`App::oidc_start`] handed out. Refusals are audited.
    pub async fn oidc_finish(&self, cb: &Callback, browser: Option<&str>, ip: IpAddr) -> Result<Finished, OidcError> {
        let mut who = String::from("(single sign-on)");
        let result = self.oidc_finish_inner(cb, browser, ip, &mut who).await;
        if let Err(e) = &result {
            if matches!(e, OidcError::Unavailable(_) | OidcError::Token(_)) {
                self.oidc_forget();
            }
            // sign_in_external audits its own refusal of a deactivated user.
            if !matches!(e, OidcError::Deactivated) {
                self.oidc_audit_failure(&who, ip, e).await;
            }
        }
        result
    }

    async fn oidc_audit_failure(&self, who: &str, ip: IpAddr, e: &OidcError) {
        let detail = format!("via {SOURCE}: {e}");
        self.audit(AuditEntry::new(AuditKind::SignInFailed, None, who).by_name(who).client(ip).detail(detail)).await;
    }

    async fn oidc_finish_inner(
        &self,
        cb: &Callback,
        browser: Option<&str>,
        ip: IpAddr,
        who: &mut String,
    ) -> Result<Finished, OidcError> {
        let cfg = self.oidc().ok_or(OidcError::Off)?;
        let state = cb.state.as_deref().filter(|s| !s.is_empty());
        // The record goes whatever the answer: a state works once.
        let login = match state {
            Some(s) => {
                let hash = secret_hash(s);
                self.store
                    .write(move |c| {
                        let hash = hash.clone();
                        Box::pin(async move { oidc_logins::take(c, &hash).await })
                    })
                    .await?
            }
            None => None,
        };
        if let Some(error) = cb.error.as_deref() {
            return Err(OidcError::Provider {
                error: error.chars().take(100).collect(),
                description: cb.error_description.as_ref().map(|d| d.chars().take(300).collect()),
            });
        }
        let Some(login) = login else {
            return Err(OidcError::State(match state {
                None => "the answer has no state".into(),
                Some(_) => "no sign-in under way has this state (used already, expired, or never begun)".into(),
            }));
        };
        if now_micros() - login.created_at > LOGIN_SECS * 1_000_000 {
            return Err(OidcError::State(format!("the sign-in was begun more than {} minutes ago", LOGIN_SECS / 60)));
        }
        let bound = browser.is_some_and(|b| secret_hash(b) == login.browser_hash);
        if !bound {
            return Err(OidcError::State("the answer came to another browser than the one that began".into()));
        }
        if let Some(iss) = cb.iss.as_deref()
            && iss.trim_end_matches('/') != cfg.issuer
        {
            return Err(OidcError::Token(format!("the answer names the issuer {iss:?}, not {:?}", cfg.issuer)));
        }
        let code =
            cb.code.as_deref().filter(|c| !c.is_empty()).ok_or(OidcError::State("the answer has no code".into()))?;
        let d = self.discovery(cfg).await?;
        let tokens = self.exchange(cfg, &d, code, &login.verifier).await?;
        let id_token = tokens
            .get("id_token")
            .and_then(Value::as_str)
            .ok_or_else(|| OidcError::Token("the token endpoint sent no id_token".into()))?;
        let want = jwt::Expected {
            issuer: &cfg.issuer,
            client_id: &cfg.client_id,
            nonce: &login.nonce,
            now: now_micros() / 1_000_000,
        };
        let keys = self.keys(&d, false).await?;
        let mut claims = match jwt::verify(id_token, &keys, &want) {
            Err(jwt::Refusal::UnknownKey(_)) => {
                // Keys rotated: read them once more.
                let keys = self.keys(&d, true).await?;
                jwt::verify(id_token, &keys, &want).map_err(|r| OidcError::Token(r.to_string()))?
            }
            other => other.map_err(|r| OidcError::Token(r.to_string()))?,
        };
        let sub = claims.get("sub").and_then(Value::as_str).unwrap_or_default().to_owned();
        *who = format!("{} {sub}", cfg.issuer);
        let wanted = [&cfg.username_claim, &cfg.name_claim, &cfg.email_claim, &cfg.groups_claim];
        if wanted.iter().any(|c| !claims.contains_key(c.as_str()))
            && let (Some(url), Some(access)) =
                (d.userinfo_endpoint.as_deref(), tokens.get("access_token").and_then(Value::as_str))
        {
            let info = self.oidc_get(url, Some(access)).await?;
            if info.get("sub").and_then(Value::as_str) != Some(sub.as_str()) {
                return Err(OidcError::Token("the userinfo endpoint speaks of another subject".into()));
            }
            if let Value::Object(info) = info {
                for (k, v) in info {
                    claims.entry(k).or_insert(v);
                }
            }
        }
        let profile = profile(cfg, &claims, &sub)?;
        *who = profile.username.clone();
        let name = profile.username.clone();
        let (actor, session) = self.sign_in_external(profile, ip).await.map_err(|e| match e {
            AppError::Conflict(_) => OidcError::NameTaken(name),
            other => other.into(),
        })?;
        Ok(Finished { actor, session, next: login.next_path })
    }

    /// The code, with the PKCE verifier, for tokens.
    async fn exchange(
        &self,
        cfg: &OidcConfig,
        d: &Discovery,
        code: &str,
        verifier: &str,
    ) -> Result<Map<String, Value>, OidcError> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", cfg.redirect_uri.as_str()),
            ("code_verifier", verifier),
        ];
        let mut req = self.oidc_http()?.post(&d.token_endpoint).header("accept", "application/json");
        if d.secret_in_body {
            form.push(("client_id", cfg.client_id.as_str()));
            form.push(("client_secret", cfg.client_secret.as_str()));
        } else {
            // RFC 6749 §2.3.1: each form-encoded, then Basic.
            let enc = |s: &str| form_urlencode(s);
            req = req.basic_auth(enc(&cfg.client_id), Some(enc(&cfg.client_secret)));
        }
        let resp = req
            .form(&form)
            .send()
            .await
            .map_err(|e| OidcError::Unavailable(format!("{}: {}", d.token_endpoint, causes(&e))))?;
        let status = resp.status();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            let error = body.get("error").and_then(Value::as_str).unwrap_or("no error code");
            let description = body.get("error_description").and_then(Value::as_str).unwrap_or("");
            return Err(OidcError::Token(format!(
                "the token endpoint refused the code ({status}): {error} {description}"
            )));
        }
        match body {
            Value::Object(m) => Ok(m),
            _ => Err(OidcError::Token("the token endpoint's answer is not a JSON object".into())),
        }
    }
}

/// The person the claims describe, mapped by the settings.
pub fn profile(cfg: &OidcConfig, claims: &Map<String, Value>, sub: &str) -> Result<ExternalProfile, OidcError> {
    let text = |k: &str| claims.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let username = text(&cfg.username_claim).ok_or_else(|| OidcError::Claim(cfg.username_claim.clone()))?;
    let groups: Vec<String> = match claims.get(&cfg.groups_claim) {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Some(Value::String(one)) => one.split([',', ' ']).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    let role = cfg.role_for(&groups).ok_or(OidcError::NoRole)?;
    let mut steward_groups: Vec<String> =
        cfg.groups.iter().filter(|(g, _)| groups.contains(g)).map(|(_, s)| s.clone()).collect();
    steward_groups.sort();
    steward_groups.dedup();
    let mut managed: Vec<String> = cfg.groups.iter().map(|(_, s)| s.clone()).collect();
    managed.sort();
    managed.dedup();
    Ok(ExternalProfile {
        source: SOURCE,
        subject: format!("{} {sub}", cfg.issuer),
        username: username.to_owned(),
        display_name: text(&cfg.name_claim).unwrap_or(username).to_owned(),
        email: text(&cfg.email_claim).map(str::to_owned),
        role,
        groups: steward_groups,
        managed_groups: managed,
    })
}

fn poisoned<T>(_: std::sync::PoisonError<T>) -> OidcError {
    OidcError::Internal("the single sign-on cache lock is poisoned".into())
}

/// An error with its causes (a connection refused says so only in them).
fn causes(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(c) = source {
        s.push_str(": ");
        s.push_str(&c.to_string());
        source = c.source();
    }
    s
}

fn form_urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'*') {
            out.push(b as char);
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
