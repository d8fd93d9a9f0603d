//! The desk's daily work on top of the incident use cases: assign to me,
//! canned replies, bulk changes and saved views of the list. Every change
//! to an incident goes through the incidents' own write path.

mod assign;
mod bulk;
mod canned;
mod views;

pub use bulk::{BulkChange, BulkItem, BulkOutcome, MAX_BULK, Refusal};
pub use canned::{CannedReplyInput, FilledReply};
pub use views::{MAX_VIEWS, SavedView};
