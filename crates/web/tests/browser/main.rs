//! The HTML UI, tested against the real server on 127.0.0.1:0: in Chromium
//! through chromedriver (`journey`), and page by page over plain HTTP for
//! the messages each mistake gets (`pages`).
//!
//! Chromium and chromedriver are required: without them the browser test
//! fails and says to run `scripts/install-browser.sh`.

// A failing test should stop at the line that failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accessibility;
mod admin_journey;
mod alert_journey;
mod alert_pages;
mod alert_window_pages;
mod calendar_pages;
mod change_journey;
mod change_pages;
mod check_journey;
mod cmdb_forms;
mod cmdb_journey;
mod cmdb_pages;
mod demo_badges;
mod demo_edits;
mod desk_journey;
mod desk_pages;
mod driver;
mod escalation_journey;
mod journey;
mod kb_journey;
mod notification_pages;
mod pages;
mod problem_journey;
mod report_journey;
mod security_journey;
mod server;
mod sla_journey;
mod sla_pages;
mod sso_journey;
mod task_journey;
mod template_journey;
mod two_factor_journey;
