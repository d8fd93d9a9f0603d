//! The `steward` binary as an operator uses it: subcommands, configuration
//! errors, users and tokens, backup, and a clean stop on SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Server, call, command, free_port, get, ready, refused, run, steward, text};

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "list", "--help"],
        vec!["user", "passwd", "--help"],
        vec!["user", "deactivate", "--help"],
        vec!["user", "reactivate", "--help"],
        vec!["group", "list", "--help"],
        vec!["group", "add", "--help"],
        vec!["group", "members", "--help"],
        vec!["group", "add-member", "--help"],
        vec!["group", "remove-member", "--help"],
        vec!["token", "create", "--help"],
        vec!["demo", "--help"],
        vec!["backup", "--help"],
        vec!["restore", "--help"],
        vec!["workers", "resume", "--help"],
        vec!["workers", "hold", "--help"],
        vec!["workers", "status", "--help"],
        vec!["config", "example", "--help"],
        vec!["bench", "create", "--help"],
        vec!["bench", "due", "--help"],
        vec!["bench", "timers", "--help"],
        vec!["calendar", "list", "--help"],
        vec!["calendar", "preset", "--help"],
        vec!["calendar", "import", "--help"],
        vec!["mail", "ingest", "--help"],
        vec!["cmdb", "import", "--help"],
        vec!["reports", "rebuild", "--help"],
    ] {
        let out = steward(dir.path(), &args, None);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("Usage:"), "{args:?}");
    }
}

#[test]
fn the_help_says_how_a_restored_copy_is_held_and_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let help = |args: &[&str]| text(&steward(dir.path(), args, None).stdout);
    let serve = help(&["serve", "--help"]);
    assert!(serve.contains("--no-workers") && serve.contains("no mail out or in, no"), "{serve}");
    let restore = help(&["restore", "--help"]);
    assert!(restore.contains("empty data folder") && restore.contains("`steward workers resume`"), "{restore}");
    let resume = help(&["workers", "resume", "--help"]);
    assert!(resume.contains("a restored copy holds it until told so"), "{resume}");
    assert!(help(&["--help"]).contains("restore"));
}

#[test]
fn config_example_is_a_valid_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let out = steward(dir.path(), &["config", "example"], None);
    assert!(out.status.success());
    let path = dir.path().join("steward.toml");
    std::fs::write(&path, &out.stdout).unwrap();
    let out = steward(dir.path(), &["--config", "steward.toml", "migrate"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.path().join("steward-data/steward.db").exists(), "the default database is created");
}

#[test]
fn bad_configuration_stops_start_up_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.toml"), "listen = \"127.0.0.1:8080\"\ndatabse_url = \"x\"\n").unwrap();
    let out = steward(dir.path(), &["--config", "bad.toml", "serve"], None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unknown field `databse_url`"), "{}", text(&out.stderr));

    let out = steward(dir.path(), &["--listen", "not-an-address", "serve"], None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("listen: \"not-an-address\" is not an address"), "{}", text(&out.stderr));

    let out = steward(dir.path(), &["--database-url", "mysql://localhost/x", "migrate"], None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("database_url"), "{}", text(&out.stderr));

    std::fs::write(dir.path().join("bad2.toml"), "[incidents]\npriority_matrix = [[1,2,3],[2,3,4],[3,4,9]]\n").unwrap();
    let out = steward(dir.path(), &["--config", "bad2.toml", "migrate"], None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("incidents.priority_matrix"), "{}", text(&out.stderr));
    assert!(!dir.path().join("steward-data").exists(), "nothing was created");
}

#[test]
fn calendars_get_holidays_by_preset_and_from_icalendar_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(steward(d, &["migrate"], None).status.success());
    let out = steward(d, &["calendar", "list"], None);
    assert!(text(&out.stdout).starts_with("1\t24×7\tUTC\t0 holidays"), "{}", text(&out.stdout));
    let out = steward(d, &["calendar", "preset", "24×7", "poland"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("14 holidays added"), "{}", text(&out.stdout));
    let out = steward(d, &["calendar", "preset", "1", "poland"], None);
    assert!(text(&out.stdout).contains("0 holidays added (14 in all)"), "added once: {}", text(&out.stdout));
    let out = steward(d, &["calendar", "preset", "Office", "poland"], None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no calendar \"Office\"; calendars: 24×7 (1)"), "{}", text(&out.stderr));
    let out = steward(d, &["calendar", "preset", "1", "atlantis"], None);
    assert!(text(&out.stderr).contains("preset: unknown preset \"atlantis\""), "{}", text(&out.stderr));
    std::fs::write(d.join("hr.ics"), "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261231\r\nSUMMARY:Stocktaking\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").unwrap();
    let out = steward(d, &["calendar", "import", "1", "hr.ics"], None);
    assert!(text(&out.stdout).contains("1 holidays added (15 in all)"), "{}", text(&out.stderr));
    std::fs::write(d.join("bad.ics"), "hello").unwrap();
    let out = steward(d, &["calendar", "import", "1", "bad.ics"], None);
    assert!(text(&out.stderr).contains("ical: no BEGIN:VCALENDAR"), "{}", text(&out.stderr));
}

