//! Record numbers with the site's own prefixes (`[numbers]`): TKT for
//! incidents, PROB for problems, ART for articles, over HTTP on both
//! backends — the API, the pages, search, mail out and in, and webhooks.
//!
//! The prefixes are a table set once per process (see
//! `steward_domain::number`), so these tests have a test binary of their
//! own, and every test in it installs the same table (`config`) before its
//! server starts; the `api` binary keeps the defaults. The `steward`
//! binary reading them from its configuration is tested in
//! `crates/cli/tests/numbers.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../api/helpers.rs"]
mod helpers;
#[path = "../../../channels/tests/support/smtpd.rs"]
mod smtpd;

mod numbers;
