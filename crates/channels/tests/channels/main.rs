//! Integration tests of the channels against real servers: an SMTP server
//! (aiosmtpd, run as a child process), HTTP servers started here, and
//! realistic raw messages from common mail clients; the real
//! fusioninventory-agent posting inventories.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod checks;
mod inbound;
mod inventory;
mod inventory_agent;
mod smtp;
#[path = "../support/smtpd.rs"]
mod smtpd;
mod webhook;
