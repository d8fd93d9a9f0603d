//! Nagios plugins, run unchanged: from the configured plugin folder only,
//! by file name, without a shell, in a process group of their own (killed
//! whole on timeout, so a plugin's children die with it), with standard
//! output capped.
//!
//! The environment is cleared but for `PATH` and `LC_ALL=C`: plugins see
//! no secrets of Steward's, and write the English status lines the API
//! describes whatever the server's locale.

use super::{Limits, elapsed_ms};
use std::process::Stdio;
use std::time::{Duration, Instant};
use steward_domain::check::definition::{self, PluginCheck};
use steward_domain::check::plugin_output::{self, Ending, PluginRun};
use steward_domain::check::{Outcome, Status};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;

/// Standard error kept to explain a silent plugin.
const STDERR_CAP: usize = 4096;

pub async fn run(check: &PluginCheck, limits: &Limits, timeout: Duration) -> Outcome {
    let started = Instant::now();
    let unknown = |m: String| Outcome::new(Status::Unknown, m, elapsed_ms(started));
    let Some(dir) = &limits.plugin_dir else {
        return unknown("plugin checks are off: no plugin folder is configured".into());
    };
    if let Err(m) = definition::plugin_file(&check.file) {
        return unknown(format!("plugin file {:?} {m}", check.file));
    }
    let path = dir.join(&check.file);
    match tokio::fs::metadata(&path).await {
        Ok(m) if m.is_file() => {}
        Ok(_) => return unknown(format!("{} is not a file", path.display())),
        Err(e) => return unknown(format!("no plugin {:?} in {}: {e}", check.file, dir.display())),
    }
    let mut child = match Command::new(&path)
        .args(&check.args)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("LC_ALL", "C")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return unknown(format!("cannot run {}: {e}", path.display())),
    };
    let group = child.id().and_then(|id| rustix::process::Pid::from_raw(id as i32));
    let kill_group = || {
        if let Some(pid) = group {
            // Already gone is fine: there is nothing left to stop.
            let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
        }
    };
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        kill_group();
        return unknown("the plugin's output could not be captured".into());
    };
    let cap = limits.plugin_output_cap;
    // Standard error is read alongside, so a plugin that fills it does not
    // block; it ends when the process (group) does.
    let err_task = tokio::spawn(read_capped(stderr, STDERR_CAP, true));
    let work = async {
        let (out, flooded) = read_capped(stdout, cap, false).await;
        if flooded {
            kill_group();
            let _ = child.wait().await;
            return (Ending::Flooded { cap }, out);
        }
        let ending = match child.wait().await {
            Ok(status) => match status.code() {
                Some(code) => Ending::Exited(code),
                None => Ending::Signalled(std::os::unix::process::ExitStatusExt::signal(&status)),
            },
            Err(_) => Ending::Signalled(None),
        };
        (ending, out)
    };
    let (ending, out) = match tokio::time::timeout(timeout, work).await {
        Ok(done) => done,
        Err(_) => {
            kill_group();
            (Ending::TimedOut { after_ms: timeout.as_millis() as u64 }, Vec::new())
        }
    };
    // Killed or finished, the group's pipes close at once; the bound is for
    // a grandchild that escaped the group and holds standard error open.
    let err = match tokio::time::timeout(Duration::from_millis(200), err_task).await {
        Ok(Ok((err, _))) => err,
        _ => Vec::new(),
    };
    let stdout = String::from_utf8_lossy(&out);
    let stderr = String::from_utf8_lossy(&err);
    plugin_output::outcome(PluginRun { ending, stdout: &stdout, stderr: &stderr, latency_ms: elapsed_ms(started) })
}

/// Reads up to `cap` bytes; `true` when there was more. With `drain` the
/// rest is read and dropped (so the writer never blocks), otherwise left
/// unread. Either way it ends with the pipe, which the caller's kill on
/// timeout guarantees.
async fn read_capped(mut r: impl AsyncRead + Unpin, cap: usize, drain: bool) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut more = false;
    let mut buf = [0u8; 8192];
    loop {
        match r.read(&mut buf).await {
            Ok(0) | Err(_) => return (out, more),
            Ok(n) => {
                let room = cap - out.len();
                out.extend_from_slice(&buf[..n.min(room)]);
                if n > room {
                    more = true;
                    if !drain {
                        return (out, more);
                    }
                }
            }
        }
    }
}
