//! The CMDB and the service catalog: configuration items reconciled by
//! their identifiers, typed relations, impact analysis now and as of a past
//! moment, and the imports that keep it current.
//!
//! The rules are in `steward_domain::cmdb`; the graph is held in memory by
//! [`cache::CmdbCache`] and caught up with the database on every read.

pub mod cache;
pub mod classes;
pub mod history;
pub mod impact;
pub mod import;
pub mod inventory;
pub mod query;
pub mod relations;
pub mod upsert;

pub use cache::CmdbCache;
pub use impact::{Direction, Impact};
pub use query::{CiDetail, CiPage, Neighbourhood, RelationView};
/// The file formats (CSV export) and the agent's error reply, for the web layer.
pub use steward_channels::cmdb_files as files;
pub use steward_channels::inventory::error_reply as inventory_error_reply;
pub use upsert::{Batch, CiInput, CiRef, Outcome, RelationInput, Report};
