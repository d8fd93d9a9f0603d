//! Stable codes for the messages users see (validation and refusals), so
//! the UI translates a message by what it means rather than by its
//! English words. A [`Message`] carries its code, the named values the
//! text mentions and the English text itself; the API answers the text and
//! the code, the UI looks the code up in its catalogue and fills in the
//! values. Every message has a code: there is no conversion from bare
//! text, so a message made without one does not compile.

use std::fmt;

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// What a message means, whatever its English wording.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        pub enum Code {
            $($(#[$doc])* #[serde(rename = $name)] $variant,)*
        }

        impl Code {
            /// Every code the app can answer.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as the API names it (`required`, `too_long`, …).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }
        }
    };
}

codes! {
    // Text (see `text::TextError`).
    Required = "required",
    /// `{max}`, `{got}`.
    TooLong = "too_long",
    ControlCharacters = "control_characters",
    SingleLine = "single_line",
    /// "X is required to move to Y": beside its field, "is required".
    RequiredForState = "required_for_state",
    /// A time or date a filter cannot read.
    NotATime = "not_a_time",
    /// Not a clock time (`HH:MM`). No params.
    NotTimeOfDay = "not_time_of_day",
    // References to other records.
    NoSuchUser = "no_such_user",
    NoSuchIncident = "no_such_incident",
    /// `{numbers}`: the ones that do not exist.
    NoSuchIncidents = "no_such_incidents",
    NotIncidentNumber = "not_incident_number",
    OwnParent = "own_parent",
    GroupForAssignee = "group_for_assignee",
    /// `{who}`.
    NotMember = "not_member",
    /// `{name}`.
    NoGroup = "no_group",
    /// `{id}`, once for each missing CI.
    NoCi = "no_ci",
    /// `{who}`.
    NoUserNamed = "no_user_named",
    /// `{who}`, `{n}`.
    UserAmbiguous = "user_ambiguous",
    /// `{name}`.
    NoService = "no_service",
    Level = "level",
    EmptyFile = "empty_file",
    // Service levels and calendars.
    Positive = "positive",
    NoTargets = "no_targets",
    NoHours = "no_hours",
    /// `{other}`.
    Overlaps = "overlaps",
    /// `{start}`, `{end}`.
    Inverted = "inverted",
    /// `{zone}`.
    UnknownZone = "unknown_zone",
    /// `{text}`.
    NotTime = "not_time",
    /// `{p}`.
    ThresholdRange = "threshold_range",
    /// `{p}`.
    ThresholdRising = "threshold_rising",
    /// `{id}`.
    NoCalendar = "no_calendar",
    NameTaken = "name_taken",
    // Accounts and people.
    WrongPassword = "wrong_password",
    /// A code from the authenticator app that is not the current one.
    WrongCode = "wrong_code",
    TwoFactorOn = "two_factor_on",
    TwoFactorOff = "two_factor_off",
    SamePassword = "same_password",
    PasswordCommon = "password_common",
    PasswordUsername = "password_username",
    /// `{n}`.
    PasswordShort = "password_short",
    /// `{n}`.
    PasswordLong = "password_long",
    Locale = "locale",
    SelfDemote = "self_demote",
    LastAdmin = "last_admin",
    EmailOneAt = "email_one_at",
    EmailNoLocal = "email_no_local",
    EmailNoDot = "email_no_dot",
    EmailBadDomain = "email_bad_domain",
    EmailSpaces = "email_spaces",
    EmailTooLong = "email_too_long",
    /// `{who}`.
    EmailTaken = "email_taken",
    /// `{who}`.
    AssigneeDeactivated = "assignee_deactivated",
    Taken = "taken",
    /// `{zone}`.
    NotZone = "not_zone",
    /// `{what}`.
    InUse = "in_use",
    /// `{name}`.
    NoOrganisation = "no_organisation",
    // Problems and known errors.
    KnownErrorNeeds = "known_error_needs",
    KeptWhilePublished = "kept_while_published",
    NotKnownError = "not_known_error",
    LinkClosedProblem = "link_closed_problem",
    // Changes (see `change`).
    /// "the change is not approved yet": leaving Authorization forward
    /// before the approval (an emergency approver's for an emergency
    /// change). No params.
    NotApproved = "not_approved",
    /// `{n}`: the change's tasks still open, which must be closed before
    /// its review.
    OpenTasks = "open_tasks",
    /// A planned window whose end is not after its start, beside
    /// `planned_end`. No params.
    PlannedEndBeforeStart = "planned_end_before_start",
    /// `{start}`: the field an end must come after (a freeze's
    /// `starts_at`, a span's `from`).
    EndBeforeStart = "end_before_start",
    /// A planned window with one end only: both or neither. No params.
    PlannedWindowHalf = "planned_window_half",
    /// A standard change whose template is deleted or retired. No params.
    ChangeTemplateGone = "change_template_gone",
    /// A standard change raised without a template. No params.
    ChangeTemplateRequired = "change_template_required",
    /// `{id}`: no change template has this id.
    NoChangeTemplate = "no_change_template",
    /// A normal or emergency change given a template. No params.
    TemplateOnlyStandard = "template_only_standard",
    /// The standard change catalogue is managers' and admins'. No params.
    DenyChangeTemplates = "deny_change_templates",
    /// A template changes were raised from is retired, not deleted. No params.
    TemplateInUse = "template_in_use",
    /// `{tasks}`: the open tasks of an earlier step a task waits for
    /// before it starts or completes.
    TaskBlocked = "task_blocked",
    /// `{state}`: a change in review, closed or cancelled takes no new
    /// tasks.
    TaskChangeClosed = "task_change_closed",
    /// `{key}`: an answer to a question the risk questionnaire does not have.
    RiskUnknownQuestion = "risk_unknown_question",
    /// `{text}` (the answer, quoted), `{list}` (the question's answers): an
    /// answer the question does not offer.
    RiskAnswerOutOfRange = "risk_answer_out_of_range",
    /// A risk questionnaire without questions. No params.
    RiskNoQuestions = "risk_no_questions",
    /// A questionnaire's question without answers. No params.
    RiskNoAnswers = "risk_no_answers",
    /// The risk levels do not start at score 0. No params.
    RiskLevelsFromZero = "risk_levels_from_zero",
    /// A risk level whose score or level is not above the one before. No
    /// params.
    RiskLevelsRising = "risk_levels_rising",
    /// `{level}`: the CAB's level is not one of the questionnaire's levels.
    RiskCabLevel = "risk_cab_level",
    /// The risk questionnaire is managers' and admins'. No params.
    DenyRiskQuestionnaire = "deny_risk_questionnaire",
    /// Requesters do not see changes. No params.
    DenyChangeView = "deny_change_view",
    DenyReports = "deny_reports",
    /// Only staff raise and edit changes. No params.
    DenyChangeEdit = "deny_change_edit",
    /// Cancelling a scheduled or implementing change is managers' and
    /// admins'. No params.
    DenyChangeCancel = "deny_change_cancel",
    /// Approving a change is managers' and admins'. No params.
    DenyChangeApprove = "deny_change_approve",
    /// No one approves their own change (the one they requested or
    /// raised). No params.
    DenyOwnApproval = "deny_own_approval",
    /// `{state}`: a change is approved only while it waits in
    /// authorization.
    NotAwaitingApproval = "not_awaiting_approval",
    /// `{freeze}` (its names), `{next}` (the next free slot or "none
    /// within 30 days"): the planned window falls in a freeze and only
    /// managers and admins schedule into one.
    InFreeze = "in_freeze",
    /// `{policy}`, `{stage}`, `{quorum}`, `{count}`: a stage of the
    /// change's approval policy has fewer approvers than its quorum.
    ApprovalUnreachable = "approval_unreachable",
    /// `{stage}`: the approver's stage waits for the stages before it.
    ApprovalWaiting = "approval_waiting",
    /// The approver decided already, or the flow is over. No params.
    ApprovalDecided = "approval_decided",
    /// Approval policies are managers' and admins'. No params.
    DenyApprovalPolicies = "deny_approval_policies",
    // Links between records (see `links`).
    /// A link people make elsewhere (caused by, documents).
    LinkElsewhere = "link_elsewhere",
    LinkSelf = "link_self",
    /// `{kind}`: the kind both ends must be.
    LinkKinds = "link_kinds",
    /// `{number}`: the record that would be its own parent.
    ParentCycle = "parent_cycle",
    /// `{number}`.
    DuplicateCycle = "duplicate_cycle",
    /// `{number}` has its parent or original `{other}` already.
    LinkTaken = "link_taken",
    /// No record has this number.
    NoSuchRecord = "no_such_record",
    /// Not a record number of any kind.
    NotRecordNumber = "not_record_number",
    /// `{number}` is not linked so.
    NotLinked = "not_linked",
    /// Freezes and maintenance windows are managers' and admins'. No params.
    DenyChangeCalendar = "deny_change_calendar",
    /// When the CAB meets is managers' and admins'. No params.
    DenyCabMeetings = "deny_cab_meetings",
    /// `{ci}`: a retired CI cannot be changed or planned on.
    CiRetired = "ci_retired",
    IncidentsStayOpen = "incidents_stay_open",
    NotLinkedProblem = "not_linked_problem",
    NoWorkaround = "no_workaround",
    ResolutionNotHere = "resolution_not_here",
    NotApplicable = "not_applicable",
    NotWhole = "not_whole",
    /// `{max}`.
    FromTo = "from_to",
    ChooseIncidents = "choose_incidents",
    // The desk: bulk changes, assignment, canned replies.
    NotInAnyGroup = "not_in_any_group",
    TooManyFiles = "too_many_files",
    BulkTooMany = "bulk_too_many",
    BulkNothing = "bulk_nothing",
    BulkStateAlone = "bulk_state_alone",
    /// `{name}`, `{list}`.
    UnknownPlaceholder = "unknown_placeholder",
    UnclosedBrace = "unclosed_brace",
    StrayBrace = "stray_brace",
    // Knowledge.
    KbReviewFirst = "kb_review_first",
    KbReviewByPast = "kb_review_by_past",
    KbOneLanguage = "kb_one_language",
    // Refusals of access.
    DenyOwnOnly = "deny_own_only",
    DenyCommentOwn = "deny_comment_own",
    DenyWorkNotes = "deny_work_notes",
    DenyEdit = "deny_edit",
    DenyTransition = "deny_transition",
    DenyOutbox = "deny_outbox",
    DenyWebhooks = "deny_webhooks",
    DenyRetry = "deny_retry",
    DenyKbNotPublished = "deny_kb_not_published",
    DenyKbStaffOnly = "deny_kb_staff_only",
    DenyKbWrite = "deny_kb_write",
    DenyKbDraft = "deny_kb_draft",
    DenyKbPublish = "deny_kb_publish",
    DenyKbRetire = "deny_kb_retire",
    DenyKbSelfReview = "deny_kb_self_review",
    DenyKbUnpublished = "deny_kb_unpublished",
    DenyAdmin = "deny_admin",
    DenyServiceLevels = "deny_service_levels",
    DenyCmdb = "deny_cmdb",
    DenyCiClasses = "deny_ci_classes",
    DenyCatalog = "deny_catalog",
    DenyCannedReplies = "deny_canned_replies",
    DenyProblemView = "deny_problem_view",
    DenyProblemEdit = "deny_problem_edit",
    DenyProblemLink = "deny_problem_link",
    DenyLinks = "deny_links",
    DenyKnownError = "deny_known_error",
    DenyProblemClose = "deny_problem_close",
    DenyProblemCancel = "deny_problem_cancel",
    DenyRiskAccept = "deny_risk_accept",
    // State machines.
    /// `{from}`, `{to}`, `{allowed}`.
    TransitionNotAllowed = "transition_not_allowed",
    PriorityLevel = "priority_level",
    /// `{role}`.
    UnknownRole = "unknown_role",
    // Calendars and holidays.
    ZoneUnmappable = "zone_unmappable",
    /// `{text}`.
    BadDate = "bad_date",
    /// `{text}`.
    NoSuchDate = "no_such_date",
    /// `{month}`.
    NotMonth = "not_month",
    /// `{month}`, `{day}`.
    NoDayInMonth = "no_day_in_month",
    /// `{offset}`, `{max}`.
    EasterOffset = "easter_offset",
    /// `{year}`.
    NotYear = "not_year",
    /// `{until}`, `{from}`.
    YearsInverted = "years_inverted",
    EndOnly = "end_only",
    // iCalendar files.
    /// `{size}`, `{max}`.
    IcalTooLarge = "ical_too_large",
    IcalUnclosed = "ical_unclosed",
    IcalNotCalendar = "ical_not_calendar",
    IcalNoStart = "ical_no_start",
    /// `{text}`.
    IcalBadDate = "ical_bad_date",
    /// `{text}`.
    IcalBadDuration = "ical_bad_duration",
    /// `{n}`, `{max}`.
    IcalTooLong = "ical_too_long",
    /// `{value}`.
    IcalFreq = "ical_freq",
    /// `{value}`, `{max}`.
    IcalCount = "ical_count",
    /// `{part}`.
    IcalRule = "ical_rule",
    IcalNoYearly = "ical_no_yearly",
    // CI classes and attributes.
    Twice = "twice",
    /// `{name}`.
    NoClass = "no_class",
    ExtendsItself = "extends_itself",
    EnumNoValues = "enum_no_values",
    /// `{class}`, `{name}`.
    NoAttribute = "no_attribute",
    /// `{text}`.
    AttrNotDate = "attr_not_date",
    MustBeDate = "must_be_date",
    /// `{list}`.
    OneOf = "one_of",
    OneOfListed = "one_of_listed",
    /// `{id}`, `{class}`, `{expected}`.
    CiWrongClass = "ci_wrong_class",
    NotCiId = "not_ci_id",
    /// `{type}`, `{from}`, `{allowed}`, `{to}`.
    RelationTarget = "relation_target",
    NotText = "not_text",
    NotNumber = "not_number",
    NotBool = "not_bool",
    // SLA definitions and escalation rules.
    /// `{kind}`, `{list}`.
    UnknownKind = "unknown_kind",
    /// `{priority}`.
    TargetsTwice = "targets_twice",
    TargetNeeded = "target_needed",
    /// `{clock}`, `{list}`.
    UnknownClock = "unknown_clock",
    /// `{p}`.
    PercentRange = "percent_range",
    AfterRequired = "after_required",
    /// `{state}`, `{kinds}`, `{list}`.
    NotStateOf = "not_state_of",
    NoGroupAndGroups = "no_group_and_groups",
    NoActions = "no_actions",
    NamesNobody = "names_nobody",
    UsersNeedNames = "users_need_names",
    NameAGroup = "name_a_group",
    // Articles and analyses.
    /// `{max}`, `{got}` (bytes).
    TooLarge = "too_large",
    /// `{text}`, `{list}`.
    NotOneOf = "not_one_of",
    /// A filter's id below zero (0 means "none").
    NotId = "not_id",
    /// A list's paging (cursor, limit) given to an export, which takes
    /// every matching record.
    ExportWhole = "export_whole",
    /// `{max}` (rows an XLSX sheet holds).
    XlsxTooLarge = "xlsx_too_large",
    // The improvement register.
    TargetBelowBaseline = "target_below_baseline",
    TargetAboveBaseline = "target_above_baseline",
    TargetDatePast = "target_date_past",
    DenyImprovements = "deny_improvements",
    // Saved and scheduled reports.
    /// `{text}` (the address).
    NotReportRecipient = "not_report_recipient",
    /// A kind given to a dashboard panel that counts no one kind. `{panel}`.
    PanelNoKind = "panel_no_kind",
    /// `{max}` (megabytes).
    ReportTooLarge = "report_too_large",
    // Cells of an imported file.
    /// `{text}`.
    TextNotWhole = "text_not_whole",
    /// `{text}`.
    TextNotBool = "text_not_bool",
    /// `{text}`.
    TextNotCiId = "text_not_ci_id",
    /// `{text}`.
    TextDecimalComma = "text_decimal_comma",
    /// `{text}`.
    TextNotNumber = "text_not_number",
    /// `{text}`.
    NotTier = "not_tier",
    /// `{class}`.
    NotAService = "not_a_service",
    /// `{lang}`.
    KbLanguageTwice = "kb_language_twice",
    /// `{max}`, `{got}`.
    WhysTooMany = "whys_too_many",
    // Use cases: refusals.
    DenyStaffOnly = "deny_staff_only",
    /// A kind of record that takes no comments (articles have feedback).
    DenyNoComments = "deny_no_comments",
    DenyAudit = "deny_audit",
    DenyOthersTokens = "deny_others_tokens",
    /// The alert API is staff's. No params.
    DenyAlerts = "deny_alerts",
    /// An API token limited to sending alerts, used elsewhere. No params.
    TokenAlertsOnly = "token_alerts_only",
    /// A directory user in no group that maps to a role, with no default
    /// role set. No params.
    DenyDirectoryNoRole = "deny_directory_no_role",
    /// `{fields}`.
    DenyReservedFields = "deny_reserved_fields",
    DemoNotEmpty = "demo_not_empty",
    // Use cases: lists and numbers.
    /// `{max}`.
    TooMany = "too_many",
    /// `{min}`, `{max}`.
    Between = "between",
    /// `{text}`.
    NotPriority = "not_priority",
    BadCursor = "bad_cursor",
    /// `{p}`.
    PriorityUnreachable = "priority_unreachable",
    /// `{max}`.
    ViewsFull = "views_full",
    MissingReference = "missing_reference",
    UsernameChars = "username_chars",
    /// `{state}`.
    NotSearchedState = "not_searched_state",
    // Knowledge and problems.
    NoSuchVersion = "no_such_version",
    FeedbackPublished = "feedback_published",
    /// `{number}`.
    NoSuchArticle = "no_such_article",
    SupersededByPublish = "superseded_by_publish",
    /// `{text}`.
    NotProblemNumber = "not_problem_number",
    /// `{number}`.
    NoProblemNumbered = "no_problem_numbered",
    NoSuchProblem = "no_such_problem",
    GroupKeyForm = "group_key_form",
    // The CMDB's use cases and files.
    KeyChars = "key_chars",
    /// `{key}`.
    BuiltinClass = "builtin_class",
    NameACi = "name_a_ci",
    /// `{id}`.
    CiNotYet = "ci_not_yet",
    /// `{detail}`: the file's reader's own words.
    BadFile = "bad_file",
    /// `{text}`, `{line}`.
    LineRejected = "line_rejected",
    /// `{text}`, `{n}`, `{lines}`.
    NamesRows = "names_rows",
    /// `{name}`.
    NoCiNamed = "no_ci_named",
    /// `{n}`, `{name}`, `{ids}`.
    CisNamed = "cis_named",
    /// `{ref}`.
    RefTwice = "ref_twice",
    /// `{j}`.
    SentTwice = "sent_twice",
    /// `{ref}`.
    NoRef = "no_ref",
    SelfRelation = "self_relation",
    /// `{id}`.
    IdentifierClash = "identifier_clash",
    /// `{list}`.
    IdentifierClashMany = "identifier_clash_many",
    IdentifierTaken = "identifier_taken",
    // Notifications and service levels.
    NotUrl = "not_url",
    /// `{n}`.
    SecretShort = "secret_short",
    /// `{state}`.
    RetryDeadOnly = "retry_dead_only",
    /// `{host}`, `{ip}`.
    InternalAddress = "internal_address",
    Thresholds = "thresholds",
    NoSuchGroup = "no_such_group",
    /// `{number}`.
    KbRevisionOpen = "kb_revision_open",
    /// `{number}`, `{state}`.
    KbNotEditable = "kb_not_editable",
    KbNoOpenVersion = "kb_no_open_version",
    // The API's and the pages' own checks.
    /// `{detail}`: the parser's own words.
    Malformed = "malformed",
    NotObject = "not_object",
    /// `{text}`.
    NotRfc3339 = "not_rfc3339",
    InFuture = "in_future",
    IdByServer = "id_by_server",
    RefsNotHere = "refs_not_here",
    IfMatchForm = "if_match_form",
    VersionDiffers = "version_differs",
    PartTooLong = "part_too_long",
    NotUtf8 = "not_utf8",
    /// `{text}`.
    NotDuration = "not_duration",
    /// `{text}`.
    NotInterval = "not_interval",
    /// `{text}`.
    NotPercent = "not_percent",
    OwnPassword = "own_password",
    // Search texts (see `search::QueryError`).
    /// `{max}`.
    SearchTooLong = "search_too_long",
    SearchUnbalancedQuotes = "search_unbalanced_quotes",
    SearchNothingLeft = "search_nothing_left",
    SearchStopWordsOnly = "search_stop_words_only",
    Denied = "denied",
    DenyStaffPage = "deny_staff_page",
    DenyAdminPage = "deny_admin_page",
    DenyEscalationAdmin = "deny_escalation_admin",
    ChooseFromList = "choose_from_list",
    FileRequired = "file_required",
    /// `{size}`.
    FileTooLarge = "file_too_large",
    PasswordsDiffer = "passwords_differ",
    Stale = "stale",
    HopsNotValid = "hops_not_valid",
    AsOfBeforeCi = "as_of_before_ci",
    /// A name of a saved view already taken (the desk says it so).
    ViewNameTaken = "view_name_taken",
    /// `{who}`.
    NoStaffNamed = "no_staff_named",
    // Alerts, matchers, silences and routes (Alertmanager's rules).
    /// `{name}`: not `[a-zA-Z_][a-zA-Z0-9_]*`.
    InvalidLabelName = "invalid_label_name",
    /// An alert with no label left once empty values are dropped. No params.
    NoLabels = "no_labels",
    /// `{text}`: not an Alertmanager fingerprint (1 to 16 hex digits).
    NotFingerprint = "not_fingerprint",
    /// `{matcher}`: not `name op value`.
    BadMatcher = "bad_matcher",
    /// `{matcher}`: a `"` inside a value that is not escaped as `\"`.
    MatcherQuote = "matcher_quote",
    /// `{matcher}`, `{error}`: the regular expression does not compile.
    InvalidRegex = "invalid_regex",
    /// A silence with no matcher. No params.
    NoMatchers = "no_matchers",
    /// A silence whose every matcher matches the empty string (it would
    /// silence every alert). No params.
    MatchersMatchEmpty = "matchers_match_empty",
    /// A new silence that has already ended. No params.
    EndsInPast = "ends_in_past",
    /// `{name}`: a route names a receiver that does not exist.
    UnknownReceiver = "unknown_receiver",
    /// The root route without a receiver. No params.
    RootRouteReceiver = "root_route_receiver",
    /// The root route with matchers (it must take every alert). No params.
    RootRouteMatchers = "root_route_matchers",
    /// The root route with `continue` (it has no siblings). No params.
    RootRouteContinue = "root_route_continue",
    /// `{name}`: listed twice in `group_by`.
    GroupByTwice = "group_by_twice",
    /// `...` (every label) beside label names in `group_by`. No params.
    GroupByAllAndNames = "group_by_all_and_names",
    /// `{max}`: seconds, the longest wait or interval a route takes.
    DurationTooLong = "duration_too_long",
    /// A receiver's name: empty, too long (`{max}`) or with spaces around.
    ReceiverName = "receiver_name",
    /// `{name}`: two receivers with one name.
    DuplicateReceiver = "duplicate_receiver",
    /// A webhook or chat target names both a webhook and a URL, or neither.
    /// No params.
    WebhookOrUrl = "webhook_or_url",
    /// `{name}`: no webhook has this id or name.
    NoWebhook = "no_webhook",
    /// The alert routing is kept by managers and admins. No params.
    DenyAlertRouting = "deny_alert_routing",
    // Alert CI rules (see `alert::ci_rules`).
    /// `{name}`: no CI class declares this attribute.
    NoCiAttribute = "no_ci_attribute",
    /// An attribute named by a rule that does not match one. No params.
    AttributeOnlyWithMatch = "attribute_only_with_match",
    /// `{j}`: the earlier rule with the same label and match.
    CiRuleTwice = "ci_rule_twice",
    /// The alert CI rules are kept by managers and admins. No params.
    DenyAlertCiRules = "deny_alert_ci_rules",
    // Checks (see `check::definition`).
    /// `{interval}` (seconds): a check's timeout must be shorter.
    TimeoutBelowInterval = "timeout_below_interval",
    /// `{text}`: not a host name or IP address (or not a DNS name).
    NotHost = "not_host",
    /// `{text}`: not an IP address with an optional port.
    NotIpAddress = "not_ip_address",
    /// A plugin file given with a path or as `.`/`..`. No params.
    PluginFileName = "plugin_file_name",
    /// `{detail}`: what is wrong in a JSON condition.
    JsonCondition = "json_condition",
    /// `{text}`: not an HTTP status or range.
    HttpStatusRange = "http_status_range",
    /// `{warn}`: the critical days exceed the warning days.
    TlsDaysOrder = "tls_days_order",
    /// Checks are kept by managers and admins. No params.
    DenyChecks = "deny_checks",
    /// Maintenance windows for alerts are kept by managers and admins. No params.
    DenyAlertWindows = "deny_alert_windows",
    /// A plugin check while `checks.plugin_dir` is not set. No params.
    PluginsOff = "plugins_off",
    /// `{ci}`: no CI has this id or name.
    NoCiIdOrName = "no_ci_id_or_name",
}

