//! A change's risk, from a questionnaire the change manager configures:
//! each question's answers carry a weight, the weights of the answers given
//! add up to a score, and the score's band gives the level. From a set
//! level up the change must go to the CAB (a standard change is
//! pre-approved by its template and is not scored).
//!
//! The questionnaire is kept as JSON; [`Questionnaire::validate`] checks it
//! when it is saved, and [`Questionnaire::score`] refuses answers that do
//! not fit it, each beside its own field (`answers.<question>`).

use crate::Role;
use crate::access::Denied;
use crate::code::{Code, Message, unknown_value};
use crate::text::{self, Limit};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// How risky a change is, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Moderate,
    High,
    VeryHigh,
}

text_enum!(RiskLevel, "risk level", [Low = "low", Moderate = "moderate", High = "high", VeryHigh = "very_high"]);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub key: String,
    pub text_en: String,
    pub text_pl: String,
    pub weight: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub key: String,
    pub text_en: String,
    pub text_pl: String,
    pub answers: Vec<Answer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    pub questions: Vec<Question>,
    /// `(min_score, level)`: from 0 up, both rising; a score takes the
    /// last level whose minimum it reaches.
    pub levels: Vec<(u32, RiskLevel)>,
    /// From this level up the change must go to the CAB.
    pub cab_from: RiskLevel,
}

/// What the answers give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Risk {
    pub score: u32,
    pub level: RiskLevel,
    pub needs_cab: bool,
}

/// A question's or an answer's text, in either language.
const TEXT: Limit = Limit { min: 1, max: 300, multiline: false };
/// A question's or an answer's key.
const KEY_MAX: usize = 50;
/// At most this many questions, and answers to one question: a form
/// people fill in, not a survey.
pub const QUESTIONS_MAX: usize = 30;
pub const ANSWERS_MAX: usize = 20;
/// An answer's weight: 0 to this.
pub const WEIGHT_MAX: u32 = 1_000;

type Problems = Vec<(String, Message)>;

