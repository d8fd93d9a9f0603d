//! What readers tell us: "did this help?" and deflection.
//!
//! Times are microseconds since the Unix epoch, as the store keeps them.

use crate::text::{self, Limit, TextError};
use serde::{Deserialize, Serialize};

/// A feedback comment: optional, several lines, at most 2,000 characters.
pub const FEEDBACK_COMMENT: Limit = Limit { min: 0, max: 2_000, multiline: true };

/// How long after opening a suggested article a requester may still file
/// their report and not count as deflected.
pub const DEFLECTION_WINDOW: i64 = 30 * 60 * 1_000_000;

/// "Did this help?", with an optional comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub helpful: bool,
    pub comment: Option<String>,
}

impl Feedback {
    /// Checks the comment (`comment` is the field an error names); a blank
    /// one is no comment.
    pub fn new(helpful: bool, comment: Option<&str>) -> Result<Feedback, TextError> {
        let comment = comment.map(|c| text::check(c, FEEDBACK_COMMENT)).transpose()?.filter(|c| !c.is_empty());
        Ok(Feedback { helpful, comment })
    }
}

/// Whether a requester who opened a suggested article at `opened_article_at`
/// was deflected: they filed no report in the 30 minutes from that moment
/// (a report at 30:00 or later is a new matter). `next_report_at` is their
/// first report at or after the opening, if any. `None` while the window
/// is still running and no report has come.
pub fn deflected(opened_article_at: i64, next_report_at: Option<i64>, now: i64) -> Option<bool> {
    let closes = opened_article_at.saturating_add(DEFLECTION_WINDOW);
    match next_report_at {
        Some(at) if (opened_article_at..closes).contains(&at) => Some(false),
        _ if now >= closes => Some(true),
        _ => None,
    }
}
