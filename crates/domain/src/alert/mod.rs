//! Alert intake rules, Alertmanager-compatible: label sets and their
//! fingerprints, matchers in Alertmanager's text and JSON forms, silences,
//! inhibition, the routing tree, the grouping timers and correlation
//! through the CMDB. Pure: times are passed in (microseconds since the
//! epoch), nothing here reads a clock or does IO.

pub mod ci_rules;
pub mod correlate;
pub mod dispatch;
pub mod from_check;
pub mod hooks;
pub mod inhibit;
pub mod labels;
pub mod matcher;
pub mod pagerduty;
pub mod posted;
pub mod route;
pub mod routing;
pub mod silence;
pub mod window;

pub use ci_rules::{CiRule, CiRules, Lookup, MatchOn};
pub use correlate::{CorrelationKey, Failing, correlate, group_of};
pub use dispatch::{Dispatcher, Flush, GroupKey};
pub use inhibit::{InhibitRule, InhibitRuleSpec, inhibited_by};
pub use labels::{Labels, fingerprint_text, invalid_label_name, is_valid_label_name, pair_key, parse_fingerprint};
pub use matcher::{ApiMatcher, MatchOp, Matcher, Matchers, parse_matcher, parse_matchers};
pub use posted::{Alert, Posted, RESOLVE_TIMEOUT, fold, merge};
pub use route::{GroupBy, Route, RouteId, RouteSpec, RouteTree};
pub use routing::{ChatFormat, ReceiverSpec, Routing, RoutingSpec, TargetSpec};
pub use silence::{Silence, SilenceState, matchers_from_api};

/// What a user sent wrong: `(field, message)` pairs, every one reported.
pub type Problems = Vec<(String, crate::code::Message)>;
