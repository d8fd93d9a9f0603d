//! The configuration management database's rules: CI classes and their
//! attribute schemas, typed relations, and the graph walks behind impact
//! analysis (what a failure affects, upstream; what a service stands on,
//! downstream), including the graph as it stood at a past moment; and the
//! layered layout the service map is drawn with.

pub mod ci;
pub mod class;
pub mod graph;
pub mod layout;
#[cfg(test)]
mod tests;

pub use ci::{CiDraft, CiStatus, Criticality, Identifier, PortfolioStatus, SERVICE_CLASSES, is_service};
pub use class::{AllowedRelation, AttrType, Attribute, Class, Problem, Schema, builtin};
pub use graph::{Edge, Graph, Reached, Relation, RelationType, Step};
pub use layout::{Layout, LayoutOptions, Placed, Routed, layout, upper_lower};
