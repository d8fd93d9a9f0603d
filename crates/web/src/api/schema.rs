//! Schema-only shapes: how the OpenAPI document describes bodies that the
//! app and domain crates (de)serialize themselves (CIs, relations, classes,
//! impact, calendars, SLA targets, escalation rules). Those crates know no
//! HTTP and no OpenAPI, so their serde shapes are mirrored here, field for
//! field and with the same serde attributes; the contract tests
//! (`tests/contract`: schemathesis against a server with demo data) fail
//! when a mirror and the real shape drift apart.
//!
//! Nothing here is ever built: the types exist for `#[schema(value_type =
//! …)]`, `body = …` and `request_body = …`.
#![allow(dead_code)]

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Serialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($v),+ }
    };
}

word_enum!(
    /// An incident's state.
    IncidentState { New, InProgress, OnHold, Resolved, Closed, Cancelled }
);
word_enum!(
    /// A kind of record.
    RecordKindName { Incident, Problem, Change, Article, Task }
);
word_enum!(
    /// How another record stands to a record: its parent or child, the
    /// original it repeats or a duplicate of it, related, the problem
    /// that caused it or an incident it caused, the problem an article
    /// documents or an article documenting it.
    LinkName {
        Parent,
        Child,
        DuplicateOf,
        Duplicates,
        Related,
        CausedBy,
        Causes,
        Documents,
        DocumentedBy,
        CausedByChange,
        ChangeCaused
    }
);
word_enum!(
    /// The links made from a record's `links`.
    MadeLink { Parent, Child, DuplicateOf, Duplicates, Related, CausedByChange, ChangeCaused }
);
word_enum!(
    /// What a search may be narrowed to: a kind of record, known errors
    /// (published problems), services or other CIs.
    SearchKindName { Incident, Problem, KnownError, Article, Service, Ci }
);
word_enum!(
    /// Why an incident is on hold.
    HoldReason { AwaitingCaller, AwaitingVendor, AwaitingChange }
);
word_enum!(
    /// How an incident was resolved.
    ResolutionCode { Solved, Workaround, NotReproducible, Duplicate, ResolvedByCaller, NoFaultFound }
);
word_enum!(
    /// A user's role.
    Role { Requester, Agent, Manager, Admin }
);
word_enum!(
    /// Where a CI is in its life.
    CiStatus { Planned, InUse, Maintenance, Retired }
);
word_enum!(
    /// How much the business suffers when the CI fails.
    Criticality { Low, Medium, High, Critical }
);
word_enum!(
    /// A service's place in the portfolio.
    PortfolioStatus { Pipeline, Live, Retired }
);
word_enum!(
    /// How two CIs are related: `from` depends on, runs on, … `to`.
    RelationType { DependsOn, RunsOn, HostedOn, Uses, MemberOf, ConnectedTo }
);
word_enum!(
    /// What a clock measures: an SLA target, or the time with a group (OLA).
    ClockKind { Response, Resolution, Group }
);
word_enum!(
    /// Whether a clock runs.
    ClockState { Running, Paused, Stopped }
);
word_enum!(
    /// Where an outgoing message stands.
    OutboxState { Pending, Sent, Dead }
);
word_enum!(
    /// How an outgoing message travels.
    Channel { Email, Webhook }
);
word_enum!(
    /// The body a webhook receives.
    WebhookFormat { Json, Slack, Teams }
);
word_enum!(
    /// What became of a received e-mail.
    MailOutcome { Commented, Created, Ignored, Refused }
);
word_enum!(
    /// How `GET /cis` answers: a page (`json`), or every matching CI.
    CiListFormat { Json, Csv, JsonAll }
);
word_enum!(
    /// `upstream`: what a failure affects; `downstream`: what the CIs stand on.
    ImpactDirection { Upstream, Downstream }
);
word_enum!(
    /// `all`: every CI reached; `services`: only the services.
    ImpactInclude { All, Services }
);
word_enum!(
    /// What a bulk upsert did with an item.
    UpsertOutcome { Created, Updated, Unchanged }
);
word_enum!(
    /// What an import did (or, in a dry run, would do) with a row.
    ImportOutcome { Create, Update, Unchanged, Reject }
);

/// A priority: 1 (P1, critical) … 5 (P5, planning).
#[derive(Serialize, ToSchema)]
#[schema(minimum = 1, maximum = 5)]
pub struct Priority(i64);

/// A duration: ISO 8601 (`PT4H`), friendly (`4h 30m`) or whole seconds.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum Duration {
    Text(String),
    Seconds(i64),
}

