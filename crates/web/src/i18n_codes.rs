//! The app's messages (validation and refusals) in the reader's language,
//! looked up by their stable code (`steward_app::Code`) with their named
//! values filled in; never by their English words. A code without an
//! entry here is shown in English, as the app wrote it.

use std::borrow::Cow;

use steward_app::{Code, FieldError, Message};

use crate::i18n::{Lang, Msg, t, tf};

/// The catalogue entry that says what `code` means.
pub fn msg_for(code: Code) -> Msg {
    use Code as C;
    match code {
        C::Required | C::RequiredForState => Msg::ValRequired,
        C::TooLong => Msg::ValTooLong,
        C::ControlCharacters => Msg::ValControl,
        C::SingleLine => Msg::ValSingleLine,
        C::NotATime => Msg::ValNotDate,
        C::NotTimeOfDay => Msg::ValNotTimeOfDay,
        C::NoSuchUser => Msg::ValNoSuchUser,
        C::NoSuchIncident => Msg::ValNoSuchIncident,
        C::NoSuchIncidents => Msg::ValNoSuchIncidents,
        C::NotIncidentNumber => Msg::ValNotNumber,
        C::OwnParent => Msg::ValOwnParent,
        C::NotApproved => Msg::ValNotApproved,
        C::OpenTasks => Msg::ValOpenTasks,
        C::TaskBlocked => Msg::ValTaskBlocked,
        C::TaskChangeClosed => Msg::ValTaskChangeClosed,
        C::PlannedEndBeforeStart => Msg::ValPlannedEndBeforeStart,
        C::EndBeforeStart => Msg::ValEndBeforeStart,
        C::PlannedWindowHalf => Msg::ValPlannedWindowHalf,
        C::ChangeTemplateGone => Msg::ValChangeTemplateGone,
        C::ChangeTemplateRequired => Msg::ValChangeTemplateRequired,
        C::NoChangeTemplate => Msg::ValNoChangeTemplate,
        C::TemplateOnlyStandard => Msg::ValTemplateOnlyStandard,
        C::RiskUnknownQuestion => Msg::ValRiskUnknownQuestion,
        C::RiskAnswerOutOfRange => Msg::ValRiskAnswerOutOfRange,
        C::RiskNoQuestions => Msg::ValRiskNoQuestions,
        C::RiskNoAnswers => Msg::ValRiskNoAnswers,
        C::RiskLevelsFromZero => Msg::ValRiskLevelsFromZero,
        C::RiskLevelsRising => Msg::ValRiskLevelsRising,
        C::RiskCabLevel => Msg::ValRiskCabLevel,
        C::DenyChangeView => Msg::DenyChangeView,
        C::DenyReports => Msg::DenyReports,
        C::DenyChangeEdit => Msg::DenyChangeEdit,
        C::DenyChangeCancel => Msg::DenyChangeCancel,
        C::DenyChangeApprove => Msg::DenyChangeApprove,
        C::DenyOwnApproval => Msg::DenyOwnApproval,
        C::NotAwaitingApproval => Msg::ValNotAwaitingApproval,
        C::InFreeze => Msg::ValInFreeze,
        C::ApprovalUnreachable => Msg::ValApprovalUnreachable,
        C::ApprovalWaiting => Msg::ValApprovalWaiting,
        C::ApprovalDecided => Msg::ValApprovalDecided,
        C::DenyApprovalPolicies => Msg::DenyApprovalPolicies,
        C::DenyChangeTemplates => Msg::DenyChangeTemplates,
        C::DenyRiskQuestionnaire => Msg::DenyRiskQuestionnaire,
        C::TokenAlertsOnly => Msg::DenyTokenAlertsOnly,
        C::DenyDirectoryNoRole => Msg::DirectoryNoRole,
        C::DenyAlerts => Msg::DenyAlerts,
        C::TemplateInUse => Msg::ValTemplateInUse,
        C::LinkElsewhere => Msg::ValLinkElsewhere,
        C::LinkSelf => Msg::ValLinkSelf,
        C::LinkKinds => Msg::ValLinkKinds,
        C::ParentCycle => Msg::ValParentCycle,
        C::DuplicateCycle => Msg::ValDuplicateCycle,
        C::LinkTaken => Msg::ValLinkTaken,
        C::NoSuchRecord => Msg::ValNoSuchRecord,
        C::NotRecordNumber => Msg::ValNotRecordNumber,
        C::NotLinked => Msg::ValNotLinked,
        C::GroupForAssignee => Msg::ValGroupForAssignee,
        C::NotMember => Msg::ValNotMember,
        C::NoGroup => Msg::ValNoGroup,
        C::NoCi => Msg::ValNoCi,
        C::NoUserNamed => Msg::ValNoUserNamed,
        C::UserAmbiguous => Msg::ValUserAmbiguous,
        C::NoService => Msg::ValNoService,
        C::Level => Msg::ValLevel,
        C::EmptyFile => Msg::ValEmptyFile,
        C::Positive => Msg::ValPositive,
        C::NoTargets => Msg::ValNoTargets,
        C::NoHours => Msg::ValNoHours,
        C::Overlaps => Msg::ValOverlaps,
        C::Inverted => Msg::ValInverted,
        C::UnknownZone => Msg::ValUnknownZone,
        C::NotTime => Msg::ValNotTime,
        C::ThresholdRange => Msg::ValThresholdRange,
        C::ThresholdRising => Msg::ValThresholdRising,
        C::NoCalendar => Msg::ValNoCalendar,
        C::NameTaken => Msg::ValNameTaken,
        C::WrongPassword => Msg::ValWrongPassword,
        C::WrongCode => Msg::ValWrongCode,
        C::TwoFactorOn => Msg::ValTwoFactorOn,
        C::TwoFactorOff => Msg::ValTwoFactorOff,
        C::SamePassword => Msg::ValSamePassword,
        C::PasswordCommon => Msg::ValPasswordCommon,
        C::PasswordUsername => Msg::ValPasswordUsername,
        C::PasswordShort => Msg::ValPasswordShort,
        C::PasswordLong => Msg::ValPasswordLong,
        C::Locale => Msg::ValLocale,
        C::SelfDemote => Msg::ValSelfDemote,
        C::LastAdmin => Msg::ValLastAdmin,
        C::EmailOneAt => Msg::ValEmailOneAt,
        C::EmailNoLocal => Msg::ValEmailNoLocal,
        C::EmailNoDot => Msg::ValEmailNoDot,
        C::EmailBadDomain => Msg::ValEmailBadDomain,
        C::EmailSpaces => Msg::ValEmailSpaces,
        C::EmailTooLong => Msg::ValEmailTooLong,
        C::EmailTaken => Msg::ValEmailTaken,
        C::AssigneeDeactivated => Msg::ValAssigneeDeactivated,
        C::Taken => Msg::ValTaken,
        C::NotZone => Msg::ValNotZone,
        C::InUse => Msg::ValInUse,
        C::NoOrganisation => Msg::ValNoOrganisation,
        C::KnownErrorNeeds => Msg::KnownErrorNeeds,
        C::KeptWhilePublished => Msg::ValKeptWhilePublished,
        C::NotKnownError => Msg::ValNotKnownError,
        C::LinkClosedProblem => Msg::ValLinkClosedProblem,
        C::IncidentsStayOpen => Msg::ValIncidentsStayOpen,
        C::NotLinkedProblem => Msg::ValNotLinkedProblem,
        C::NoWorkaround => Msg::NoWorkaround,
        C::ResolutionNotHere => Msg::ValResolutionNotHere,
        C::NotApplicable => Msg::ValNotApplicable,
        C::NotWhole => Msg::ValNotWhole,
        C::FromTo => Msg::ValFromTo,
        C::ChooseIncidents => Msg::ValChooseIncidents,
        C::NotInAnyGroup => Msg::ValNotInAnyGroup,
        C::TooManyFiles => Msg::ValTooManyFiles,
        C::BulkTooMany => Msg::ValBulkTooMany,
        C::BulkNothing => Msg::ValBulkNothing,
        C::BulkStateAlone => Msg::ValBulkStateAlone,
        C::UnknownPlaceholder => Msg::ValUnknownPlaceholder,
        C::UnclosedBrace => Msg::ValUnclosedBrace,
        C::StrayBrace => Msg::ValStrayBrace,
        C::KbReviewFirst => Msg::ValKbReviewFirst,
        C::KbReviewByPast => Msg::ValKbReviewByPast,
        C::KbOneLanguage => Msg::ValKbOneLanguage,
        C::DenyOwnOnly => Msg::DenyOwnOnly,
        C::DenyCommentOwn => Msg::DenyCommentOwn,
        C::DenyWorkNotes => Msg::DenyWorkNotes,
        C::DenyEdit => Msg::DenyEdit,
        C::DenyTransition => Msg::DenyTransition,
        C::DenyOutbox => Msg::DenyOutbox,
        C::DenyWebhooks => Msg::DenyWebhooks,
        C::DenyRetry => Msg::DenyRetry,
        C::DenyKbNotPublished => Msg::DenyKbNotPublished,
        C::DenyKbStaffOnly => Msg::DenyKbStaffOnly,
        C::DenyKbWrite => Msg::DenyKbWrite,
        C::DenyKbDraft => Msg::DenyKbDraft,
        C::DenyKbPublish => Msg::DenyKbPublish,
        C::DenyKbRetire => Msg::DenyKbRetire,
        C::DenyKbSelfReview => Msg::DenyKbSelfReview,
        C::DenyKbUnpublished => Msg::DenyKbUnpublished,
        C::DenyAdmin => Msg::DenyAdmin,
        C::DenyServiceLevels => Msg::DenyServiceLevels,
        C::DenyCmdb => Msg::DenyCmdb,
        C::DenyCiClasses => Msg::DenyCiClasses,
        C::DenyCatalog => Msg::DenyCatalog,
        C::DenyCannedReplies => Msg::DenyCannedReplies,
        C::DenyProblemView => Msg::DenyProblemView,
        C::DenyProblemEdit => Msg::DenyProblemEdit,
        C::DenyProblemLink => Msg::DenyProblemLink,
        C::DenyLinks => Msg::DenyLinks,
        C::DenyChangeCalendar => Msg::DenyChangeCalendar,
        C::DenyCabMeetings => Msg::DenyCabMeetings,
        C::CiRetired => Msg::CiRetired,
        C::DenyKnownError => Msg::DenyKnownError,
        C::DenyProblemClose => Msg::DenyProblemClose,
        C::DenyProblemCancel => Msg::DenyProblemCancel,
        C::DenyRiskAccept => Msg::DenyRiskAccept,
        C::TransitionNotAllowed => Msg::ValTransitionNotAllowed,
        C::PriorityLevel => Msg::ValPriorityLevel,
        C::UnknownRole => Msg::ValUnknownRole,
        C::ZoneUnmappable => Msg::ValZoneUnmappable,
        C::BadDate => Msg::ValBadDate,
        C::NoSuchDate => Msg::ValNoSuchDate,
        C::NotMonth => Msg::ValNotMonth,
        C::NoDayInMonth => Msg::ValNoDayInMonth,
        C::EasterOffset => Msg::ValEasterOffset,
        C::NotYear => Msg::ValNotYear,
        C::YearsInverted => Msg::ValYearsInverted,
        C::EndOnly => Msg::ValEndOnly,
        C::IcalTooLarge => Msg::ValIcalTooLarge,
        C::IcalUnclosed => Msg::ValIcalUnclosed,
        C::IcalNotCalendar => Msg::ValIcalNotCalendar,
        C::IcalNoStart => Msg::ValIcalNoStart,
        C::IcalBadDate => Msg::ValIcalBadDate,
        C::IcalBadDuration => Msg::ValIcalBadDuration,
        C::IcalTooLong => Msg::ValIcalTooLong,
        C::IcalFreq => Msg::ValIcalFreq,
        C::IcalCount => Msg::ValIcalCount,
        C::IcalRule => Msg::ValIcalRule,
        C::IcalNoYearly => Msg::ValIcalNoYearly,
        C::Twice => Msg::ValTwice,
        C::NoClass => Msg::ValNoClass,
        C::ExtendsItself => Msg::ValExtendsItself,
        C::EnumNoValues => Msg::ValEnumNoValues,
        C::NoAttribute => Msg::ValNoAttribute,
        C::AttrNotDate => Msg::ValAttrNotDate,
        C::MustBeDate => Msg::ValNotDate,
        C::OneOf => Msg::ValOneOf,
        C::OneOfListed => Msg::ValOneOfListed,
        C::CiWrongClass => Msg::ValCiWrongClass,
        C::NotCiId => Msg::ValNotCiId,
        C::RelationTarget => Msg::ValRelationTarget,
        C::NotText => Msg::ValNotText,
        C::NotNumber => Msg::ValNotDecimal,
        C::NotBool => Msg::ValNotBool,
        C::UnknownKind => Msg::ValUnknownKind,
        C::TargetsTwice => Msg::ValTargetsTwice,
        C::TargetNeeded => Msg::ValTargetNeeded,
        C::UnknownClock => Msg::ValUnknownClock,
        C::PercentRange => Msg::EscValPercent,
        C::AfterRequired => Msg::EscValAfter,
        C::NotStateOf => Msg::ValNotStateOf,
        C::NoGroupAndGroups => Msg::EscValNoGroupAndGroups,
        C::NoActions => Msg::EscValNoAction,
        C::NamesNobody => Msg::ValNamesNobody,
        C::UsersNeedNames => Msg::ValUsersNeedNames,
        C::NameAGroup => Msg::ValNameAGroup,
        C::TooLarge => Msg::ValTooLarge,
        C::NotOneOf => Msg::ValNotOneOf,
        C::NotId => Msg::ValNotId,
        C::ExportWhole => Msg::ValExportWhole,
        C::XlsxTooLarge => Msg::ValXlsxTooLarge,
        C::TargetBelowBaseline => Msg::ValTargetBelowBaseline,
        C::TargetAboveBaseline => Msg::ValTargetAboveBaseline,
        C::TargetDatePast => Msg::ValTargetDatePast,
        C::DenyImprovements => Msg::DenyImprovements,
        C::NotReportRecipient => Msg::ValNotReportRecipient,
        C::PanelNoKind => Msg::ValPanelNoKind,
        C::ReportTooLarge => Msg::ValReportTooLarge,
        C::TextNotWhole => Msg::ValTextNotWhole,
        C::TextNotBool => Msg::ValTextNotBool,
        C::TextNotCiId => Msg::ValTextNotCiId,
        C::TextDecimalComma => Msg::ValTextDecimalComma,
        C::TextNotNumber => Msg::ValTextNotNumber,
        C::NotTier => Msg::ValNotTier,
        C::NotAService => Msg::ValNotAService,
        C::KbLanguageTwice => Msg::ValKbLanguageTwice,
        C::WhysTooMany => Msg::ValWhysTooMany,
        C::DenyStaffOnly => Msg::DenyStaffOnly,
        C::DenyNoComments => Msg::DenyNoComments,
        C::DenyAudit => Msg::DenyAudit,
        C::DenyOthersTokens => Msg::DenyOthersTokens,
        C::DenyReservedFields => Msg::DenyReservedFields,
        C::DemoNotEmpty => Msg::ValDemoNotEmpty,
        C::TooMany => Msg::ValTooMany,
        C::Between => Msg::ValBetween,
        C::TimeoutBelowInterval => Msg::ValTimeoutBelowInterval,
        C::NotHost => Msg::ValNotHost,
        C::NotIpAddress => Msg::ValNotIpAddress,
        C::PluginFileName => Msg::ValPluginFileName,
        C::JsonCondition => Msg::ValJsonCondition,
        C::HttpStatusRange => Msg::ValHttpStatusRange,
        C::TlsDaysOrder => Msg::ValTlsDaysOrder,
        C::DenyChecks => Msg::DenyChecks,
        C::DenyAlertWindows => Msg::DenyAlertWindows,
        C::PluginsOff => Msg::ValPluginsOff,
        C::NoCiIdOrName => Msg::ValNoCiIdOrName,
        C::NotPriority => Msg::ValNotPriority,
        C::BadCursor => Msg::ValBadCursor,
        C::PriorityUnreachable => Msg::ValPriorityUnreachable,
        C::ViewsFull => Msg::ValViewsFull,
        C::MissingReference => Msg::ValMissingReference,
        C::UsernameChars => Msg::ValUsernameChars,
        C::NotSearchedState => Msg::ValNotSearchedState,
        C::NoSuchVersion => Msg::ValNoSuchVersion,
        C::FeedbackPublished => Msg::ValFeedbackPublished,
        C::NoSuchArticle => Msg::ValNoSuchArticle,
        C::SupersededByPublish => Msg::ValSupersededByPublish,
        C::NotProblemNumber => Msg::ValNotProblemNumber,
        C::NoProblemNumbered => Msg::ValNoProblemNumbered,
        C::NoSuchProblem => Msg::ValNoSuchProblem,
        C::GroupKeyForm => Msg::ValGroupKeyForm,
        C::KeyChars => Msg::ValKeyChars,
        C::BuiltinClass => Msg::ValBuiltinClass,
        C::NameACi => Msg::ValNameACi,
        C::CiNotYet => Msg::ValCiNotYet,
        C::BadFile => Msg::ValBadFile,
        C::LineRejected => Msg::ValLineRejected,
        C::NamesRows => Msg::ValNamesRows,
        C::NoCiNamed => Msg::ValNoCiNamed,
        C::CisNamed => Msg::ValCisNamed,
        C::RefTwice => Msg::ValRefTwice,
        C::SentTwice => Msg::ValSentTwice,
        C::NoRef => Msg::ValNoRef,
        C::SelfRelation => Msg::ValSelfRelation,
        C::IdentifierClash => Msg::ValIdentifierClash,
        C::IdentifierClashMany => Msg::ValIdentifierClashMany,
        C::IdentifierTaken => Msg::ValIdentifierTaken,
        C::NotUrl => Msg::WhValUrl,
        C::SecretShort => Msg::WhValSecretShort,
        C::RetryDeadOnly => Msg::ValRetryDeadOnly,
        C::InternalAddress => Msg::ValInternalAddress,
        C::Thresholds => Msg::OlaValThresholds,
        C::NoSuchGroup => Msg::ValNoSuchGroup,
        C::KbRevisionOpen => Msg::ValKbRevisionOpen,
        C::KbNotEditable => Msg::ValKbNotEditable,
        C::KbNoOpenVersion => Msg::ValKbNoOpenVersion,
        C::Malformed => Msg::ValMalformed,
        C::NotObject => Msg::ValNotObject,
        C::NotRfc3339 => Msg::AsOfNotTime,
        C::InFuture => Msg::AsOfFuture,
        C::IdByServer => Msg::ValIdByServer,
        C::RefsNotHere => Msg::ValRefsNotHere,
        C::IfMatchForm => Msg::ValIfMatchForm,
        C::VersionDiffers => Msg::ValVersionDiffers,
        C::PartTooLong => Msg::ValPartTooLong,
        C::NotUtf8 => Msg::ValNotUtf8,
        C::NotDuration => Msg::ValNotDuration,
        C::NotInterval => Msg::ValNotInterval,
        C::NotPercent => Msg::ValNotPercent,
        C::OwnPassword => Msg::ValOwnPassword,
        C::SearchTooLong => Msg::SearchTooLong,
        C::SearchUnbalancedQuotes => Msg::SearchUnbalancedQuotes,
        C::SearchNothingLeft => Msg::SearchNothingLeft,
        C::SearchStopWordsOnly => Msg::SearchStopWordsOnly,
        C::Denied => Msg::DenyDenied,
        C::DenyStaffPage => Msg::DenyStaffPage,
        C::DenyAdminPage => Msg::DenyAdminPage,
        C::DenyEscalationAdmin => Msg::DenyEscalationAdmin,
        C::ChooseFromList => Msg::ChooseFromList,
        C::FileRequired => Msg::FileRequired,
        C::FileTooLarge => Msg::TooLarge,
        C::PasswordsDiffer => Msg::PasswordsDiffer,
        C::Stale => Msg::KbStale,
        C::HopsNotValid => Msg::HopsNotValid,
        C::AsOfBeforeCi => Msg::AsOfBeforeCi,
        C::ViewNameTaken => Msg::ValNameTakenView,
        C::NoStaffNamed => Msg::ValNoStaffNamed,
        C::InvalidLabelName => Msg::ValInvalidLabelName,
        C::NoLabels => Msg::ValNoLabels,
        C::NotFingerprint => Msg::ValNotFingerprint,
        C::BadMatcher => Msg::ValBadMatcher,
        C::MatcherQuote => Msg::ValMatcherQuote,
        C::InvalidRegex => Msg::ValInvalidRegex,
        C::NoMatchers => Msg::ValNoMatchers,
        C::MatchersMatchEmpty => Msg::ValMatchersMatchEmpty,
        C::EndsInPast => Msg::ValEndsInPast,
        C::UnknownReceiver => Msg::ValUnknownReceiver,
        C::RootRouteReceiver => Msg::ValRootRouteReceiver,
        C::RootRouteMatchers => Msg::ValRootRouteMatchers,
        C::RootRouteContinue => Msg::ValRootRouteContinue,
        C::GroupByTwice => Msg::ValGroupByTwice,
        C::ReceiverName => Msg::ValReceiverName,
        C::DuplicateReceiver => Msg::ValDuplicateReceiver,
        C::WebhookOrUrl => Msg::ValWebhookOrUrl,
        C::NoWebhook => Msg::ValNoWebhook,
        C::DenyAlertRouting => Msg::DenyAlertRouting,
        C::NoCiAttribute => Msg::ValNoCiAttribute,
        C::AttributeOnlyWithMatch => Msg::ValAttributeOnlyWithMatch,
        C::CiRuleTwice => Msg::ValCiRuleTwice,
        C::DenyAlertCiRules => Msg::DenyAlertCiRules,
        C::GroupByAllAndNames => Msg::ValGroupByAllAndNames,
        C::DurationTooLong => Msg::ValDurationTooLong,
    }
}

