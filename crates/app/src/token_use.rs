//! When each API token was last used, kept to the minute: recording it is a
//! write, so a token in steady use costs one write a minute, queued after
//! the request that used it rather than inside it.

use crate::App;
use std::{collections::HashMap, sync::Mutex};
use steward_store::{StoreError, accounts, now_micros};

/// How stale `last_used_at` may get.
pub const EVERY_MICROS: i64 = 60 * 1_000_000;
/// Tokens remembered before the ones not seen for a minute are forgotten.
const REMEMBERED: usize = 10_000;

/// Per token hash, when this node last recorded a use.
#[derive(Default)]
pub(crate) struct TokenUses(Mutex<HashMap<String, i64>>);

impl TokenUses {
    /// Whether a use at `now` is to be recorded (and from now on, not
    /// again for a minute).
    fn due(&self, hash: &str, now: i64) -> bool {
        let Ok(mut seen) = self.0.lock() else { return false };
        if seen.get(hash).is_some_and(|at| now - at < EVERY_MICROS) {
            return false;
        }
        if seen.len() >= REMEMBERED {
            seen.retain(|_, at| now - *at < EVERY_MICROS);
        }
        seen.insert(hash.to_owned(), now);
        true
    }
}

impl App {
    /// Notes that the token with this hash authenticated a request; the
    /// write (at most one a minute per token) runs in the background.
    pub(crate) fn note_token_use(&self, hash: &str) {
        let now = now_micros();
        if !self.token_uses.due(hash, now) {
            return;
        }
        let (store, hash) = (self.store.clone(), hash.to_owned());
        tokio::spawn(async move {
            let written = store
                .write(move |c| Box::pin(async move { accounts::touch_token(c, &hash, now, now - EVERY_MICROS).await }))
                .await;
            if let Err(e) = written {
                let e: StoreError = e;
                tracing::warn!(error = %e, "recording a token's last use");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_use_is_recorded_at_most_once_a_minute_per_token() {
        let uses = TokenUses::default();
        assert!(uses.due("a", 0));
        assert!(!uses.due("a", EVERY_MICROS - 1));
        assert!(uses.due("b", 1));
        assert!(uses.due("a", EVERY_MICROS));
    }
}