// --- CMDB ---

/// A CI as a caller sends it. In a bulk batch `ref` names it for the
/// batch's relations; `id` updates that CI instead of reconciling it by its
/// identifying attributes. Fields not sent keep their values; an attribute
/// sent as null is removed.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CiInput {
    #[serde(rename = "ref")]
    key: Option<String>,
    id: Option<i64>,
    /// A class key, e.g. `server`.
    class: String,
    name: String,
    status: Option<CiStatus>,
    criticality: Option<Criticality>,
    /// A group name.
    owner_group: Option<String>,
    /// The name of a CI of class `location`.
    location: Option<String>,
    vendor: Option<String>,
    description: Option<String>,
    /// The class's attributes by name.
    #[schema(required = false)]
    attributes: Map<String, Value>,
    /// A service's owner (username).
    owner: Option<String>,
    support_calendar_id: Option<i64>,
    #[schema(minimum = 1, maximum = 4)]
    tier: Option<i64>,
    portfolio_status: Option<PortfolioStatus>,
    requester_visible: Option<bool>,
    /// Organisations that use the service, by name.
    consumers: Option<Vec<String>>,
}

/// One end of a relation: a stored CI's id, or (in a bulk batch) the `ref`
/// of a CI in the same batch.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum CiEnd {
    Id(i64),
    Ref(String),
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelationInput {
    from: CiEnd,
    to: CiEnd,
    #[serde(rename = "type")]
    kind: RelationType,
}

/// CIs reconciled by their identifiers, and relations; all or nothing.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CiBatch {
    #[schema(required = false)]
    items: Vec<CiInput>,
    #[schema(required = false)]
    relations: Vec<RelationInput>,
}

#[derive(Serialize, ToSchema)]
pub struct ItemOutcome {
    /// The item's place in the batch.
    index: i64,
    id: i64,
    outcome: UpsertOutcome,
}

/// What a bulk upsert did.
#[derive(Serialize, ToSchema)]
pub struct UpsertReport {
    created: i64,
    updated: i64,
    unchanged: i64,
    relations_added: i64,
    items: Vec<ItemOutcome>,
}

/// A problem with one field of a row.
#[derive(Serialize, ToSchema)]
pub struct RowProblem {
    field: String,
    /// The message's stable code (see `ProblemField`).
    code: String,
    message: String,
}

#[derive(Serialize, ToSchema)]
pub struct ImportRow {
    /// The row's line in the file (the header is line 1).
    line: i64,
    name: String,
    outcome: ImportOutcome,
    id: Option<i64>,
    problems: Vec<RowProblem>,
}

/// Row by row, what the import did (or would do).
#[derive(Serialize, ToSchema)]
pub struct ImportReport {
    dry_run: bool,
    created: i64,
    updated: i64,
    unchanged: i64,
    rejected: i64,
    /// Relations the file names (dry run) or added (real run).
    relations: i64,
    rows: Vec<ImportRow>,
}

/// A CI named in a relation or an impact: id, name, class and status.
#[derive(Serialize, ToSchema)]
pub struct CiSummary {
    id: i64,
    name: String,
    class: String,
    status: CiStatus,
}

#[derive(Serialize, ToSchema)]
pub struct PathStep {
    from: i64,
    #[serde(rename = "type")]
    kind: RelationType,
    to: i64,
}

/// A CI reached by an impact walk, with the relations that explain it.
#[derive(Serialize, ToSchema)]
pub struct ReachedCi {
    id: i64,
    name: String,
    class: String,
    status: CiStatus,
    depth: i64,
    path: Vec<PathStep>,
}

#[derive(Serialize, ToSchema)]
pub struct ImpactOrganisation {
    id: i64,
    name: String,
    /// The affected services it uses (CI ids).
    services: Vec<i64>,
}

/// What a failure of the starting CIs affects (upstream), or what they
/// stand on (downstream).
#[derive(Serialize, ToSchema)]
pub struct Impact {
    starts: Vec<CiSummary>,
    depth: i64,
    /// Services reached (and starting CIs that are services), nearest first.
    services: Vec<ReachedCi>,
    /// Every CI reached, nearest first, at most 2,000 (none with `include=services`).
    cis: Vec<ReachedCi>,
    /// How many CIs were reached in all.
    cis_total: i64,
    /// Who uses the affected services (upstream only).
    organisations: Vec<ImpactOrganisation>,
    /// The moment the walk looked at; null for now.
    #[schema(format = DateTime)]
    as_of: Option<String>,
}

