//! Replays every kept fuzz input (`fuzz/corpus/<target>/*`: the seeds and
//! what fuzzing found, minimised) through its target's entry point in
//! `steward_web::fuzz_entry`, the code the fuzzer runs: none may panic,
//! each must finish well under a second, and the whole replay must stay
//! within a bounded amount of memory. `scripts/fuzz.sh` adds to the corpora.
//!
//! The whole binary is test code, so `unwrap` is fine.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    path::{Path, PathBuf},
    sync::mpsc,
    time::{Duration, Instant},
};
use steward_web::fuzz_entry::TARGETS;

/// An input slower than this is a failure (the fuzzer's own timeout is
/// larger: it runs optimised builds and only reports hangs).
const PER_INPUT: Duration = Duration::from_secs(1);
/// The replay's peak resident memory, where the system tells it.
const MAX_RSS_MB: u64 = 1024;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus")
}

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = corpus().join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// The peak resident set of this process in MiB (Linux).
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// Runs one target over its corpus in a thread of its own, so that a hang
/// fails the test (naming the input) instead of stalling CI.
fn replay(name: &'static str, entry: fn(&[u8])) -> Result<(usize, Duration), String> {
    let files = inputs(name);
    if files.is_empty() {
        return Err(format!("{name}: no corpus"));
    }
    let count = files.len();
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            for path in files {
                let data = std::fs::read(&path).unwrap();
                tx.send(Started(path.clone())).unwrap();
                let t = Instant::now();
                let outcome = std::panic::catch_unwind(|| entry(&data));
                tx.send(Finished(path, t.elapsed(), outcome.is_err())).unwrap();
            }
        })
        .unwrap();
    enum Msg {
        Started(PathBuf),
        Finished(PathBuf, Duration, bool),
    }
    use Msg::*;
    let mut failures = Vec::new();
    let mut slowest = Duration::ZERO;
    let mut current = None;
    loop {
        match rx.recv_timeout(PER_INPUT * 10) {
            Ok(Started(p)) => current = Some(p),
            Ok(Finished(p, took, panicked)) => {
                current = None;
                slowest = slowest.max(took);
                if panicked {
                    failures.push(format!("{name}: {} panicked", p.display()));
                } else if took > PER_INPUT {
                    failures.push(format!("{name}: {} took {took:?}", p.display()));
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let p = current.map(|p| p.display().to_string()).unwrap_or_default();
                failures.push(format!("{name}: {p} did not finish in {:?}", PER_INPUT * 10));
                break;
            }
        }
    }
    if failures.is_empty() { Ok((count, slowest)) } else { Err(failures.join("\n")) }
}

#[test]
fn every_kept_fuzz_input_is_answered_quickly_without_a_panic() {
    let on_disk: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    for dir in &on_disk {
        assert!(TARGETS.iter().any(|(n, _)| n == dir), "fuzz/corpus/{dir} belongs to no target");
    }
    let mut failures = Vec::new();
    for (name, entry) in TARGETS {
        match replay(name, *entry) {
            Ok((count, slowest)) => println!("{name}: {count} inputs, slowest {slowest:?}"),
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    if let Some(mb) = peak_rss_mb() {
        println!("peak memory: {mb} MiB");
        assert!(mb < MAX_RSS_MB, "the replay peaked at {mb} MiB");
    }
}
