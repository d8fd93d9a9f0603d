//! Problem candidates: incidents that repeat. The store counts a period's
//! incidents per service, CI and category and says whether an open problem
//! already covers each group; this decides which groups the problem queue
//! shows.
//!
//! A group is a candidate when its count reaches the threshold ("5
//! incidents in 7 days" means five are enough) and no open problem covers
//! it. A threshold of 0 is read as 1: a group without incidents is never a
//! candidate.

use serde::Serialize;

/// What the incidents have in common. The order (services, CIs,
/// categories, then by id or name) breaks ties between equal counts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "by", content = "key")]
pub enum GroupKey {
    Service(i64),
    Ci(i64),
    Category(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    pub what: GroupKey,
    pub incidents: u32,
    /// An open problem already names this service, CI or category.
    pub open_problem: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub what: GroupKey,
    pub incidents: u32,
}

/// The candidates, most incidents first.
pub fn candidates(counts: &[GroupCount], threshold: u32) -> Vec<Candidate> {
    let threshold = threshold.max(1);
    let mut out: Vec<Candidate> = counts
        .iter()
        .filter(|c| c.incidents >= threshold && !c.open_problem)
        .map(|c| Candidate { what: c.what.clone(), incidents: c.incidents })
        .collect();
    out.sort_by(|a, b| b.incidents.cmp(&a.incidents).then_with(|| a.what.cmp(&b.what)));
    out
}
