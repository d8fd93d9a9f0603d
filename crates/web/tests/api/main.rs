//! Integration tests over HTTP against the real server on 127.0.0.1:0.
//! Every test runs twice: on SQLite and on PostgreSQL (see `both!`).

mod helpers;

mod accounts;
mod incidents;
