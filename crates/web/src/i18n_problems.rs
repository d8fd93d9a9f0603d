//! Problem management's words in the UI's language: states, cause
//! categories, resolution codes, the analysis fields, and the problem
//! rules' refusals. Stored values are the domain's keys; the texts are in
//! `i18n.rs`'s catalogue, section "Problem management in the UI".

use crate::i18n::{Lang, Msg, t, tf};
use std::borrow::Cow;
use steward_domain::problem::{CauseCategory, ProblemResolution, ProblemState};

pub fn state(lang: Lang, s: ProblemState) -> &'static str {
    use ProblemState::*;
    t(
        lang,
        match s {
            New => Msg::PrbStateNew,
            Assessment => Msg::PrbStateAssessment,
            RootCauseAnalysis => Msg::PrbStateRca,
            FixInProgress => Msg::PrbStateFix,
            Resolved => Msg::PrbStateResolved,
            Closed => Msg::PrbStateClosed,
            Cancelled => Msg::PrbStateCancelled,
        },
    )
}

pub fn cause_category(lang: Lang, c: CauseCategory) -> &'static str {
    use CauseCategory::*;
    t(
        lang,
        match c {
            Hardware => Msg::CauseHardware,
            Software => Msg::CauseSoftware,
            Configuration => Msg::CauseConfiguration,
            Capacity => Msg::CauseCapacity,
            Network => Msg::CauseNetwork,
            Security => Msg::CauseSecurity,
            Process => Msg::CauseProcess,
            HumanError => Msg::CauseHumanError,
            ThirdParty => Msg::CauseThirdParty,
            Environment => Msg::CauseEnvironment,
            Unknown => Msg::CauseUnknown,
        },
    )
}

pub fn resolution(lang: Lang, r: ProblemResolution) -> &'static str {
    use ProblemResolution::*;
    t(
        lang,
        match r {
            Fixed => Msg::PrbFixed,
            WorkaroundOnly => Msg::PrbWorkaroundOnly,
            RiskAccepted => Msg::PrbRiskAccepted,
            CannotFix => Msg::PrbCannotFix,
            Duplicate => Msg::PrbDuplicate,
            NotAProblem => Msg::PrbNotAProblem,
        },
    )
}

/// The label of a field only problems have (None: not one of them).
pub fn field(lang: Lang, name: &str) -> Option<&'static str> {
    let m = match name {
        "cause_category" => Msg::CauseCategory,
        "root_cause" | "cause" => Msg::RootCauseText,
        "whys" => Msg::FiveWhys,
        "workaround" => Msg::Workaround,
        "known_error" => Msg::KnownError,
        "cancel_reason" => Msg::CancelReason,
        "incidents" => Msg::FieldIncidents,
        "resolve_incidents" => Msg::FieldResolveIncidents,
        "incident_notes" => Msg::IncidentNotes,
        _ if name.starts_with("whys[") => Msg::FiveWhys,
        _ => return None,
    };
    Some(t(lang, m))
}

/// A stored value of a problem field as people read it (None: the field
/// or the value is not a problem's).
pub fn value(lang: Lang, field: &str, v: &str) -> Option<String> {
    match field {
        "state" => v.parse::<ProblemState>().ok().map(|s| state(lang, s).to_owned()),
        "resolution_code" => v.parse::<ProblemResolution>().ok().map(|r| resolution(lang, r).to_owned()),
        "cause_category" => v.parse::<CauseCategory>().ok().map(|c| cause_category(lang, c).to_owned()),
        "known_error" => Some(t(lang, if v == "true" { Msg::Yes } else { Msg::No }).to_owned()),
        // The 5-whys are a JSON list: how many steps, not the list.
        "whys" => serde_json::from_str::<Vec<serde_json::Value>>(v)
            .ok()
            .map(|w| tf(lang, Msg::WhysSteps, &[("n", &w.len().to_string())])),
        _ => None,
    }
}

/// The problem rules' refusals in the UI's language (None: not one).
pub fn message(lang: Lang, msg: &str) -> Option<Cow<'static, str>> {
    if lang == Lang::En {
        return None;
    }
    let pl = |m| Some(Cow::Borrowed(t(lang, m)));
    if msg.ends_with(" is required to publish a known error") {
        return pl(Msg::KnownErrorNeeds);
    }
    if msg.contains("cannot be cleared while the problem is published as a known error") {
        return pl(Msg::ValKeptWhilePublished);
    }
    if msg.contains("problem cannot be published as a known error") {
        return pl(Msg::KnownErrorNeeds);
    }
    if msg == "the problem is not published as a known error" {
        return pl(Msg::ValNotKnownError);
    }
    if msg.starts_with("cannot link an incident to a ") {
        return pl(Msg::ValLinkClosedProblem);
    }
    if let Some(numbers) = msg.strip_prefix("no such incident: ") {
        return Some(Cow::Owned(tf(lang, Msg::ValNoSuchIncidents, &[("numbers", numbers)])));
    }
    if msg.ends_with("is not an incident number") {
        return pl(Msg::ValNotNumber);
    }
    if msg.starts_with("a problem resolved as ") {
        return pl(Msg::ValIncidentsStayOpen);
    }
    if msg == "is not linked to this incident" {
        return pl(Msg::ValNotLinkedProblem);
    }
    if msg == "is not a published known error" {
        return pl(Msg::ValNotKnownError);
    }
    if msg == "has no workaround" {
        return pl(Msg::NoWorkaround);
    }
    if msg.starts_with("resolution_code ") && msg.contains(" is not allowed from ") {
        return pl(Msg::ValResolutionNotHere);
    }
    if msg.starts_with("only applies") || msg.contains(" only applies when moving to ") {
        return pl(Msg::ValNotApplicable);
    }
    if msg == "must be a whole number" {
        return pl(Msg::ValNotWhole);
    }
    if let Some(max) = msg.strip_prefix("must be 1 to ") {
        return Some(Cow::Owned(tf(lang, Msg::ValFromTo, &[("max", max)])));
    }
    if msg == "name at least one incident" {
        return pl(Msg::ValChooseIncidents);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_category_and_code_has_words_in_both_languages() {
        for s in ProblemState::ALL {
            assert_ne!(state(Lang::Pl, *s), state(Lang::En, *s).to_lowercase(), "{s}");
        }
        assert_eq!(state(Lang::Pl, ProblemState::RootCauseAnalysis), "Analiza przyczyny");
        for c in CauseCategory::ALL {
            assert!(!cause_category(Lang::Pl, *c).is_empty());
        }
        assert_eq!(resolution(Lang::En, ProblemResolution::WorkaroundOnly), "Workaround only");
        assert_eq!(value(Lang::Pl, "state", "fix_in_progress").as_deref(), Some("Naprawa w toku"));
        assert_eq!(value(Lang::En, "state", "in_progress"), None, "an incident's state is not a problem's");
        assert_eq!(value(Lang::En, "whys", r#"[{"question":"a","answer":"b"}]"#).as_deref(), Some("1 steps"));
    }

    #[test]
    fn refusals_read_in_polish() {
        let m = |s| message(Lang::Pl, s).map(Cow::into_owned);
        assert_eq!(
            m("workaround is required to publish a known error").as_deref(),
            Some(t(Lang::Pl, Msg::KnownErrorNeeds))
        );
        assert_eq!(m("no such incident: INC0000009").as_deref(), Some("nie ma takich incydentów: INC0000009"));
        assert_eq!(m("is not a published known error").as_deref(), Some("nie jest opublikowanym znanym błędem"));
        assert_eq!(message(Lang::En, "is not a published known error"), None);
        assert_eq!(m("something else"), None);
    }
}
