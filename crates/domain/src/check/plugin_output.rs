//! A Nagios plugin's output and exit, read as the plugin API defines them.
//!
//! ```text
//! TEXT LINE | PERFDATA
//! LONG TEXT LINE 1
//! LONG TEXT LINE 2 | PERFDATA LINE 2
//! PERFDATA LINE 3
//! ```
//!
//! The first line is the status line; a `|` on it starts performance data.
//! The lines after it are long text until one holds a `|`: from there on,
//! everything is performance data.

use super::perfdata::{self, PerfDatum};
use super::status::{Outcome, Status};

/// The parts of a plugin's standard output.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PluginOutput {
    pub message: String,
    pub long_text: String,
    pub perfdata: Vec<PerfDatum>,
}

pub fn parse(output: &str) -> PluginOutput {
    let mut lines = output.lines();
    let first = lines.next().unwrap_or_default();
    let (message, mut perf_text) = match first.split_once('|') {
        Some((text, perf)) => (text.trim(), perf.to_owned()),
        None => (first.trim(), String::new()),
    };
    let mut long = Vec::new();
    let mut in_perf = false;
    for line in lines {
        if in_perf {
            perf_text.push(' ');
            perf_text.push_str(line);
        } else if let Some((text, perf)) = line.split_once('|') {
            long.push(text.trim_end());
            perf_text.push(' ');
            perf_text.push_str(perf);
            in_perf = true;
        } else {
            long.push(line.trim_end());
        }
    }
    while long.last().is_some_and(|l| l.is_empty()) {
        long.pop();
    }
    PluginOutput { message: message.to_owned(), long_text: long.join("\n"), perfdata: perfdata::parse(&perf_text) }
}

/// How a plugin's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It exited with this code.
    Exited(i32),
    /// A signal ended it (its number if known).
    Signalled(Option<i32>),
    /// It ran past the timeout and was killed.
    TimedOut { after_ms: u64 },
    /// It wrote more than the cap and was stopped.
    Flooded { cap: usize },
}

/// One finished run of a plugin: how it ended and what it wrote.
#[derive(Debug, Clone, Copy)]
pub struct PluginRun<'a> {
    pub ending: Ending,
    pub stdout: &'a str,
    /// Only shown when standard output is empty: a plugin that fails to
    /// start (a missing library, a bad option) often says why there.
    pub stderr: &'a str,
    pub latency_ms: u64,
}