word_enum!(
    /// What an attribute holds: `date` is `YYYY-MM-DD`, `enum` one of
    /// `values`, `reference` the id of a CI of `class` (or one extending it).
    AttrType { Text, Integer, Decimal, Boolean, Date, Enum, Reference }
);

/// An attribute of a class. (The domain writes the type's own fields,
/// `values` and `class`, beside `type`.)
#[derive(Serialize, ToSchema)]
pub struct Attribute {
    name: String,
    #[serde(rename = "type")]
    kind: AttrType,
    /// For `enum`: the allowed values.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    values: Option<Vec<String>>,
    /// For `reference`: the class the value's CI is of.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    class: Option<String>,
    #[schema(required = false)]
    required: bool,
    /// Reconciliation keys: two CIs with the same value are one.
    #[schema(required = false)]
    identifying: bool,
}

/// A limit on relations from CIs of a class: the target of a relation of
/// this type must be of one of the listed classes (or extend one).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowedRelation {
    #[serde(rename = "type")]
    kind: RelationType,
    to: Vec<String>,
}

/// A CI class as an admin defines it (the key is the path's).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassBody {
    /// Ignored: the key is the one in the path.
    key: Option<String>,
    name: String,
    extends: Option<String>,
    #[schema(required = false)]
    attributes: Vec<Attribute>,
    #[schema(required = false)]
    relations: Vec<AllowedRelation>,
    /// The version you read (or send `If-Match`); absent for a new class.
    version: Option<i64>,
}

/// A CI class, built in or defined by an admin.
#[derive(Serialize, ToSchema)]
pub struct ClassJson {
    key: String,
    name: String,
    extends: Option<String>,
    attributes: Vec<Attribute>,
    #[schema(required = false)]
    relations: Vec<AllowedRelation>,
    builtin: bool,
    /// Null for a built-in class.
    version: Option<i64>,
}

/// A file sent as `multipart/form-data`.
#[derive(Serialize, ToSchema)]
pub struct FileUpload {
    /// The file, with its name and type in the part's headers.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

// --- Service levels ---

/// Local wall-clock `HH:MM`–`HH:MM`; `end` may be `24:00`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Interval {
    start: String,
    end: String,
}

/// Working intervals per weekday; a day without intervals is a day off.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeekHours {
    #[schema(required = false)]
    monday: Vec<Interval>,
    #[schema(required = false)]
    tuesday: Vec<Interval>,
    #[schema(required = false)]
    wednesday: Vec<Interval>,
    #[schema(required = false)]
    thursday: Vec<Interval>,
    #[schema(required = false)]
    friday: Vec<Interval>,
    #[schema(required = false)]
    saturday: Vec<Interval>,
    #[schema(required = false)]
    sunday: Vec<Interval>,
}

/// A whole local day without working time: once (`date`), every year
/// (`yearly`) or relative to Western Easter Sunday (`easter`: Easter
/// Monday is 1).
#[derive(Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Holiday {
    Date {
        /// `YYYY-MM-DD`.
        date: String,
        #[schema(required = false)]
        name: String,
    },
    Yearly {
        #[schema(minimum = 1, maximum = 12)]
        month: i64,
        #[schema(minimum = 1, maximum = 31)]
        day: i64,
        #[schema(required = false)]
        name: String,
        from_year: Option<i64>,
        until_year: Option<i64>,
    },
    Easter {
        #[schema(minimum = -32768, maximum = 32767)]
        offset_days: i64,
        #[schema(required = false)]
        name: String,
        from_year: Option<i64>,
        until_year: Option<i64>,
    },
}

/// Which records an SLA applies to; an empty list means any, except
/// `kinds`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaConditions {
    /// The record kinds it applies to: `incident`, `problem`; none named
    /// means incidents (`record_kinds` in an answer says it plainly).
    #[schema(required = false)]
    kinds: Vec<String>,
    #[schema(required = false)]
    priorities: Vec<Priority>,
    /// Service names.
    #[schema(required = false)]
    services: Vec<String>,
    #[schema(required = false)]
    organisation_ids: Vec<i64>,
    #[schema(required = false)]
    categories: Vec<String>,
}

/// Business-time targets for one priority.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityTarget {
    priority: Priority,
    response: Option<Duration>,
    resolution: Option<Duration>,
}

/// A state (and optionally a hold reason: null means any) in which clocks
/// stand still.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseOn {
    state: IncidentState,
    hold_reason: Option<HoldReason>,
}

