//! The configuration management database's rules: CI classes and their
//! attribute schemas, typed relations, and the graph walks behind impact
//! analysis (what a failure affects, upstream; what a service stands on,
//! downstream), including the graph as it stood at a past moment.

pub mod class;
pub mod graph;
#[cfg(test)]
mod tests;

pub use class::{AttrType, Attribute, Class, Schema, builtin};
pub use graph::{Graph, Reached, Relation, RelationEvent, RelationType, Step, relations_at};
