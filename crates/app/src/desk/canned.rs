//! Canned replies: managers and admins keep them (per group, or shared),
//! staff insert them with the placeholders filled for the incident, in the
//! requester's language.

use crate::Code;
use crate::{
    Actor, App,
    error::{AppError, Errors},
};
use steward_domain::{access, canned, text};
use steward_store::{StoreError, accounts, desk, desk::CannedReply, now_micros, records::Incident};

/// A reply as managers write it; `group` empty or absent means every group.
#[derive(Debug, Clone, Default)]
pub struct CannedReplyInput {
    pub group: Option<String>,
    pub title: String,
    pub body_en: String,
    pub body_pl: Option<String>,
}

/// A reply ready for one incident: its text with the placeholders filled.
#[derive(Debug, Clone)]
pub struct FilledReply {
    pub reply: CannedReply,
    pub text: String,
}

fn can_manage(actor: &Actor) -> Result<(), AppError> {
    access::can_manage_canned_replies(actor.role).map_err(AppError::from)
}

fn staff(actor: &Actor) -> Result<(), AppError> {
    if actor.is_staff() {
        Ok(())
    } else {
        Err(AppError::Forbidden(Code::DenyStaffOnly.msg("only agents, managers and admins can use canned replies")))
    }
}

fn body(errs: &mut Errors, field: &str, v: &str) -> Option<String> {
    let t = errs.check(field, text::check(v, text::COMMENT))?;
    errs.check(field, canned::check(&t))?;
    Some(t)
}

/// The text for a reader of `locale`: Polish when there is one, else English.
fn text_for<'a>(r: &'a CannedReply, locale: &str) -> &'a str {
    match (locale, &r.body_pl) {
        ("pl", Some(pl)) => pl,
        _ => &r.body_en,
    }
}

impl App {
    async fn checked_reply(&self, input: &CannedReplyInput) -> Result<CannedReply, AppError> {
        let mut errs = Errors::default();
        let title = errs.check("title", text::check(&input.title, text::NAME));
        let body_en = body(&mut errs, "body_en", &input.body_en);
        let body_pl = match input.body_pl.as_deref().filter(|b| !b.trim().is_empty()) {
            Some(b) => body(&mut errs, "body_pl", b),
            None => None,
        };
        let group = input.group.as_deref().map(str::trim).filter(|g| !g.is_empty());
        let group = match group {
            Some(name) => {
                let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
                let g = accounts::group_by_name(&mut conn, name).await?;
                if g.is_none() {
                    errs.add(
                        "group",
                        Code::NoGroup.msg(format!("no group named {name:?}")).with("name", format!("{name:?}")),
                    );
                }
                g
            }
            None => None,
        };
        errs.finish()?;
        Ok(CannedReply {
            id: 0,
            group_id: group.as_ref().map(|g| g.id),
            group_name: group.map(|g| g.name),
            title: title.unwrap_or_default(),
            body_en: body_en.unwrap_or_default(),
            body_pl,
            created_at: 0,
            updated_at: 0,
            version: 1,
        })
    }

    /// Every reply, for staff.
    pub async fn canned_replies(&self, actor: &Actor) -> Result<Vec<CannedReply>, AppError> {
        staff(actor)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        Ok(desk::replies(&mut conn).await?)
    }

    pub async fn canned_reply(&self, actor: &Actor, id: i64) -> Result<CannedReply, AppError> {
        staff(actor)?;
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        desk::reply(&mut conn, id).await?.ok_or(AppError::NotFound("canned reply"))
    }

    pub async fn create_canned_reply(&self, actor: &Actor, input: CannedReplyInput) -> Result<CannedReply, AppError> {
        can_manage(actor)?;
        let r = self.checked_reply(&input).await?;
        let by = actor.id;
        self.store
            .write(move |c| {
                let r = r.clone();
                Box::pin(async move {
                    let id = desk::insert_reply(c, &r, by, now_micros()).await?;
                    desk::reply(c, id).await?.ok_or(AppError::NotFound("canned reply"))
                })
            })
            .await
    }

    /// Replaces the reply if it is still at `version`.
    pub async fn update_canned_reply(
        &self,
        actor: &Actor,
        id: i64,
        version: Option<i64>,
        input: CannedReplyInput,
    ) -> Result<CannedReply, AppError> {
        can_manage(actor)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        let r = CannedReply { id, ..self.checked_reply(&input).await? };
        self.store
            .write(move |c| {
                let r = r.clone();
                Box::pin(async move {
                    desk::update_reply(c, &r, version, now_micros()).await.map_err(|e| stale(e, version))?;
                    desk::reply(c, r.id).await?.ok_or(AppError::NotFound("canned reply"))
                })
            })
            .await
    }

    pub async fn delete_canned_reply(&self, actor: &Actor, id: i64, version: Option<i64>) -> Result<(), AppError> {
        can_manage(actor)?;
        let version = version.ok_or(AppError::VersionRequired)?;
        self.store
            .write(move |c| {
                Box::pin(async move { desk::delete_reply(c, id, version).await.map_err(|e| stale(e, version)) })
            })
            .await
    }

    /// The replies offered on `inc` (shared ones, its group's and the
    /// agent's groups'), filled for it, in the requester's language (their
    /// setting, else their browser's), else in `fallback_locale` (the
    /// agent's).
    pub async fn replies_for_incident(
        &self,
        actor: &Actor,
        inc: &Incident,
        fallback_locale: &str,
    ) -> Result<Vec<FilledReply>, AppError> {
        staff(actor)?;
        let mut groups = actor.group_ids.clone();
        groups.extend(inc.assignment_group_id);
        let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
        let replies = desk::replies_for(&mut conn, &groups).await?;
        if replies.is_empty() {
            return Ok(Vec::new());
        }
        let requester = accounts::user_by_id(&mut conn, inc.requester_id).await?;
        let locale =
            requester.and_then(|u| u.locale.or(u.browser_locale)).unwrap_or_else(|| fallback_locale.to_owned());
        let values = canned::Values {
            requester: inc.requester_name.clone().unwrap_or_default(),
            number: crate::incidents::number(inc.number),
            title: inc.title.clone(),
            service: inc.service.clone().unwrap_or_default(),
            group: inc.group_name.clone().unwrap_or_default(),
            agent: actor.display_name.clone(),
        };
        Ok(replies
            .into_iter()
            .filter_map(|reply| {
                // Checked when saved; a reply that no longer parses is left out.
                let text = canned::render(text_for(&reply, &locale), &values).ok()?;
                Some(FilledReply { reply, text })
            })
            .collect())
    }
}

fn stale(e: StoreError, sent: i64) -> AppError {
    match e {
        StoreError::NotFound => AppError::NotFound("canned reply"),
        StoreError::StaleVersion { current } => AppError::Stale { sent, current },
        other => other.into(),
    }
}
