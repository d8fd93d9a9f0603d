//! The 5-whys of a root-cause analysis: up to five question/answer steps,
//! in order, stored as JSON. A `Whys` is valid by construction — also when
//! it is read back from JSON — so a bad step cannot get past the edge.
//!
//! The 2,000-character limit applies to the question and to the answer of
//! each step separately, so that an error can name one field. The answer is
//! required (a why without an answer says nothing); the question may be left
//! empty, and the page shows "Why?" in its place.

use crate::text::{self, Limit, TextError};
use serde::{Deserialize, Serialize};

pub const MAX_WHYS: usize = 5;
pub const WHY_MAX_CHARS: usize = 2_000;

const QUESTION: Limit = Limit { min: 0, max: WHY_MAX_CHARS, multiline: true };
const ANSWER: Limit = Limit { min: 1, max: WHY_MAX_CHARS, multiline: true };

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhyStep {
    #[serde(default)]
    pub question: String,
    pub answer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "Vec<WhyStep>", into = "Vec<WhyStep>")]
pub struct Whys(Vec<WhyStep>);

/// Why a 5-whys list was refused; `field` is the path to show it beside
/// (`whys[2].answer`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WhysError {
    #[error("whys: at most {MAX_WHYS} steps, got {0}")]
    TooMany(usize),
    #[error("whys[{index}].{field} {error}")]
    Step { index: usize, field: &'static str, error: TextError },
}

impl WhysError {
    /// The field path the message belongs beside.
    pub fn field(&self) -> String {
        match self {
            WhysError::TooMany(_) => "whys".to_owned(),
            WhysError::Step { index, field, .. } => format!("whys[{index}].{field}"),
        }
    }
}

impl Whys {
    /// Checks every step (trimmed, line ends made `\n`) and keeps the order.
    pub fn new(steps: Vec<WhyStep>) -> Result<Whys, WhysError> {
        if steps.len() > MAX_WHYS {
            return Err(WhysError::TooMany(steps.len()));
        }
        let step = |index, field, value: &str, limit| {
            text::check(value, limit).map_err(|error| WhysError::Step { index, field, error })
        };
        steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                Ok(WhyStep {
                    question: step(i, "question", &s.question, QUESTION)?,
                    answer: step(i, "answer", &s.answer, ANSWER)?,
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Whys)
    }

    pub fn steps(&self) -> &[WhyStep] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The last answer: where the chain of whys arrived, the root cause.
    pub fn conclusion(&self) -> Option<&str> {
        self.0.last().map(|s| s.answer.as_str())
    }
}

impl TryFrom<Vec<WhyStep>> for Whys {
    type Error = WhysError;
    fn try_from(steps: Vec<WhyStep>) -> Result<Whys, WhysError> {
        Whys::new(steps)
    }
}

impl From<Whys> for Vec<WhyStep> {
    fn from(w: Whys) -> Vec<WhyStep> {
        w.0
    }
}

impl From<WhysError> for crate::code::Message {
    fn from(e: WhysError) -> Self {
        let text = e.to_string();
        match e {
            WhysError::TooMany(got) => crate::code::Code::WhysTooMany.msg(text).with("max", MAX_WHYS).with("got", got),
            WhysError::Step { error, .. } => crate::code::Message::wrapping(error, text),
        }
    }
}
