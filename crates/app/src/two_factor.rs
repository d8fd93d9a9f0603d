//! The optional second factor of local accounts: a TOTP app (RFC 6238,
//! see [`crate::totp`]) with ten single-use recovery codes.
//!
//! Setting it up stores an unconfirmed secret; the first code typed from
//! the app confirms it and hands out the recovery codes (shown once, kept
//! as SHA-256 hashes). Signing in, a correct password then yields a
//! challenge — the user, a deadline and the browser's pre-session, signed
//! with the server's sign-in key — which the code must come back with; the
//! throttle counts wrong codes as it counts wrong passwords, and no code
//! works twice. Turning it off or renewing the codes asks for the
//! password; an admin (or `steward user reset-two-factor`) turns it off
//! for a user who lost their phone and codes.

use crate::audit::AuditEntry;
use crate::auth::{NewSession, secret_hash};
use crate::error::Code;
use crate::{Actor, App, AppError, totp};
use base64::Engine;
use sha2::Sha256;
use std::net::IpAddr;
use steward_domain::audit::AuditKind;
use steward_store::{StoreError, accounts, now_micros, two_factor as store};

/// How long a challenge waits for its code.
const CHALLENGE_SECS: i64 = 300;
/// The refusal of a code that is not the app's current one nor an unused
/// recovery code (the sign-in page tells it from an expired challenge).
pub const WRONG_CODE: &str = "wrong code";
/// Recovery codes handed out at once.
pub const RECOVERY_CODES: usize = 10;

/// A secret being set up, as the user's app is given it.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// Base32.
    pub secret: String,
    /// `otpauth://…`, for the QR code.
    pub uri: String,
}

/// Where a user's second factor stands.
#[derive(Debug, Clone)]
pub enum TwoFactor {
    Off,
    /// Set up but not yet confirmed with a code.
    Pending(Enrolment),
    On {
        since: i64,
        codes_left: i64,
    },
}

