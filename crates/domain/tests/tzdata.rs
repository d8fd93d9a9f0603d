//! The time-zone database is compiled into the binary: a node whose system
//! tzdata is old, missing or wrong computes the same due moments as every
//! other node.

#![allow(clippy::unwrap_used)]

use jiff::{SignedDuration, Timestamp, Zoned};
use std::process::Command;
use steward_domain::calendar::{Calendar, CalendarSpec, Interval, WeekHours};

/// A TZif file (version 1, no transitions) for a zone five hours ahead of
/// UTC: what a broken system copy of Europe/Warsaw would say.
fn fake_zone() -> Vec<u8> {
    let mut f = b"TZif".to_vec();
    f.extend([0u8; 16]); // version 1, reserved
    for count in [0u32, 0, 0, 0, 1, 4] {
        f.extend(count.to_be_bytes()); // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
    }
    f.extend(18_000i32.to_be_bytes()); // UT offset of the one type
    f.extend([0u8, 0]); // not DST, designation at 0
    f.extend(b"FAK\0");
    f
}

fn warsaw(local: &str) -> Timestamp {
    format!("{local}[Europe/Warsaw]").parse::<Zoned>().unwrap().timestamp()
}

/// The check itself, run in a child process whose `TZDIR` names the fake
/// database (the database is chosen once per process).
fn due_moment_in_warsaw() {
    assert_eq!(format!("{:?}", jiff::tz::db()), "TimeZoneDatabase(Bundled(available))");
    let spec = CalendarSpec {
        time_zone: "Europe/Warsaw".into(),
        week: WeekHours::weekdays(&[Interval::new("08:00", "16:00")]),
        holidays: vec![],
    };
    let cal = Calendar::compile(&spec).unwrap();
    // Friday 14:00 Warsaw + 4 business hours = Monday 10:00 Warsaw (CET,
    // UTC+1): 09:00 UTC, whatever the system says Warsaw is.
    let due = cal.add(warsaw("2026-03-06T14:00"), SignedDuration::from_hours(4)).unwrap();
    assert_eq!(due, "2026-03-09T09:00:00Z".parse::<Timestamp>().unwrap());
}

#[test]
fn due_moments_come_from_the_bundled_database_not_the_systems() {
    if std::env::var_os("STEWARD_TZDATA_CHILD").is_some() {
        return due_moment_in_warsaw();
    }
    let tzdir = tempfile::tempdir().unwrap();
    std::fs::create_dir(tzdir.path().join("Europe")).unwrap();
    std::fs::write(tzdir.path().join("Europe/Warsaw"), fake_zone()).unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["due_moments_come_from_the_bundled_database_not_the_systems", "--exact", "--nocapture"])
        .env("STEWARD_TZDATA_CHILD", "1")
        .env("TZDIR", tzdir.path())
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("1 passed"), "{text}");
}
