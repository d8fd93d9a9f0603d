//! Demo and benchmark data.
