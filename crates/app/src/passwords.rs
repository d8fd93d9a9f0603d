//! The password policy (a minimum length, at most 1,024 characters, none
//! of the 10,000 most common passwords, not the username) and changing a
//! password: one's own with the current one, or anyone's as an admin. A
//! change ends the user's other sessions, on every node.

use crate::Code;
use crate::{Actor, App, audit::AuditEntry, auth, error::AppError};
use std::{collections::HashSet, sync::LazyLock};
use steward_domain::{access, audit::AuditKind};
use steward_store::{StoreError, accounts, sessions};

/// The shortest password accepted when the configuration says nothing
/// (NIST SP 800-63B asks for at least 8; ASVS 5 for 12).
pub const DEFAULT_MIN_LENGTH: usize = 12;
const MAX_LENGTH: usize = 1024;

static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("../data/common-passwords.txt").lines().filter(|l| !l.is_empty()).collect());

/// Checks a new password for `username`; the reasons are for the person
/// choosing it.
pub fn check(password: &str, username: &str, min_length: usize) -> Result<(), AppError> {
    let n = password.chars().count();
    let problem = if n < min_length {
        Code::PasswordShort.msg(format!("must be at least {min_length} characters")).with("n", min_length)
    } else if n > MAX_LENGTH {
        Code::PasswordLong.msg(format!("must be at most {MAX_LENGTH} characters")).with("n", MAX_LENGTH)
    } else if COMMON.contains(password.to_lowercase().as_str()) {
        Code::PasswordCommon.msg("is one of the most common passwords; choose another")
    } else if password.trim().eq_ignore_ascii_case(username.trim()) {
        Code::PasswordUsername.msg("must not be your username")
    } else {
        return Ok(());
    };
    Err(AppError::field("password", problem))
}

impl App {
    pub(crate) fn check_password(&self, password: &str, username: &str) -> Result<(), AppError> {
        check(password, username, self.config.password_min_length)
    }

    /// Sets a user's password: admins anyone's, a user their own (the API
    /// and UI use [`App::change_own_password`], which asks for the current
    /// one); `None` is the CLI. Ends all of the user's sessions.
    pub async fn set_password(&self, actor: Option<&Actor>, username: &str, password: &str) -> Result<(), AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let user = accounts::user_by_name(&mut conn, username).await?.ok_or(AppError::NotFound("user"))?;
        drop(conn);
        if let Some(a) = actor {
            if a.id != user.id {
                access::can_admin(a.role)?;
            }
        }
        self.check_password(password, &user.username)?;
        self.store_password(user.id, password, None).await?;
        let entry = AuditEntry::new(AuditKind::PasswordChanged, actor, &user.username).or_operator(actor);
        self.audit(entry.detail("set; every session ended")).await;
        Ok(())
    }

    /// Changes the signed-in user's password after checking the current
    /// one; the session making the change (`session_token`) stays, every
    /// other one ends.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        session_token: Option<&str>,
        current: &str,
        new: &str,
    ) -> Result<(), AppError> {
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let user = accounts::user_by_id(&mut conn, actor.id).await?.ok_or(AppError::NotFound("user"))?;
        let keep = match session_token {
            Some(t) => accounts::session(&mut conn, &auth::secret_hash(t)).await?.map(|s| s.id),
            None => None,
        };
        drop(conn);
        if !user.password_hash.as_deref().is_some_and(|h| auth::verify_password(h, current)) {
            return Err(AppError::field("current_password", Code::WrongPassword.msg("is not your current password")));
        }
        if new == current {
            return Err(AppError::field("password", Code::SamePassword.msg("must differ from the current one")));
        }
        self.check_password(new, &user.username)?;
        self.store_password(user.id, new, keep).await?;
        let entry = AuditEntry::new(AuditKind::PasswordChanged, Some(actor), &user.username);
        self.audit(entry.detail("changed by its owner; other sessions ended")).await;
        Ok(())
    }

    /// Stores the hash and ends the user's sessions but `keep`, in one write.
    async fn store_password(&self, user_id: i64, password: &str, keep: Option<i64>) -> Result<(), AppError> {
        let hash = auth::hash_password(password)?;
        self.store
            .write(move |c| {
                Box::pin(async move {
                    accounts::set_password(c, user_id, &hash).await?;
                    sessions::delete_all(c, user_id, keep).await?;
                    sessions::bump_rev(c).await
                })
            })
            .await?;
        self.forget_credentials();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(p: &str, user: &str, min: usize) -> String {
        match check(p, user, min) {
            Err(AppError::Invalid(e)) => e[0].message.clone(),
            other => panic!("{p:?} was not refused: {other:?}"),
        }
    }

    #[test]
    fn policy() {
        assert!(refusal("short pass", "ann", 12).contains("at least 12"));
        assert!(check("short pass", "ann", 8).is_ok(), "the minimum is configurable");
        assert!(refusal(&"x".repeat(1025), "ann", 12).contains("at most 1024"));
        // On the list, in any case; and a long one from it too.
        assert!(refusal("Password", "ann", 8).contains("most common"));
        assert!(refusal("QWERTYUIOP", "ann", 8).contains("most common"));
        assert!(refusal("1qaz2wsx3edc", "ann", 12).contains("most common"));
        assert!(refusal("annabelle.smith", "Annabelle.Smith", 12).contains("username"));
        assert!(check("correct horse battery", "ann", 12).is_ok());
        assert!(check("steward-demo", "admin", DEFAULT_MIN_LENGTH).is_ok(), "the demo password meets the policy");
        assert_eq!(COMMON.len(), 10_000);
    }
}