#[test]
fn mail_ingest_takes_a_message_from_a_pipe_and_says_how_it_went() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(steward(d, &["migrate"], None).status.success());
    let out = steward(d, &["user", "add", "anna", "--role", "requester", "--email", "anna@example.com"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let msg = "From: Anna <anna@example.com>\r\nSubject: Monitor flickers\r\nMessage-ID: <p1@example.com>\r\n\r\nSince this morning.\r\n";
    let out = steward(d, &["mail", "ingest"], Some(msg));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "created INC0000001");
    let out = steward(d, &["mail", "ingest"], Some(msg));
    assert_eq!(text(&out.stdout).trim(), "already taken in (created)", "the same message once");
    let stranger = "From: eve@elsewhere.test\r\nSubject: Hi\r\nMessage-ID: <p2@elsewhere.test>\r\n\r\nHello\r\n";
    let out = steward(d, &["mail", "ingest"], Some(stranger));
    assert_eq!(out.status.code(), Some(67), "EX_NOUSER: the mail server bounces it");
    assert!(text(&out.stderr).contains("unknown sender eve@elsewhere.test"), "{}", text(&out.stderr));
    let out = steward(d, &["--database-url", "mysql://nowhere", "mail", "ingest"], Some(msg));
    assert_eq!(out.status.code(), Some(75), "EX_TEMPFAIL: the mail server keeps it and retries");
}