/// What makes an escalation rule fire: a clock reaching `percent` of its
/// target (100 = breached), or time since the record opened.
#[derive(Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Trigger {
    Clock {
        /// `response`, `resolution`, `group` or `any`.
        clock: String,
        #[schema(minimum = 0, maximum = 255)]
        percent: i64,
    },
    Elapsed {
        after: Option<Duration>,
        /// The old spelling of `conditions.no_assignee`: still read, never
        /// answered.
        #[schema(required = false, deprecated)]
        unassigned: bool,
    },
}

/// `assignee`, `group`, `group_manager`, or `{"users": [username]}`.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum Recipient {
    Named(NamedRecipient),
    Users(UsersRecipient),
}

word_enum!(
    /// Who on the record hears of it.
    NamedRecipient { Assignee, Group, GroupManager }
);

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UsersRecipient {
    users: Vec<String>,
}

/// What an escalation does: notify, hand to a group (by name), or raise
/// the urgency one step.
#[derive(Serialize, ToSchema)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum EscalationAction {
    Notify { to: Vec<Recipient> },
    Reassign { group: String },
    RaiseUrgency,
}

/// Which records a rule looks at; an empty list means any (states: the
/// open ones).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationConditions {
    /// The record kinds it looks at: `incident`, `problem`; none named
    /// means incidents.
    #[schema(required = false)]
    kinds: Vec<String>,
    #[schema(required = false)]
    priorities: Vec<Priority>,
    /// States of those kinds (`in_progress`, `root_cause_analysis` …);
    /// none named means their open states.
    #[schema(required = false)]
    states: Vec<String>,
    /// Assignment group names.
    #[schema(required = false)]
    groups: Vec<String>,
    /// Only records nobody in particular is assigned to (a group may hold
    /// them).
    #[schema(required = false)]
    no_assignee: bool,
    /// Only records no group holds; not with `groups`.
    #[schema(required = false)]
    no_group: bool,
}

word_enum!(
    /// A problem's state.
    ProblemState { New, Assessment, RootCauseAnalysis, FixInProgress, Resolved, Closed, Cancelled }
);
word_enum!(
    /// What kind of thing a problem's root cause was.
    CauseCategory {
        Hardware,
        Software,
        Configuration,
        Capacity,
        Network,
        Security,
        Process,
        HumanError,
        ThirdParty,
        Environment,
        Unknown,
    }
);
word_enum!(
    /// How a problem ended.
    ProblemResolution { Fixed, WorkaroundOnly, RiskAccepted, CannotFix, Duplicate, NotAProblem }
);

/// One step of a problem's 5-whys.
#[derive(Serialize, ToSchema)]
pub struct WhyStep {
    /// The question; may be left out or empty ("Why?").
    #[schema(max_length = 2000, required = false)]
    pub question: String,
    /// Required.
    #[schema(min_length = 1, max_length = 2000)]
    pub answer: String,
}

word_enum!(
    /// What a problem candidate's incidents share.
    CandidateBy { Service, Ci, Category }
);
word_enum!(
    /// A knowledge article's state: that of its published version, else of
    /// the one being written.
    ArticleState { Draft, InReview, Published, Retired }
);
word_enum!(
    /// Where one version of an article is.
    VersionState { Draft, InReview, Published, Superseded, Retired, Discarded }
);
word_enum!(
    /// Who an article is written for.
    Audience { Requesters, Staff }
);
word_enum!(
    /// The languages an article is written in.
    ArticleLang { En, Pl }
);
word_enum!(
    /// A change's state.
    ChangeState { Draft, Assessment, Authorization, Scheduled, Implementing, Review, Closed, Cancelled }
);
word_enum!(
    /// How a change is approved, and so which path it walks.
    ChangeType { Standard, Normal, Emergency }
);
word_enum!(
    /// How a change ended.
    CloseCode { Successful, SuccessfulWithIssues, Failed, BackedOut }
);
word_enum!(
    /// A change task's state.
    TaskState { Open, InProgress, Closed, Cancelled }
);
word_enum!(
    /// How a change task ended.
    TaskCloseCode { Complete, Incomplete, Skipped }
);
word_enum!(
    /// Whose open tasks a queue lists: my groups' or mine.
    TaskQueue { Group, Me }
);
word_enum!(
    /// Which alerts a list holds: those firing now, or all.
    AlertScope { Firing, All }
);
word_enum!(
    /// What an API token may be used for.
    TokenScope { All, Alerts }
);
word_enum!(
    /// How risky a change is, from its questionnaire's score.
    RiskLevel { Low, Moderate, High, VeryHigh }
);
