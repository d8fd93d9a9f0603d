//! Due-moment throughput on one core:
//! `cargo run --release -p steward-domain --example due_bench [iterations]`.

use std::time::Instant;
use steward_domain::calendar::{Calendar, CalendarSpec, Interval, WeekHours, poland_holidays};

fn main() {
    let iterations = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(5_000_000);
    // What a first request pays: compiling and building ten years of tables.
    let began = Instant::now();
    let spec = CalendarSpec {
        time_zone: "Europe/Warsaw".to_owned(),
        week: WeekHours::weekdays(&[Interval::new("08:00", "12:00"), Interval::new("12:30", "16:30")]),
        holidays: poland_holidays(),
    };
    if let Ok(cal) = Calendar::compile(&spec) {
        let compiled = began.elapsed();
        let (from, to) = ("2026-01-01T00:00:00Z".parse(), "2036-01-01T00:00:00Z".parse());
        if let (Ok(from), Ok(to)) = (from, to) {
            let hours = cal.working_between(from, to).as_hours();
            println!("compile {compiled:?}, ten year tables {:?} ({hours} working hours)", began.elapsed() - compiled);
        }
    }
    match steward_domain::calendar::bench_due_moments(iterations) {
        Ok(b) => println!(
            "{} due moments in {:.3} s: {:.0} per second ({:.0} ns each)",
            b.computations,
            b.elapsed.as_secs_f64(),
            b.rate(),
            b.elapsed.as_nanos() as f64 / b.computations.max(1) as f64
        ),
        Err(problems) => {
            for p in problems {
                eprintln!("{p}");
            }
            std::process::exit(1);
        }
    }
}