/// A message the pages make themselves, by its code: its English from the
/// catalogue, its values kept, so that it is translated as the app's are.
pub fn ui(code: Code, params: &[(&'static str, &str)]) -> Message {
    let text = tf(Lang::En, msg_for(code), params);
    params.iter().fold(code.msg(text), |m, (k, v)| m.with(k, v))
}

/// Codes whose words beside a form field differ from the API's in every
/// language: "resolution_notes is required to move to resolved" says no
/// more than "is required" there, and a date field takes no RFC 3339.
fn said_differently(code: Code) -> bool {
    // The escalation form words its refusals for the form (the API names the JSON).
    matches!(
        code,
        Code::RequiredForState
            | Code::NotATime
            | Code::AfterRequired
            | Code::NoActions
            | Code::PercentRange
            | Code::NoGroupAndGroups
            // The change form names its fields in words.
            | Code::PlannedEndBeforeStart
            | Code::RiskAnswerOutOfRange
    )
}

/// A message from the use cases in the UI's language: by its code, its
/// values filled in.
pub fn translate<'a>(lang: Lang, code: Code, params: &[(&'static str, String)], text: &'a str) -> Cow<'a, str> {
    if lang == Lang::En && !said_differently(code) {
        return Cow::Borrowed(text);
    }
    let m = msg_for(code);
    // "no CI 5; no CI 7": one sentence per missing CI.
    if code == Code::NoCi {
        let each: Vec<String> = params.iter().map(|(_, id)| tf(lang, m, &[("id", id)])).collect();
        return Cow::Owned(each.join("; "));
    }
    if params.is_empty() {
        return Cow::Borrowed(t(lang, m));
    }
    let args: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Cow::Owned(tf(lang, m, &args))
}