#[test]
fn users_tokens_and_backup() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(steward(d, &["migrate"], None).status.success());
    let out = steward(d, &["user", "add", "alice", "--role", "admin", "--password-stdin"], Some("a long password\n"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = steward(d, &["user", "add", "bob", "--role", "wizard"], None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("role: unknown role \"wizard\""), "{}", text(&out.stderr));
    let out = steward(d, &["user", "add", "carol", "--role", "agent", "--password-stdin"], Some("short\n"));
    assert!(text(&out.stderr).contains("password: must be at least 12 characters"), "{}", text(&out.stderr));
    let out = steward(d, &["user", "add", "alice", "--role", "agent"], None);
    assert!(text(&out.stderr).contains("username: is already taken"), "{}", text(&out.stderr));
    let out = steward(d, &["user", "passwd", "alice"], Some("another long password\n"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = steward(d, &["token", "create", "alice", "--label", "ci"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).trim().starts_with("stw_"));
    let out = steward(d, &["token", "create", "nobody"], None);
    assert!(!out.status.success());
    let out = steward(d, &["user", "reset-two-factor", "alice"], None);
    assert!(text(&out.stdout).contains("alice had no two-step sign-in; nothing changed"), "{}", text(&out.stderr));
    let out = steward(d, &["user", "reset-two-factor", "nobody"], None);
    assert!(!out.status.success() && text(&out.stderr).contains("not found"), "{}", text(&out.stderr));

    let out = steward(d, &["backup", "copy.tar.gz"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = steward(d, &["--data-dir", "copy", "restore", "copy.tar.gz"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = steward(d, &["--data-dir", "copy", "user", "list"], None);
    assert!(text(&out.stdout).contains("alice"), "the copy holds the data");
    let out = steward(d, &["backup", "copy.tar.gz"], None);
    assert!(text(&out.stderr).contains("already exists"), "an existing file is never overwritten");

    let out = steward(d, &["reports", "rebuild"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("counted 0 record(s) into the measures"), "{}", text(&out.stdout));
}

#[test]
fn serve_answers_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_steward"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(dir.path())
        .env("STEWARD_LOG_FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(ready(port), "the server became ready");
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "exit after SIGTERM: {:?}", out.status);
    let logs = text(&out.stderr);
    assert!(logs.lines().any(|l| l.starts_with('{') && l.contains("stop signal received")), "JSON logs: {logs}");
}

/// One GET on a fresh connection; the whole answer, or none if refused.
/// With `keep_alive` the connection is left open for more: the read ends
/// only when the server closes it after the answer (or after 5 s).
fn try_get(port: u16, path: &str, keep_alive: bool) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    let close = if keep_alive { "" } else { "Connection: close\r\n" };
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n{close}\r\n").as_bytes()).ok()?;
    let mut resp = String::new();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = s.read_to_string(&mut resp);
    Some(resp)
}

/// `drain_secs`, as its help says: on SIGTERM `/readyz` answers 503 while
/// the node still serves (closing each connection after its answer), then
/// the node stops; a second signal cuts the wait short.
#[test]
fn sigterm_drains_before_the_node_stops() {
    let dir = tempfile::tempdir().unwrap();
    for (drain, second) in [("5", false), ("300", true)] {
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_steward"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .current_dir(dir.path())
            .env("STEWARD_DRAIN_SECS", drain)
            .env("STEWARD_LOG_LEVEL", "warn")
            .spawn()
            .unwrap();
        assert!(ready(port), "the server became ready");
        let pid = child.id().to_string();
        let signalled = Instant::now();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let mut answer = String::new();
        while signalled.elapsed() < Duration::from_secs(10) && !answer.starts_with("HTTP/1.1 503") {
            answer = try_get(port, "/readyz", false).unwrap_or_default();
        }
        assert!(answer.starts_with("HTTP/1.1 503") && answer.ends_with("draining\n"), "{answer}");
        // Asked to keep the connection, the draining node closes it anyway.
        let answer = try_get(port, "/readyz", true).unwrap_or_default();
        assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");
        let page = try_get(port, "/healthz", true).unwrap_or_default();
        assert!(page.starts_with("HTTP/1.1 200"), "still serving while draining: {page}");
        assert!(page.to_ascii_lowercase().contains("connection: close"), "{page}");
        if second {
            assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        }
        let status = child.wait().unwrap();
        assert!(status.success(), "exit after SIGTERM: {status:?}");
        let took = signalled.elapsed();
        if second {
            assert!(took < Duration::from_secs(20), "a second signal stops at once: {took:?}");
        } else {
            assert!(took >= Duration::from_secs(5), "the drain delay is kept: {took:?}");
        }
        assert!(try_get(port, "/healthz", false).is_none(), "stopped: no connection taken");
    }
    let err = refused(dir.path(), &["serve"], &[("STEWARD_DRAIN_SECS", "301")]);
    assert!(err.contains("drain_secs: must be between 0 and 300"), "{err}");
}

#[test]
fn data_dir_moves_the_default_database() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(steward(d, &["migrate", "--data-dir", "D"], None).status.success());
    let out = steward(
        d,
        &["--data-dir", "D", "user", "add", "alice", "--role", "admin", "--password-stdin"],
        Some("a long password\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(d.join("D/steward.db").exists(), "the database is in the data folder");
    assert!(!d.join("steward-data").exists(), "nothing in the default folder");
    let out = steward(d, &["token", "create", "alice", "--data-dir", "D"], None);
    assert!(out.status.success(), "the flag works after the subcommand too: {}", text(&out.stderr));
    assert!(!d.join("steward-data").exists(), "the token went into D/steward.db");
    let out = steward(d, &["user", "list", "--data-dir", "D"], None);
    assert!(text(&out.stdout).contains("alice"), "{}", text(&out.stdout));
    let out = steward(d, &["user", "list"], None);
    assert!(!text(&out.stdout).contains("alice"), "the default folder is another database");
    assert!(!d.join("steward-data").exists(), "and it was not created by a command that only reads");

    // serve --data-dir D serves D's users: alice can sign in through the API.
    let token = text(&steward(d, &["--data-dir", "D", "token", "create", "alice"], None).stdout).trim().to_owned();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = command(
        d,
        &["serve", "--data-dir", "D", "--listen", &format!("127.0.0.1:{port}")],
        &[("STEWARD_LOG_LEVEL", "warn")],
    )
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let me = get(port, "/api/v1/me", &token);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(me.starts_with("HTTP/1.1 200") && me.contains("\"alice\""), "{me}");
}

#[test]
fn help_and_readme_say_where_the_database_is() {
    let dir = tempfile::tempdir().unwrap();
    let help = text(&steward(dir.path(), &["--help"], None).stdout);
    let readme = include_str!("../../../README.md");
    for words in ["Folder for the default database (DIR/steward.db)", "[default: steward.db in the data folder]"] {
        assert!(help.contains(words), "--help says {words:?}: {help}");
    }
    assert!(readme.contains("SQLite at `DATA_DIR/steward.db`"), "the README agrees");
    assert!(
        readme.contains("| `--data-dir DIR` | `STEWARD_DATA_DIR` | `./steward-data` | the default database, `DIR/steward.db` (and where releases before 0.2 kept attachments) |"),
        "the README names the same default folder and file"
    );
}

#[test]
fn demo_prints_the_command_that_serves_its_data_again() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = steward(d, &["demo", "--incidents", "20", "--no-serve", "--data-dir", "my demo"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("To serve this data again: steward serve --data-dir 'my demo'\n"), "{stdout}");
    assert!(d.join("my demo/steward.db").exists());
    let out = steward(d, &["user", "list", "--data-dir", "my demo"], None);
    assert!(text(&out.stdout).contains("requester"), "the printed folder holds the demo");
    let out = steward(d, &["demo", "--incidents", "20", "--no-serve", "--listen", "127.0.0.1:9999"], None);
    assert!(
        text(&out.stdout).contains("steward serve --data-dir ./steward-demo --listen 127.0.0.1:9999"),
        "{}",
        text(&out.stdout)
    );
}

/// The subcommands `steward --help` (and each group's `--help`) lists.
fn subcommands(dir: &std::path::Path, args: &[&str]) -> Vec<String> {
    let help = text(&steward(dir, args, None).stdout);
    let listed = help.split("Commands:\n").nth(1).unwrap_or("").split("\n\n").next().unwrap_or("");
    listed
        .lines()
        .filter_map(|l| l.strip_prefix("  ").and_then(|l| l.split_whitespace().next()))
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_readme_table_lists_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let readme = include_str!("../../../README.md");
    let table: Vec<&str> = readme
        .split("Subcommands (each has `--help`):")
        .nth(1)
        .unwrap()
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    let top = subcommands(dir.path(), &["--help"]);
    assert!(top.len() >= 11 && top.contains(&"calendar".to_owned()) && top.contains(&"mail".to_owned()), "{top:?}");
    for cmd in top {
        let subs = subcommands(dir.path(), &[cmd.as_str(), "--help"]);
        let first = |row: &str| row.split('|').nth(1).unwrap_or("").to_owned();
        if subs.is_empty() || cmd == "bench" {
            assert!(table.iter().any(|row| first(row).contains(&format!("`{cmd}"))), "{cmd} is in the README's table");
        } else {
            for sub in subs {
                assert!(
                    table.iter().any(|row| first(row).contains(&format!("`{cmd} {sub}"))),
                    "`{cmd} {sub}` is in the README's table"
                );
            }
        }
    }
}

#[test]
fn cmdb_import_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(steward(d, &["migrate"], None).status.success());
    std::fs::write(d.join("hosts.csv"), "Host,Serial,Runs on\nweb-01,SN1,\napp-01,,web-01\nbad-01,SN2,nowhere\n")
        .unwrap();
    std::fs::write(
        d.join("map.json"),
        r#"{"columns": {"Host": "name", "Serial": "attributes.serial_number", "Runs on": "relations.runs_on"}, "class": "server"}"#,
    )
    .unwrap();
    let out = steward(d, &["cmdb", "import", "hosts.csv", "--mapping", "map.json", "--dry-run"], None);
    assert_eq!(out.status.code(), Some(1), "a rejected row: {}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(
        said.contains("line 4\treject\tbad-01\n\trelations.runs_on: no CI named \"nowhere\" in the CMDB or this file"),
        "{said}"
    );
    assert!(said.contains("2 to create, 0 to update, 0 unchanged, 1 rejected; 1 relations in the file"), "{said}");
    let out = steward(d, &["cmdb", "import", "hosts.csv", "--mapping", "map.json"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("nothing was imported"), "{}", text(&out.stdout));

    std::fs::write(d.join("hosts.csv"), "Host,Serial,Runs on\nweb-01,SN1,\napp-01,,web-01\n").unwrap();
    let out = steward(d, &["cmdb", "import", "hosts.csv", "--mapping", "map.json"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("line 2\tcreate\tweb-01 (CI "), "{said}");
    assert!(said.contains("2 created, 0 updated, 0 unchanged, 0 rejected; 1 relations added"), "{said}");
    let out = steward(d, &["cmdb", "import", "missing.csv"], None);
    assert!(text(&out.stderr).contains("cannot read missing.csv"), "{}", text(&out.stderr));
    let out = steward(d, &["cmdb", "import", "hosts.csv", "--mapping", "{not json"], None);
    assert!(text(&out.stderr).contains("mapping: the mapping is invalid"), "{}", text(&out.stderr));
}

#[test]
fn mail_in_defaults_route_piped_mail_and_an_unknown_group_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let defaults = [
        ("STEWARD_INBOUND_DEFAULT_GROUP", "Service Desk"),
        ("STEWARD_INBOUND_DEFAULT_IMPACT", "2"),
        ("STEWARD_INBOUND_DEFAULT_URGENCY", "1"),
    ];
    // No such group yet: neither the server nor the pipe starts, and both say which key.
    let out = run(d, &["serve", "--listen", "127.0.0.1:0"], &defaults, None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("inbound.default_group: no group named \"Service Desk\"; there are no groups yet"),
        "{}",
        text(&out.stderr)
    );
    let msg = "From: Anna <anna@example.com>\r\nSubject: Laptop will not boot\r\nMessage-ID: <g1@example.com>\r\n\r\nBlack screen.\r\n";
    let out = run(d, &["mail", "ingest"], &defaults, Some(msg));
    assert_eq!(out.status.code(), Some(75), "EX_TEMPFAIL: the message waits until the group exists");
    assert!(text(&out.stderr).contains("inbound.default_group"), "{}", text(&out.stderr));
    let out = run(d, &["migrate"], &[("STEWARD_INBOUND_DEFAULT_IMPACT", "5")], None);
    assert!(
        text(&out.stderr).contains("inbound.default_impact: must be 1 (high), 2 (medium) or 3 (low), got 5"),
        "{}",
        text(&out.stderr)
    );

    // An admin sets up the group and an SLA through the API.
    let out = steward(d, &["user", "add", "root", "--role", "admin"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let token = text(&steward(d, &["token", "create", "root"], None).stdout).trim().to_owned();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = command(d, &["serve", "--listen", &format!("127.0.0.1:{port}")], &[("STEWARD_LOG_LEVEL", "warn")])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let group = call(port, "POST", "/api/v1/groups", &token, r#"{"name": "Service Desk"}"#);
    let sla = r#"{"name": "Mail", "calendar_id": 1, "thresholds": [50],
        "targets": [{"priority": 2, "response": "1h", "resolution": "8h"}]}"#;
    let sla = call(port, "POST", "/api/v1/slas", &token, sla);
    for (what, args) in [
        ("anna", vec!["user", "add", "anna", "--role", "requester", "--email", "anna@example.com"]),
        (
            "desk1",
            vec!["user", "add", "desk1", "--role", "agent", "--group", "Service Desk", "--email", "desk1@example.com"],
        ),
    ] {
        let out = steward(d, &args, None);
        assert!(out.status.success(), "{what}: {}", text(&out.stderr));
    }

    // A message piped in lands in the group's queue, with its priority and SLA; the group hears.
    let out = run(d, &["mail", "ingest"], &defaults, Some(msg));
    let created = text(&out.stdout);
    let incident = call(port, "GET", "/api/v1/incidents/INC0000001", &token, "");
    let outbox = call(port, "GET", "/api/v1/outbox?state=pending", &token, "");
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(group.starts_with("HTTP/1.1 201") && sla.starts_with("HTTP/1.1 201"), "{group}\n{sla}");
    assert_eq!(created.trim(), "created INC0000001", "{}", text(&out.stderr));
    for part in [r#""name":"Service Desk""#, r#""impact":2"#, r#""urgency":1"#, r#""priority":2"#] {
        assert!(incident.contains(part), "{part}: {incident}");
    }
    assert!(incident.contains(r#""sla_due_at":"20"#), "an SLA clock runs: {incident}");
    assert!(outbox.contains(r#""target":"desk1@example.com""#) && outbox.contains("incident.assigned"), "{outbox}");
}

#[test]
fn user_add_takes_a_language_and_a_time_zone() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(steward(d, &["migrate"], None).status.success());
    let out = steward(d, &["user", "add", "ola", "--role", "agent", "--language", "de"], None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("--language: must be one of en, pl, got \"de\""), "{}", text(&out.stderr));
    let out = steward(d, &["user", "add", "ola", "--role", "agent", "--time-zone", "Europe/Warsow"], None);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("--time-zone: \"Europe/Warsow\" is not a time zone"), "{}", text(&out.stderr));
    let out = steward(d, &["user", "list"], None);
    assert!(!text(&out.stdout).contains("ola"), "nothing was created");
    let args = ["user", "add", "ola", "--role", "admin", "--language", "pl", "--time-zone", "Europe/Warsaw"];
    let out = steward(d, &args, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let token = text(&steward(d, &["token", "create", "ola"], None).stdout).trim().to_owned();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = command(d, &["serve", "--listen", &format!("127.0.0.1:{port}")], &[("STEWARD_LOG_LEVEL", "warn")])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let me = call(port, "GET", "/api/v1/me", &token, "");
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(me.contains(r#""locale":"pl""#) && me.contains(r#""time_zone":"Europe/Warsaw""#), "{me}");
}

#[test]
fn metrics_are_served_as_the_settings_say() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(steward(d, &["migrate"], None).status.success());
    let (port, scrape) = (free_port(), free_port());
    let token = "scrape-token-0123456789";
    let env = [
        ("STEWARD_LOG_LEVEL", "warn"),
        ("STEWARD_METRICS_TOKEN", token),
        ("STEWARD_METRICS_LISTEN", &format!("127.0.0.1:{scrape}")),
    ];
    let server = command(d, &["serve", "--listen", &format!("127.0.0.1:{port}")], &env).stderr(Stdio::null()).spawn();
    let mut server = Server(server.unwrap());
    assert!(ready(port), "the server became ready");
    // The main address: with the token only.
    let with = get(port, "/metrics", token);
    let without = get(port, "/metrics", "wrong");
    // The address of its own: open, and /metrics only.
    let open = get(scrape, "/metrics", "");
    let other = get(scrape, "/readyz", "");
    server.kill();
    assert!(with.starts_with("HTTP/1.1 200") && with.contains("# TYPE steward_records gauge"), "{with}");
    assert!(without.starts_with("HTTP/1.1 401"), "{without}");
    assert!(open.starts_with("HTTP/1.1 200") && open.contains("steward_build_info"), "{open}");
    assert!(other.starts_with("HTTP/1.1 404"), "{other}");
    // A bad setting stops start-up naming its key.
    let bad = refused(d, &["serve", "--listen", "127.0.0.1:0"], &[("STEWARD_METRICS_TOKEN", "short")]);
    assert!(bad.contains("metrics.token: must be at least 16 characters"), "{bad}");
}

/// A node started with settings unlike the last node on the same database
/// (here a restart with another `sessions.hours`) says which, and how they
/// differ; the same settings again say nothing.
#[test]
fn a_node_configured_unlike_the_last_one_is_warned() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let start = |env: &[(&str, &str)]| {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let mut all = vec![("STEWARD_LOG_LEVEL", "warn")];
        all.extend_from_slice(env);
        let child = command(d, &["serve", "--listen", &listen], &all)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        assert!(ready(port), "the server became ready");
        let pid = child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        text(&child.wait_with_output().unwrap().stderr)
    };
    let first = start(&[]);
    assert!(!first.contains("unlike the last node"), "{first}");
    let other = start(&[("STEWARD_SESSIONS_HOURS", "8"), ("STEWARD_PASSWORDS_MIN_LENGTH", "14")]);
    let warned: Vec<&str> = other.lines().filter(|l| l.contains("unlike the last node")).collect();
    assert_eq!(warned.len(), 2, "{other}");
    assert!(
        warned.iter().any(|l| l.contains("key=sessions.hours") && l.contains("here=8") && l.contains("last_node=12"))
    );
    assert!(warned.iter().any(|l| l.contains("key=passwords.min_length")), "{other}");
    let same = start(&[("STEWARD_SESSIONS_HOURS", "8"), ("STEWARD_PASSWORDS_MIN_LENGTH", "14")]);
    assert!(!same.contains("unlike the last node"), "{same}");
}