/// The outcome of a run: the exit code's status with the parsed output,
/// or unknown with the reason when the run itself went wrong.
pub fn outcome(run: PluginRun<'_>) -> Outcome {
    let out = parse(run.stdout);
    let unknown = |message: String| Outcome::new(Status::Unknown, message, run.latency_ms);
    let said = |prefix: String| {
        if out.message.is_empty() { prefix } else { format!("{prefix}; it said: {}", out.message) }
    };
    let code = match run.ending {
        Ending::Exited(code) => code,
        Ending::TimedOut { after_ms } => return unknown(said(format!("timed out after {after_ms} ms and was killed"))),
        Ending::Flooded { cap } => {
            return unknown(said(format!("wrote more than {cap} bytes of output and was stopped")));
        }
        Ending::Signalled(sig) => {
            let which = sig.map(|s| format!(" {s}")).unwrap_or_default();
            return unknown(said(format!("ended by signal{which}")));
        }
    };
    if out.message.is_empty() && out.long_text.is_empty() {
        let stderr = run.stderr.trim();
        let line = stderr.lines().next().unwrap_or_default().trim();
        let message = if line.is_empty() {
            format!("no output (exit code {code})")
        } else {
            format!("no output (exit code {code}); standard error: {line}")
        };
        return unknown(message);
    }
    let status = Status::from_exit_code(Some(code));
    let message = if (0..=3).contains(&code) {
        out.message
    } else {
        format!("exit code {code} is not a plugin status (0 to 3): {}", out.message)
    };
    Outcome { status, message, long_text: out.long_text, latency_ms: run.latency_ms, perfdata: out.perfdata }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::perfdata::Uom;

    fn exited(code: i32, stdout: &str) -> Outcome {
        outcome(PluginRun { ending: Ending::Exited(code), stdout, stderr: "", latency_ms: 7 })
    }

    #[test]
    fn check_http_s_status_line() {
        let o = exited(
            0,
            "HTTP OK: HTTP/1.1 200 OK - 10863 bytes in 0.002 second response time |time=0.002370s;;;0.000000;10.000000 size=10863B;;;0\n",
        );
        assert_eq!(o.status, Status::Ok);
        assert_eq!(o.message, "HTTP OK: HTTP/1.1 200 OK - 10863 bytes in 0.002 second response time");
        assert_eq!(o.long_text, "");
        assert_eq!(o.perfdata.len(), 2);
        assert_eq!((o.perfdata[1].label.as_str(), o.perfdata[1].value), ("size", Some(10863.0)));
        assert_eq!(o.latency_ms, 7);
    }

    #[test]
    fn check_disk_critical_with_quoted_labels() {
        let o = exited(
            2,
            "DISK CRITICAL - free space: / 1000 MB (5% inode=80%); /boot 200 MB (40% inode=99%);| '/'=18543MB;15634;17588;0;19543 '/boot'=300MB;400;450;0;500\n",
        );
        assert_eq!(o.status, Status::Critical);
        assert_eq!(o.message, "DISK CRITICAL - free space: / 1000 MB (5% inode=80%); /boot 200 MB (40% inode=99%);");
        let labels: Vec<&str> = o.perfdata.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["/", "/boot"]);
        assert_eq!(o.perfdata[0].uom, Uom::Megabytes);
    }

    #[test]
    fn check_load_warning() {
        let o = exited(
            1,
            "WARNING - load average: 4.12, 2.01, 1.00|load1=4.120;4.000;8.000;0; load5=2.010;4.000;8.000;0; load15=1.000;4.000;8.000;0; ",
        );
        assert_eq!((o.status, o.message.as_str()), (Status::Warning, "WARNING - load average: 4.12, 2.01, 1.00"));
        assert_eq!(o.perfdata.iter().map(|p| p.value).collect::<Vec<_>>(), [Some(4.12), Some(2.01), Some(1.0)]);
    }

    #[test]
    fn long_text_and_perfdata_on_later_lines() {
        // The plugin API's own example layout.
        let o = exited(
            1,
            "DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968\n/ 15272 MB (77%);\n/boot 68 MB (69%);\n/home 69357 MB (27%);\n/var/log 819 MB (84%); | /boot=68MB;88;93;0;98\n/home=69357MB;253404;253409;0;253414 \n/var/log=818MB;970;975;0;980\n",
        );
        assert_eq!(o.message, "DISK OK - free space: / 3326 MB (56%);");
        assert_eq!(o.long_text, "/ 15272 MB (77%);\n/boot 68 MB (69%);\n/home 69357 MB (27%);\n/var/log 819 MB (84%);");
        let labels: Vec<&str> = o.perfdata.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["/", "/boot", "/home", "/var/log"]);
    }

    #[test]
    fn exit_codes_outside_the_api_are_unknown() {
        let o = exited(127, "sh: check_foo: not found");
        assert_eq!(o.status, Status::Unknown);
        assert_eq!(o.message, "exit code 127 is not a plugin status (0 to 3): sh: check_foo: not found");
    }

    #[test]
    fn silence_and_broken_runs_are_unknown_with_a_reason() {
        let o = exited(0, "  \n\n");
        assert_eq!((o.status, o.message.as_str()), (Status::Unknown, "no output (exit code 0)"));
        let o = outcome(PluginRun {
            ending: Ending::Exited(3),
            stdout: "",
            stderr: "check_x: bad option -Q\nusage…",
            latency_ms: 1,
        });
        assert_eq!(o.message, "no output (exit code 3); standard error: check_x: bad option -Q");
        let o =
            outcome(PluginRun { ending: Ending::TimedOut { after_ms: 500 }, stdout: "", stderr: "", latency_ms: 500 });
        assert_eq!((o.status, o.message.as_str()), (Status::Unknown, "timed out after 500 ms and was killed"));
        let o = outcome(PluginRun {
            ending: Ending::Flooded { cap: 65536 },
            stdout: "yyyy\nyyyy",
            stderr: "",
            latency_ms: 3,
        });
        assert_eq!(o.message, "wrote more than 65536 bytes of output and was stopped; it said: yyyy");
        assert!(o.perfdata.is_empty());
        let o = outcome(PluginRun { ending: Ending::Signalled(Some(9)), stdout: "", stderr: "", latency_ms: 3 });
        assert_eq!((o.status, o.message.as_str()), (Status::Unknown, "ended by signal 9"));
    }
}
