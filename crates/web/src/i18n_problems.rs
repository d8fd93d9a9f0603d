//! Problem management's words in the UI's language: states, cause
//! categories, resolution codes, the analysis fields, and the problem
//! rules' refusals. Stored values are the domain's keys; the texts are in
//! `i18n.rs`'s catalogue, section "Problem management in the UI".

use crate::i18n::{Lang, Msg, t, tf};

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
        use crate::i18n_codes::message as tr;
        use steward_app::Code;
        use steward_domain::problem::KnownErrorError;
        let missing = KnownErrorError::Missing { field: "workaround" }.into();
        assert_eq!(tr(Lang::Pl, &missing), t(Lang::Pl, Msg::KnownErrorNeeds));
        assert_eq!(tr(Lang::En, &missing), "workaround is required to publish a known error");
        let numbers = Code::NoSuchIncidents.msg("no such incident: INC0000009").with("numbers", "INC0000009");
        assert_eq!(tr(Lang::Pl, &numbers), "nie ma takich incydentów: INC0000009");
        let not_published = KnownErrorError::NotPublished.into();
        assert_eq!(tr(Lang::Pl, &not_published), "nie jest opublikowanym znanym błędem");
    }
}
