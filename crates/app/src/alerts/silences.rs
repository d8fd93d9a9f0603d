//! Alertmanager's silences: made, updated (in place while that keeps its
//! meaning, else the old one is expired and a new one made, as
//! Alertmanager does), listed and expired. An id is a random UUID.

use super::can_use_alerts;
use crate::{Actor, App, error::AppError, error::Errors};
use steward_domain::alert::{ApiMatcher, Matchers, Silence, SilenceState, matchers_from_api};
use steward_store::{
    Conn, StoreError,
    alerts::{self as store, SilenceRow},
    now_micros,
};

/// A silence as posted; an `id` updates that silence.
#[derive(Debug, Clone, Default)]
pub struct PostedSilence {
    pub id: Option<String>,
    pub matchers: Vec<ApiMatcher>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub created_by: String,
    pub comment: String,
}

/// A silence as kept, with its state now.
#[derive(Debug, Clone)]
pub struct SilenceView {
    pub id: String,
    pub silence: Silence,
    pub state: SilenceState,
    pub updated_at: i64,
}

fn to_silence(r: &SilenceRow) -> Option<Silence> {
    let api: Vec<ApiMatcher> = serde_json::from_str(&r.matchers).ok()?;
    Some(Silence {
        matchers: matchers_from_api(&api).ok()?,
        starts_at: r.starts_at,
        ends_at: r.ends_at,
        created_by: r.created_by.clone(),
        comment: r.comment.clone(),
    })
}

fn to_row(id: &str, s: &Silence, now: i64) -> SilenceRow {
    let api: Vec<ApiMatcher> = s.matchers.iter().map(ApiMatcher::from).collect();
    SilenceRow {
        id: id.to_owned(),
        matchers: serde_json::to_string(&api).unwrap_or_else(|_| "[]".into()),
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        created_by: s.created_by.clone(),
        comment: s.comment.clone(),
        updated_at: now,
    }
}

fn view(r: &SilenceRow, now: i64) -> Option<SilenceView> {
    let silence = to_silence(r)?;
    Some(SilenceView { id: r.id.clone(), state: silence.state(now), silence, updated_at: r.updated_at })
}

/// The silences not yet ended, with their ids.
pub(crate) async fn live(c: &mut Conn, now: i64) -> Result<Vec<(String, Silence)>, StoreError> {
    Ok(store::live_silences(c, now).await?.iter().filter_map(|r| Some((r.id.clone(), to_silence(r)?))).collect())
}

/// The ids of the silences that mute these labels now (`Silence::mutes`
/// asks whether each is active).
pub(crate) fn silenced_by(
    silences: &[(String, Silence)],
    labels: &steward_domain::alert::Labels,
    now: i64,
) -> Vec<String> {
    silences.iter().filter(|(_, s)| s.mutes(labels, now)).map(|(id, _)| id.clone()).collect()
}

/// A random (version 4) UUID, as Alertmanager names silences.
fn new_id() -> Result<String, AppError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| AppError::Internal(format!("no randomness: {e}")))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    Ok(format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]))
}

impl App {
    /// Makes or updates a silence; its id. Every problem beside its field
    /// (`matchers[0]`, `endsAt`, …); an unknown id is 404.
    pub async fn post_silence(&self, actor: &Actor, p: PostedSilence) -> Result<String, AppError> {
        can_use_alerts(actor)?;
        let now = now_micros();
        let mut errs = Errors::default();
        let matchers = match matchers_from_api(&p.matchers) {
            Ok(m) => m,
            Err(problems) => {
                for (f, m) in problems {
                    errs.add(&f, m);
                }
                Matchers(Vec::new())
            }
        };
        let s = Silence {
            matchers,
            starts_at: p.starts_at,
            ends_at: p.ends_at,
            created_by: p.created_by.trim().to_owned(),
            comment: p.comment.trim().to_owned(),
        };
        if errs.0.is_empty() {
            for (f, m) in s.validate(now) {
                errs.add(&f, m);
            }
        }
        errs.finish()?;
        // An edit in place is judged on the start as posted (amtool posts
        // back the start the server kept, by then in the past); a new
        // silence starts no earlier than now. Alertmanager's order.
        let fresh = new_id()?;
        let id = p.id.map(|i| i.trim().to_owned()).filter(|i| !i.is_empty());
        self.store
            .write(move |c| {
                let (s, id, fresh) = (s.clone(), id.clone(), fresh.clone());
                Box::pin(async move {
                    let mut started = s.clone();
                    started.start_no_earlier_than(now);
                    let Some(id) = id else {
                        store::put_silence(c, &to_row(&fresh, &started, now)).await?;
                        return Ok::<_, AppError>(fresh);
                    };
                    let old = store::silence(c, &id).await?.ok_or(AppError::NotFound("silence"))?;
                    let mut prev = to_silence(&old).ok_or_else(|| AppError::Internal("unreadable silence".into()))?;
                    if prev.can_update(&s, now) {
                        store::put_silence(c, &to_row(&id, &s, now)).await?;
                        return Ok(id);
                    }
                    // Another meaning: the old one ends now, a new one begins.
                    if prev.expire(now) {
                        store::put_silence(c, &to_row(&id, &prev, now)).await?;
                    }
                    store::put_silence(c, &to_row(&fresh, &started, now)).await?;
                    Ok(fresh)
                })
            })
            .await
    }

    /// Every silence (expired ones too), those matching every matcher
    /// given (a silence matches when one of its matchers is equal to it).
    pub async fn list_silences(&self, actor: &Actor, filter: &Matchers) -> Result<Vec<SilenceView>, AppError> {
        can_use_alerts(actor)?;
        let now = now_micros();
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let rows = store::silences(&mut conn).await?;
        Ok(rows
            .iter()
            .filter_map(|r| view(r, now))
            .filter(|v| filter.iter().all(|f| v.silence.matchers.iter().any(|m| m == f)))
            .collect())
    }

    pub async fn get_silence(&self, actor: &Actor, id: &str) -> Result<SilenceView, AppError> {
        can_use_alerts(actor)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let row = store::silence(&mut conn, id.trim()).await?.ok_or(AppError::NotFound("silence"))?;
        view(&row, now_micros()).ok_or_else(|| AppError::Internal("unreadable silence".into()))
    }

    /// Ends the silence now (one already ended is left as it is).
    pub async fn expire_silence(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        can_use_alerts(actor)?;
        let now = now_micros();
        let id = id.trim().to_owned();
        self.store
            .write(move |c| {
                let id = id.clone();
                Box::pin(async move {
                    let row = store::silence(c, &id).await?.ok_or(AppError::NotFound("silence"))?;
                    let mut s = to_silence(&row).ok_or_else(|| AppError::Internal("unreadable silence".into()))?;
                    if s.expire(now) {
                        store::put_silence(c, &to_row(&id, &s, now)).await?;
                    }
                    Ok::<_, AppError>(())
                })
            })
            .await
    }
}