/// A field's message in the UI's language.
pub fn field_error(lang: Lang, e: &FieldError) -> Cow<'_, str> {
    translate(lang, e.code, &e.params, &e.message)
}

/// A refusal (or any coded message) in the UI's language.
pub fn message(lang: Lang, m: &Message) -> Cow<'_, str> {
    translate(lang, m.code, &m.params, &m.text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_domain::{
        calendar::{CalendarSpec, Interval, WeekHours},
        email::{Email, EmailError},
        text::{self, TextError},
        zone::ZoneName,
    };

    fn pl(m: &Message) -> String {
        message(Lang::Pl, m).into_owned()
    }

    #[test]
    fn every_code_the_app_uses_has_polish_text() {
        for &code in Code::ALL {
            let m = msg_for(code);
            let (en, pl) = (t(Lang::En, m), t(Lang::Pl, m));
            assert!(!pl.trim().is_empty() && pl != en, "{code:?}: no Polish of its own ({pl:?})");
        }
    }

    #[test]
    fn a_message_whose_english_changes_still_translates() {
        // The code decides, not the words: a reworded message keeps its Polish.
        let reworded = FieldError::new("title", Code::Required.msg("must be filled in"));
        assert_eq!(field_error(Lang::Pl, &reworded), "jest wymagane");
        assert_eq!(field_error(Lang::En, &reworded), "must be filled in", "English is the app's own text");
        let long = Code::TooLong.msg("has more than 200 characters (201)").with("max", 200).with("got", 201);
        assert_eq!(pl(&long), "jest za długie: najwyżej 200 znaków, jest 201");
        // A page's own message: English from the catalogue, Polish by its code.
        let own = ui(Code::NotPercent, &[("text", "x")]);
        assert_eq!(
            (own.text.as_str(), pl(&own).as_str()),
            ("x is not a whole percent", "x to nie jest liczba całkowita procentów")
        );
    }

    #[test]
    fn the_domain_s_messages_carry_their_code_and_values() {
        let e = |r: Result<String, TextError>| Message::from(r.unwrap_err());
        assert_eq!(pl(&e(text::check("", text::TITLE))), "jest wymagane");
        assert_eq!(pl(&e(text::check(&"x".repeat(201), text::TITLE))), "jest za długie: najwyżej 200 znaków, jest 201");
        assert_eq!(pl(&e(text::check("a\nb", text::TITLE))), t(Lang::Pl, Msg::ValSingleLine));
        assert_eq!(Email::parse("a@localhost").map(drop).map_err(Message::from).unwrap_err().code, Code::EmailNoDot);
        assert_eq!(pl(&EmailError::OneAt.into()), t(Lang::Pl, Msg::ValEmailOneAt));
        let zone = ZoneName::parse("Mars/Base").unwrap_err();
        assert_eq!(pl(&zone), tf(Lang::Pl, Msg::ValNotZone, &[("zone", "\"Mars/Base\"")]));
        let iv = |s: &str, e: &str| Interval { start: s.into(), end: e.into() };
        let spec = CalendarSpec {
            time_zone: "Mars/Base".into(),
            week: WeekHours {
                monday: vec![iv("08:00", "12:00"), iv("11:00", "13:00"), iv("16:00", "08:00")],
                ..WeekHours::default()
            },
            holidays: Vec::new(),
        };
        let problems: Vec<String> = spec.validate().unwrap_err().iter().map(|p| pl(&p.reason)).collect();
        assert!(
            problems.contains(&"nieznana strefa czasowa \"Mars/Base\"; użyj nazwy IANA, np. Europe/Warsaw".to_owned()),
            "{problems:?}"
        );
        assert!(
            problems.contains(&"zaczyna się o 16:00, a kończy o 08:00; początek musi być przed końcem".to_owned()),
            "{problems:?}"
        );
        assert!(
            problems
                .contains(&"nakłada się na week.monday[0]; przedziały jednego dnia nie mogą się nakładać".to_owned()),
            "{problems:?}"
        );
        let empty = CalendarSpec { time_zone: "UTC".into(), week: WeekHours::default(), holidays: Vec::new() };
        assert_eq!(pl(&empty.validate().unwrap_err()[0].reason), t(Lang::Pl, Msg::ValNoHours));
    }

    #[test]
    fn the_app_s_messages_fill_in_their_values() {
        let password = |p: &str| match steward_app::passwords::check(p, "ola", 12) {
            Err(steward_app::AppError::Invalid(errs)) => field_error(Lang::Pl, &errs[0]).into_owned(),
            other => panic!("{other:?}"),
        };
        assert_eq!(password("short"), tf(Lang::Pl, Msg::ValPasswordShort, &[("n", "12")]));
        assert_eq!(
            pl(&steward_app::error::no_cis([5, 7])),
            "nie ma elementu konfiguracji 5; nie ma elementu konfiguracji 7"
        );
        assert_eq!(message(Lang::En, &steward_app::error::no_cis([5, 7])), "no CI 5; no CI 7");
        let missing = steward_domain::incident::TransitionError::Missing {
            field: "resolution_notes",
            to: steward_domain::IncidentState::Resolved,
        };
        let m = Message::from(missing);
        assert_eq!(m.text, "resolution_notes is required to move to resolved");
        assert_eq!(message(Lang::En, &m), "is required", "beside its field, in English too");
        assert_eq!(pl(&m), "jest wymagane");
        let bad_time = steward_app::incidents::parse_time("yesterday").unwrap_err();
        assert_eq!(pl(&bad_time), "to nie jest data: użyj RRRR-MM-DD");
        let denied = steward_domain::access::can_edit(steward_domain::access::Viewer {
            role: steward_domain::Role::Requester,
            is_requester: true,
        })
        .unwrap_err();
        let refusal = match steward_app::AppError::from(denied) {
            steward_app::AppError::Forbidden(m) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!((refusal.code, pl(&refusal)), (Code::DenyEdit, t(Lang::Pl, Msg::DenyEdit).to_owned()));
    }

    #[test]
    fn every_email_reason_is_in_polish() {
        let mut seen = Vec::new();
        for e in EmailError::ALL {
            let en = e.to_string();
            let m = Message::from(e);
            let pl = pl(&m);
            assert!(pl.starts_with("to nie jest adres e-mail: ") && !seen.contains(&pl), "{e:?}: {pl}");
            assert_eq!(message(Lang::En, &m), en);
            seen.push(pl);
        }
        assert_eq!(Email::parse("a@localhost").unwrap_err(), EmailError::NoDot);
        let taken = Code::EmailTaken.msg("is already the address of ola").with("who", "ola");
        assert_eq!(pl(&taken), "to już adres użytkownika ola");
        let gone = Code::AssigneeDeactivated.msg("Ola Nowak is deactivated").with("who", "Ola Nowak");
        assert_eq!(pl(&gone), "Ola Nowak jest dezaktywowany(-a)");
    }
}