impl Code {
    /// A message with this code and its English text.
    pub fn msg(self, text: impl Into<String>) -> Message {
        Message { code: self, params: Vec::new(), text: text.into() }
    }
}

/// A message for a user: its code, the values it names, its English text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub code: Code,
    /// Named values (`max`, `who`, …) a translation fills in.
    pub params: Vec<(&'static str, String)>,
    pub text: String,
}

impl Message {
    /// `inner`'s code and values under a longer text ("whys[0].answer is
    /// required" means what "is required" means).
    pub fn wrapping(inner: impl Into<Message>, text: String) -> Self {
        Message { text, ..inner.into() }
    }

    /// The same message naming `value` as `name`.
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.push((name, value.to_string()));
        self
    }
}

/// "\"x\" is not one of a, b, c": a word outside a fixed list.
pub fn not_one_of(value: &str, list: &[impl AsRef<str>]) -> Message {
    let list = list.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(", ");
    unknown_value(format!("{value:?} is not one of {list}"), value, list)
}

/// A value outside a fixed list, worded by the caller ("unknown state
/// \"x\": must be one of …"); `{text}` is the value quoted.
pub fn unknown_value(text: String, value: &str, list: impl Into<String>) -> Message {
    Code::NotOneOf.msg(text).with("text", format!("{value:?}")).with("list", list.into())
}

/// As JSON a message is its English text.
impl serde::Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Compares the English text (tests read best that way).
impl PartialEq<&str> for Message {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<str> for Message {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "{c:?} twice");
            assert!(c.as_str().chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'), "{c:?}");
            assert_eq!(serde_json::to_value(c).ok(), Some(serde_json::Value::from(c.as_str())));
        }
    }
}
