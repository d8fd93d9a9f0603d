//! Steward's own checks: what a check is, how its result is read and what
//! its results mean over time. No IO: the executors in `steward-channels`
//! run a check and hand the facts back here.
//!
//! - [`status`]: the four statuses (Nagios's 0–3) and a check's [`Outcome`];
//! - [`perfdata`] and [`plugin_output`]: the Nagios plugin API's output;
//! - [`definition`]: a check's kind, settings and their validation;
//! - [`json_path`]: the small JSON path condition of HTTP checks;
//! - [`verdict`]: the status an HTTP, DNS or TLS check's facts earn;
//! - [`x509`]: a certificate's expiry, read from its DER;
//! - [`state`]: soft and hard states, retries and flap damping;
//! - [`spread`]: when in its interval a check first runs.

pub mod definition;
pub mod json_path;
pub mod perfdata;
pub mod plugin_output;
pub mod spread;
pub mod state;
pub mod status;
pub mod verdict;
pub mod x509;

pub use definition::{
    CheckDef, CheckKind, DnsCheck, HttpCheck, HttpMethod, PluginCheck, RecordType, StatusRange, TlsCheck,
};
pub use json_path::JsonCondition;
pub use perfdata::{PerfDatum, Uom};
pub use state::{CheckState, FlapThresholds, Transition};
pub use status::{Outcome, Status};
