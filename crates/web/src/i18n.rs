//! Translation catalogue (placeholder until the UI lands).