impl App {
    /// Whether `user_id` signs in with a code as well.
    pub(crate) async fn has_second_factor(&self, user_id: i64) -> Result<bool, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(store::factor(&mut conn, user_id).await?.is_some_and(|f| f.confirmed_at.is_some()))
    }

    /// The signed challenge for `user_id`, valid for [`CHALLENGE_SECS`].
    pub(crate) async fn challenge(&self, user_id: i64, pre_session: &str, now: i64) -> Result<String, AppError> {
        let until = now / 1_000_000 + CHALLENGE_SECS;
        let mac = self.challenge_mac(user_id, until, pre_session).await?;
        Ok(format!("{user_id}.{until}.{mac}"))
    }

    async fn challenge_mac(&self, user_id: i64, until: i64, pre_session: &str) -> Result<String, AppError> {
        use hmac::{Hmac, Mac};
        let key = self.login_key().await?;
        let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
            .map_err(|e| AppError::Internal(format!("sign-in key: {e}")))?;
        mac.update(format!("steward second factor\0{user_id}\0{until}\0{pre_session}").as_bytes());
        Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    /// The user a challenge was made for, if it is ours, for this
    /// browser, and not past its deadline.
    async fn challenged_user(&self, challenge: &str, pre_session: &str) -> Result<Option<i64>, AppError> {
        let mut parts = challenge.splitn(3, '.');
        let (Some(id), Some(until), Some(mac)) = (parts.next(), parts.next(), parts.next()) else { return Ok(None) };
        let (Ok(id), Ok(until)) = (id.parse::<i64>(), until.parse::<i64>()) else { return Ok(None) };
        let want = self.challenge_mac(id, until, pre_session).await?;
        let same = want.len() == mac.len() && want.bytes().zip(mac.bytes()).fold(0u8, |a, (x, y)| a | (x ^ y)) == 0;
        Ok((same && until >= now_micros() / 1_000_000).then_some(id))
    }

    /// The second step of signing in: the code from the app (or a
    /// recovery code) for the challenge the password earned.
    pub async fn sign_in_with_code(
        &self,
        challenge: &str,
        code: &str,
        ip: IpAddr,
        pre_session: &str,
    ) -> Result<(Actor, NewSession), AppError> {
        let expired = AppError::Unauthenticated("the sign-in took too long; enter your password again");
        let Some(user_id) = self.challenged_user(challenge, pre_session).await? else { return Err(expired) };
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let user = accounts::user_by_id(&mut conn, user_id).await?.filter(|u| u.active == 1);
        let factor = store::factor(&mut conn, user_id).await?.filter(|f| f.confirmed_at.is_some());
        drop(conn);
        let (Some(user), Some(factor)) = (user, factor) else { return Err(expired) };
        let name = crate::throttle::account_key(&user.username);
        self.admit(&name, ip).await?;
        let how = match self.use_code(&factor, code).await? {
            Some(how) => how,
            None => {
                self.refuse(&name, ip, WRONG_CODE).await;
                return Err(AppError::Unauthenticated(WRONG_CODE));
            }
        };
        self.throttle.succeed(&name, ip);
        let (actor, session) = self.open_session(user).await?;
        let entry = AuditEntry::new(AuditKind::SignedIn, Some(&actor), &actor.username).client(ip);
        self.audit(entry.detail(how)).await;
        Ok((actor, session))
    }

    /// Accepts `typed` as the app's current code or an unused recovery
    /// code, using it up; how the user got in, or none.
    async fn use_code(&self, factor: &store::Factor, typed: &str) -> Result<Option<String>, AppError> {
        let secret = totp::from_base32(&factor.secret).unwrap_or_default();
        let user_id = factor.user_id;
        let now = now_micros();
        if let Some(step) = totp::check(&secret, typed, now / 1_000_000, factor.last_step) {
            let used = self
                .store
                .write(move |c| Box::pin(async move { store::use_step(c, user_id, step, now).await }))
                .await?;
            return Ok(used.then(|| "with a code from the authenticator app".to_owned()));
        }
        let hash = recovery_hash(typed);
        let left = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    if !store::use_recovery_code(c, user_id, &hash, now).await? {
                        return Ok::<_, StoreError>(None);
                    }
                    store::recovery_codes_left(c, user_id).await.map(Some)
                })
            })
            .await?;
        Ok(left.map(|n| format!("with a recovery code ({n} left)")))
    }

    /// Where the signed-in user's second factor stands.
    pub async fn two_factor(&self, actor: &Actor) -> Result<TwoFactor, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(match store::factor(&mut conn, actor.id).await? {
            None => TwoFactor::Off,
            Some(f) => match f.confirmed_at {
                None => TwoFactor::Pending(self.enrolment(actor, f.secret)),
                Some(since) => {
                    TwoFactor::On { since, codes_left: store::recovery_codes_left(&mut conn, actor.id).await? }
                }
            },
        })
    }

    fn enrolment(&self, actor: &Actor, secret: String) -> Enrolment {
        let uri = totp::uri(&self.config.notify.domain(), &actor.username, &secret);
        Enrolment { secret, uri }
    }

    /// Starts setting up a second factor (or starts over): a new secret.
    pub async fn begin_two_factor(&self, actor: &Actor) -> Result<Enrolment, AppError> {
        if let TwoFactor::On { .. } = self.two_factor(actor).await? {
            return Err(AppError::field("code", Code::TwoFactorOn.msg("two-step sign-in is on already")));
        }
        let mut bytes = [0u8; totp::SECRET_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
        let secret = totp::base32(&bytes);
        let (id, s, now) = (actor.id, secret.clone(), now_micros());
        self.store.write(move |c| Box::pin(async move { store::begin(c, id, &s, now).await })).await?;
        Ok(self.enrolment(actor, secret))
    }

    /// Confirms the secret being set up with a code from the app: two-step
    /// sign-in is on; the recovery codes, to show once.
    pub async fn confirm_two_factor(&self, actor: &Actor, code: &str) -> Result<Vec<String>, AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let factor = store::factor(&mut conn, actor.id).await?;
        drop(conn);
        let Some(factor) = factor.filter(|f| f.confirmed_at.is_none()) else {
            return Err(AppError::field("code", Code::TwoFactorOn.msg("two-step sign-in is on already")));
        };
        let secret = totp::from_base32(&factor.secret).unwrap_or_default();
        let now = now_micros();
        let wrong = || AppError::field("code", Code::WrongCode.msg("is not the code your app shows now"));
        let step = totp::check(&secret, code, now / 1_000_000, factor.last_step).ok_or_else(wrong)?;
        let (codes, hashes) = new_recovery_codes()?;
        let id = actor.id;
        let confirmed = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    if !store::use_step(c, id, step, now).await? {
                        return Ok::<_, StoreError>(false);
                    }
                    store::set_recovery_codes(c, id, &hashes).await?;
                    Ok(true)
                })
            })
            .await?;
        if !confirmed {
            return Err(wrong());
        }
        self.audit(AuditEntry::new(AuditKind::TwoFactorChanged, Some(actor), &actor.username).detail("turned on"))
            .await;
        Ok(codes)
    }

    /// Drops a secret set up but never confirmed.
    pub async fn cancel_two_factor_setup(&self, actor: &Actor) -> Result<(), AppError> {
        if let TwoFactor::Pending(_) = self.two_factor(actor).await? {
            let id = actor.id;
            self.store.write(move |c| Box::pin(async move { store::remove(c, id).await })).await?;
        }
        Ok(())
    }

    /// Turns the signed-in user's second factor off, after their password.
    pub async fn disable_two_factor(&self, actor: &Actor, password: &str) -> Result<(), AppError> {
        self.check_own_password(actor, password).await?;
        let id = actor.id;
        if self.store.write(move |c| Box::pin(async move { store::remove(c, id).await })).await? {
            let entry = AuditEntry::new(AuditKind::TwoFactorChanged, Some(actor), &actor.username);
            self.audit(entry.detail("turned off by its owner")).await;
        }
        Ok(())
    }

    /// New recovery codes for the signed-in user (the old ones stop
    /// working), after their password.
    pub async fn renew_recovery_codes(&self, actor: &Actor, password: &str) -> Result<Vec<String>, AppError> {
        self.check_own_password(actor, password).await?;
        if !matches!(self.two_factor(actor).await?, TwoFactor::On { .. }) {
            let text = "two-step sign-in is off: there are no recovery codes to renew";
            return Err(AppError::Conflict(Code::TwoFactorOff.msg(text)));
        }
        let (codes, hashes) = new_recovery_codes()?;
        let id = actor.id;
        self.store.write(move |c| Box::pin(async move { store::set_recovery_codes(c, id, &hashes).await })).await?;
        let entry = AuditEntry::new(AuditKind::TwoFactorChanged, Some(actor), &actor.username);
        self.audit(entry.detail("recovery codes renewed")).await;
        Ok(codes)
    }

    async fn check_own_password(&self, actor: &Actor, password: &str) -> Result<(), AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let user = accounts::user_by_id(&mut conn, actor.id).await?.ok_or(AppError::NotFound("user"))?;
        if user.password_hash.as_deref().is_some_and(|h| crate::auth::verify_password(h, password)) {
            Ok(())
        } else {
            Err(AppError::field("current_password", Code::WrongPassword.msg("is not your current password")))
        }
    }

    /// Turns a user's second factor off for them (an admin, or the
    /// operator with `actor` none); whether it was on or being set up.
    pub async fn reset_two_factor(&self, actor: Option<&Actor>, username: &str) -> Result<bool, AppError> {
        if let Some(a) = actor {
            steward_domain::access::can_admin(a.role)?;
        }
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let user = accounts::user_by_name(&mut conn, username.trim()).await?.ok_or(AppError::NotFound("user"))?;
        drop(conn);
        let id = user.id;
        let removed = self.store.write(move |c| Box::pin(async move { store::remove(c, id).await })).await?;
        if removed {
            let entry = AuditEntry::new(AuditKind::TwoFactorChanged, actor, &user.username).or_operator(actor);
            self.audit(entry.detail("turned off by an admin")).await;
        }
        Ok(removed)
    }
}

/// Ten codes like `k7pq-2mxd-4hrt` (lower-case base32, 60 bits each) and
/// their hashes.
fn new_recovery_codes() -> Result<(Vec<String>, Vec<String>), AppError> {
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
        let text = totp::base32(&bytes).to_lowercase();
        codes.push(format!("{}-{}-{}", &text[0..4], &text[4..8], &text[8..12]));
    }
    let hashes = codes.iter().map(|c| recovery_hash(c)).collect();
    Ok((codes, hashes))
}

/// A recovery code's hash, however it was typed (case, spaces, dashes).
fn recovery_hash(typed: &str) -> String {
    let plain: String = typed.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    secret_hash(&format!("recovery:{plain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_distinct_and_forgiving() {
        let (codes, hashes) = new_recovery_codes().unwrap();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = hashes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let c = &codes[0];
        assert_eq!(c.len(), 14);
        assert_eq!(recovery_hash(&c.to_uppercase().replace('-', " ")), hashes[0]);
    }
}
