//! The versions of one article: which moves are allowed, what else each
//! one changes (the version it supersedes, the revision a retirement
//! discards, the published pointer, the article's state), and the review
//! rules the site's setting asks for.

use super::{ArticleState, VersionState};
use crate::lifecycle::names_or_final;

/// One version as the rules see it; the article's versions are passed as a
/// slice in any order, told apart by `number`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionFacts {
    pub number: u32,
    pub state: VersionState,
    /// The user who wrote it.
    pub author: i64,
}

/// The site's review setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReviewPolicy {
    /// A version must be reviewed (In review → Published) to be published.
    pub required: bool,
    /// The author may approve their own version (small teams).
    pub author_may_review: bool,
}

/// What the store must write for an allowed move of one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionPlan {
    pub number: u32,
    pub to: VersionState,
    /// The version published before, now Superseded.
    pub supersedes: Option<u32>,
    /// The open revision discarded along with a retirement.
    pub discards: Option<u32>,
    /// The article's published-version pointer after the move.
    pub published_version: Option<u32>,
    /// The article's (record's) state after the move.
    pub article_state: ArticleState,
    /// Who approved it, when published from review.
    pub reviewed_by: Option<i64>,
    pub sets_published_at: bool,
}

/// A new version to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewVersion {
    pub number: u32,
    /// The version whose texts it starts from: the published one, else the
    /// newest (reviving a retired article); none for a new article.
    pub copy_from: Option<u32>,
    pub article_state: ArticleState,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    #[error("the article has no version {number}")]
    NoSuchVersion { number: u32 },
    #[error("version {number} cannot go from {from} to {to}; allowed: {}", version_targets(.allowed))]
    NotAllowed { number: u32, from: VersionState, to: VersionState, allowed: Vec<VersionState> },
    #[error("this article must be reviewed before it is published: submit it for review first")]
    ReviewRequired,
    #[error("the author cannot review their own article: another manager or admin must publish it")]
    SelfReview,
    #[error("version {number} is already being written; change it or discard it first")]
    RevisionOpen { number: u32 },
    #[error("version {number} {}", not_editable(*.state))]
    NotEditable { number: u32, state: VersionState },
}

fn version_targets(a: &[VersionState]) -> String {
    names_or_final(a.iter().map(|s| s.as_str()), "version")
}

fn not_editable(state: VersionState) -> String {
    match state {
        VersionState::InReview => "is in review: send it back to draft to change it".to_owned(),
        VersionState::Published => "is published: start a new version to change it".to_owned(),
        other => format!("is {other} and cannot be changed"),
    }
}

/// The article's state, from its versions (see the module comment).
pub fn article_state(versions: &[VersionFacts]) -> ArticleState {
    if published_version(versions).is_some() {
        return ArticleState::Published;
    }
    match versions.iter().max_by_key(|v| v.number).map(|v| v.state) {
        None | Some(VersionState::Draft) => ArticleState::Draft,
        Some(VersionState::InReview) => ArticleState::InReview,
        Some(_) => ArticleState::Retired,
    }
}

/// The number of the published version, if any.
pub fn published_version(versions: &[VersionFacts]) -> Option<u32> {
    versions.iter().find(|v| v.state == VersionState::Published).map(|v| v.number)
}

fn open_version(versions: &[VersionFacts]) -> Option<u32> {
    versions.iter().find(|v| v.state.is_open()).map(|v| v.number)
}

/// Decides whether version `number` may move to `to`, asked by `actor`
/// (rights are `can_move_version`'s business), and what it changes.
pub fn plan_version(
    versions: &[VersionFacts],
    number: u32,
    to: VersionState,
    actor: i64,
    policy: ReviewPolicy,
) -> Result<VersionPlan, VersionError> {
    let v = versions.iter().find(|v| v.number == number).ok_or(VersionError::NoSuchVersion { number })?;
    if !v.state.allowed_targets().contains(&to) {
        let allowed = v.state.allowed_targets().to_vec();
        return Err(VersionError::NotAllowed { number, from: v.state, to, allowed });
    }
    let mut reviewed_by = None;
    if to == VersionState::Published {
        if policy.required && v.state == VersionState::Draft {
            return Err(VersionError::ReviewRequired);
        }
        if policy.required && !policy.author_may_review && actor == v.author {
            return Err(VersionError::SelfReview);
        }
        reviewed_by = (v.state == VersionState::InReview).then_some(actor);
    }
    let supersedes = published_version(versions).filter(|_| to == VersionState::Published);
    let discards = open_version(versions).filter(|&n| to == VersionState::Retired && n != number);
    let after: Vec<VersionFacts> = versions
        .iter()
        .map(|o| {
            let state = match o.number {
                n if n == number => to,
                n if Some(n) == supersedes => VersionState::Superseded,
                n if Some(n) == discards => VersionState::Discarded,
                _ => o.state,
            };
            VersionFacts { state, ..*o }
        })
        .collect();
    Ok(VersionPlan {
        number,
        to,
        supersedes,
        discards,
        published_version: published_version(&after),
        article_state: article_state(&after),
        reviewed_by,
        sets_published_at: to == VersionState::Published,
    })
}

/// Starting a version: the first of a new article, a revision of a
/// published one, or the revival of a retired one. One at a time.
pub fn plan_new_version(versions: &[VersionFacts]) -> Result<NewVersion, VersionError> {
    if let Some(number) = open_version(versions) {
        return Err(VersionError::RevisionOpen { number });
    }
    let newest = versions.iter().map(|v| v.number).max();
    let number = newest.map_or(1, |n| n + 1);
    let copy_from = published_version(versions).or(newest);
    let published = published_version(versions).is_some();
    Ok(NewVersion {
        number,
        copy_from,
        article_state: if published { ArticleState::Published } else { ArticleState::Draft },
    })
}

/// Only a draft's texts and fields change; what was reviewed or published
/// stays as it was read.
pub fn can_edit_content(version: VersionFacts) -> Result<(), VersionError> {
    if version.state == VersionState::Draft {
        Ok(())
    } else {
        Err(VersionError::NotEditable { number: version.number, state: version.state })
    }
}