impl Questionnaire {
    /// Checks the questionnaire as configured: at least one question, each
    /// with at least one answer; keys of lower-case letters, digits and `_`,
    /// unique among the questions and among one question's answers; both
    /// texts filled; levels from score 0, scores and levels rising; the CAB
    /// level one of the levels.
    pub fn validate(&self) -> Result<(), Problems> {
        let mut problems = Problems::new();
        if self.questions.is_empty() {
            problems.push(("questions".into(), Code::RiskNoQuestions.msg("the questionnaire needs a question")));
        } else if self.questions.len() > QUESTIONS_MAX {
            problems.push(("questions".into(), too_many(QUESTIONS_MAX)));
        }
        let mut keys = HashSet::new();
        for (i, q) in self.questions.iter().enumerate() {
            let at = format!("questions[{i}]");
            check_item(&mut problems, &at, &q.key, &q.text_en, &q.text_pl, &mut keys);
            if q.answers.is_empty() {
                problems.push((format!("{at}.answers"), Code::RiskNoAnswers.msg("a question needs an answer")));
            } else if q.answers.len() > ANSWERS_MAX {
                problems.push((format!("{at}.answers"), too_many(ANSWERS_MAX)));
            }
            let mut answer_keys = HashSet::new();
            for (j, a) in q.answers.iter().enumerate() {
                check_item(
                    &mut problems,
                    &format!("{at}.answers[{j}]"),
                    &a.key,
                    &a.text_en,
                    &a.text_pl,
                    &mut answer_keys,
                );
                if a.weight > WEIGHT_MAX {
                    let text = format!("must be between 0 and {WEIGHT_MAX}");
                    let m = Code::Between.msg(text).with("min", 0).with("max", WEIGHT_MAX);
                    problems.push((format!("{at}.answers[{j}].weight"), m));
                }
            }
        }
        match self.levels.first() {
            None => problems.push(("levels".into(), levels_from_zero())),
            Some((min, _)) if *min != 0 => problems.push(("levels[0]".into(), levels_from_zero())),
            Some(_) => {}
        }
        for (i, pair) in self.levels.windows(2).enumerate() {
            if pair[1].0 <= pair[0].0 || pair[1].1 <= pair[0].1 {
                let text = "must have a higher score and a higher level than the one before";
                problems.push((format!("levels[{}]", i + 1), Code::RiskLevelsRising.msg(text)));
            }
        }
        if !self.levels.iter().any(|(_, l)| *l == self.cab_from) {
            let text = format!("{} is not one of the questionnaire's levels", self.cab_from);
            problems.push(("cab_from".into(), Code::RiskCabLevel.msg(text).with("level", self.cab_from)));
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// The risk the answers give: `(question key, answer key)` pairs, every
    /// question answered once. Refuses an unknown question, an answer the
    /// question does not offer (out of range), a question answered twice
    /// and a question left unanswered, each beside `answers.<question>`.
    pub fn score(&self, answers: &[(String, String)]) -> Result<Risk, Problems> {
        let mut problems = Problems::new();
        let mut seen = HashSet::new();
        let mut score = 0_u32;
        for (q_key, a_key) in answers {
            let field = format!("answers.{q_key}");
            let Some(q) = self.questions.iter().find(|q| q.key == *q_key) else {
                let text = format!("there is no question {q_key:?}");
                problems.push((field, Code::RiskUnknownQuestion.msg(text).with("key", q_key)));
                continue;
            };
            if !seen.insert(q_key.as_str()) {
                problems.push((field, Code::Twice.msg("is answered twice")));
                continue;
            }
            match q.answers.iter().find(|a| a.key == *a_key) {
                Some(a) => score = score.saturating_add(a.weight),
                None => problems.push((field, out_of_range(q, a_key))),
            }
        }
        for q in &self.questions {
            if !seen.contains(q.key.as_str()) {
                problems.push((format!("answers.{}", q.key), Code::Required.msg("is required")));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let level = self.level_for(score);
        Ok(Risk { score, level, needs_cab: level >= self.cab_from })
    }

    /// The level of a score: the last level whose minimum it reaches (Low
    /// when the levels are not configured).
    pub fn level_for(&self, score: u32) -> RiskLevel {
        self.levels.iter().take_while(|(min, _)| *min <= score).last().map_or(RiskLevel::Low, |(_, l)| *l)
    }
}

/// Who may change the questionnaire: the change manager's managers and admins.
pub fn can_configure_risk(role: Role) -> Result<(), Denied> {
    if matches!(role, Role::Manager | Role::Admin) {
        Ok(())
    } else {
        Err(Denied("only managers and admins can change the risk questionnaire", Code::DenyRiskQuestionnaire))
    }
}

fn too_many(max: usize) -> Message {
    Code::TooMany.msg(format!("at most {max}")).with("max", max)
}

fn levels_from_zero() -> Message {
    Code::RiskLevelsFromZero.msg("the first level must start at score 0")
}

fn out_of_range(q: &Question, answer: &str) -> Message {
    let list = q.answers.iter().map(|a| a.key.as_str()).collect::<Vec<_>>().join(", ");
    let text = format!("{answer:?} is out of range: must be one of {list}");
    Message { code: Code::RiskAnswerOutOfRange, ..unknown_value(text, answer, list) }
}

/// A question's or an answer's key and texts, the key unique in `keys`.
fn check_item<'a>(problems: &mut Problems, at: &str, key: &'a str, en: &str, pl: &str, keys: &mut HashSet<&'a str>) {
    if key.is_empty() {
        problems.push((format!("{at}.key"), Code::Required.msg("is required")));
    } else if key.len() > KEY_MAX || !key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        let text = format!("use lower-case letters, digits and _ (at most {KEY_MAX})");
        problems.push((format!("{at}.key"), Code::KeyChars.msg(text)));
    } else if !keys.insert(key) {
        problems.push((format!("{at}.key"), Code::Twice.msg("is used twice")));
    }
    for (field, value) in [("text_en", en), ("text_pl", pl)] {
        if let Err(e) = text::check(value, TEXT) {
            problems.push((format!("{at}.{field}"), e.into()));
        }
    }
}

fn answer(key: &str, weight: u32, text_en: &str, text_pl: &str) -> Answer {
    Answer { key: key.into(), text_en: text_en.into(), text_pl: text_pl.into(), weight }
}

fn question(key: &str, text_en: &str, text_pl: &str, answers: Vec<Answer>) -> Question {
    Question { key: key.into(), text_en: text_en.into(), text_pl: text_pl.into(), answers }
}

/// Five questions, scores 0 to 21: low below 5, moderate from 5, high from
/// 10 (the CAB's), very high from 15.
impl Default for Questionnaire {
    fn default() -> Self {
        let questions = vec![
            question(
                "services_affected",
                "How many services does the change affect?",
                "Ilu usług dotyczy zmiana?",
                vec![
                    answer(
                        "none",
                        0,
                        "None: no service depends on what changes",
                        "Żadnej: żadna usługa nie zależy od tego, co się zmienia",
                    ),
                    answer("one", 1, "One service", "Jednej usługi"),
                    answer("several", 3, "Two to five services", "Od dwóch do pięciu usług"),
                    answer("many", 5, "More than five services", "Ponad pięciu usług"),
                ],
            ),
            question(
                "user_impact",
                "Who would notice if the change went wrong?",
                "Kto odczułby nieudaną zmianę?",
                vec![
                    answer("nobody", 0, "Nobody outside IT", "Nikt poza działem IT"),
                    answer("one_team", 1, "One team", "Jeden zespół"),
                    answer("one_site", 2, "A department or a site", "Dział lub lokalizacja"),
                    answer(
                        "everyone",
                        4,
                        "The whole organisation or its customers",
                        "Cała organizacja lub jej klienci",
                    ),
                ],
            ),
            question(
                "back_out",
                "How hard is it to back the change out?",
                "Jak trudno wycofać zmianę?",
                vec![
                    answer(
                        "easy",
                        0,
                        "Easy, and the back-out plan was tested",
                        "Łatwo, a plan wycofania przetestowano",
                    ),
                    answer(
                        "documented",
                        1,
                        "The back-out plan is written but not tested",
                        "Plan wycofania jest opisany, ale nieprzetestowany",
                    ),
                    answer(
                        "hard",
                        3,
                        "Hard or slow (a restore from backup)",
                        "Trudno lub długo (odtworzenie z kopii zapasowej)",
                    ),
                    answer("impossible", 5, "It cannot be backed out", "Zmiany nie da się wycofać"),
                ],
            ),
            question(
                "tested",
                "Was the change tested beforehand?",
                "Czy zmianę wcześniej przetestowano?",
                vec![
                    answer(
                        "production_like",
                        0,
                        "Yes, in a production-like environment",
                        "Tak, w środowisku takim jak produkcyjne",
                    ),
                    answer("partly", 2, "Partly, or in a different environment", "Częściowo lub w innym środowisku"),
                    answer("no", 4, "No", "Nie"),
                ],
            ),
            question(
                "outage",
                "Will services be down during the change?",
                "Czy usługi będą niedostępne w trakcie zmiany?",
                vec![
                    answer("none", 0, "No outage", "Bez przerwy w działaniu"),
                    answer(
                        "in_window",
                        1,
                        "Yes, within an agreed maintenance window",
                        "Tak, w uzgodnionym oknie serwisowym",
                    ),
                    answer("outside_window", 3, "Yes, outside a maintenance window", "Tak, poza oknem serwisowym"),
                ],
            ),
        ];
        Questionnaire {
            questions,
            levels: vec![
                (0, RiskLevel::Low),
                (5, RiskLevel::Moderate),
                (10, RiskLevel::High),
                (15, RiskLevel::VeryHigh),
            ],
            cab_from: RiskLevel::High,
        }
    }
}
