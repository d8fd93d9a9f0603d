//! Integration tests over HTTP against the real server on 127.0.0.1:0.
//! Every test runs twice: on SQLite and on PostgreSQL (see `both!`).
//!
//! The whole binary is test code (helpers included), so `unwrap` is fine.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;
#[path = "../../../channels/tests/support/smtpd.rs"]
mod smtpd;

mod access;
mod accounts;
mod alert_correlation;
mod alert_dispatch;
mod alert_hooks;
mod alert_routing;
mod alert_windows;
mod alertmanager;
mod amtool;
mod api_contract;
mod articles;
mod articles_refusals;
mod attachments;
mod auth;
mod bad_input;
mod cab;
mod calendar;
mod calendar_feeds;
mod change_alerts;
mod change_approval_mail;
mod change_approvals;
mod change_calendar;
mod change_conflicts;
mod change_outcomes;
mod change_scheduling;
mod change_tasks;
mod change_templates;
mod changes;
mod check_alerts;
mod check_pages;
mod checks;
mod cmdb;
mod cmdb_impact;
mod cmdb_import;
mod codes;
mod comments;
mod concurrency;
mod conflicts;
mod desk;
mod edits;
mod escalations;
mod health;
mod incidents;
mod inventory_agent;
mod leavers;
mod links;
mod listing;
mod notifications;
mod people;
mod problem_comments;
mod problem_desk;
mod problem_sla;
mod problem_sla_list;
mod problems;
mod prometheus;
mod risk_questionnaire;
mod search;
mod search_cis;
mod search_words;
mod security;
mod sessions;
mod site;
mod sla;
mod sla_edit;
mod sla_queues;
mod suggestions;
mod transitions;
mod upgrade;
