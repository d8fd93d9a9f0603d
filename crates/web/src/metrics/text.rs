//! The Prometheus text exposition format (version 0.0.4): each family's
//! `# HELP` and `# TYPE`, then its samples; label values escaped.

use std::fmt::Write;

pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Default)]
pub struct Exposition {
    out: String,
}

impl Exposition {
    /// Starts a family: `kind` is `counter`, `gauge` or `histogram`.
    pub fn family(&mut self, name: &str, kind: &str, help: &str) -> &mut Self {
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(self.out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        self
    }

    /// One sample of the family just started.
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) -> &mut Self {
        self.out.push_str(name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{k}=\"{}\"", escape(v));
            }
            self.out.push('}');
        }
        let _ = writeln!(self.out, " {}", number(value));
        self
    }

    /// A histogram's samples: cumulative `(upper bound, count)` buckets,
    /// then `+Inf`, the sum and the count.
    pub fn histogram(&mut self, name: &str, labels: &[(&str, &str)], le: &[(f64, u64)], sum: f64, count: u64) {
        let bucket = format!("{name}_bucket");
        let bounds: Vec<String> = le.iter().map(|(b, _)| number(*b)).collect();
        for ((_, n), bound) in le.iter().zip(&bounds) {
            let mut with = labels.to_vec();
            with.push(("le", bound));
            self.sample(&bucket, &with, *n as f64);
        }
        let mut with = labels.to_vec();
        with.push(("le", "+Inf"));
        self.sample(&bucket, &with, count as f64);
        self.sample(&format!("{name}_sum"), labels, sum);
        self.sample(&format!("{name}_count"), labels, count as f64);
    }

    pub fn finish(self) -> String {
        self.out
    }
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Whole numbers without a fraction, others as Rust prints them (which
/// Prometheus reads: `0.005`, `1e-7`).
fn number(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_samples_and_histograms() {
        let mut e = Exposition::default();
        e.family("steward_x", "gauge", "A \\ help\nline.").sample("steward_x", &[("a", "q\"\\\n")], 2.5);
        e.family("steward_h_seconds", "histogram", "H.");
        e.histogram("steward_h_seconds", &[("route", "/r")], &[(0.005, 1), (1.0, 3)], 1.25, 4);
        assert_eq!(
            e.finish(),
            "# HELP steward_x A \\\\ help\\nline.\n# TYPE steward_x gauge\nsteward_x{a=\"q\\\"\\\\\\n\"} 2.5\n\
             # HELP steward_h_seconds H.\n# TYPE steward_h_seconds histogram\n\
             steward_h_seconds_bucket{route=\"/r\",le=\"0.005\"} 1\nsteward_h_seconds_bucket{route=\"/r\",le=\"1\"} 3\n\
             steward_h_seconds_bucket{route=\"/r\",le=\"+Inf\"} 4\nsteward_h_seconds_sum{route=\"/r\"} 1.25\n\
             steward_h_seconds_count{route=\"/r\"} 4\n"
        );
    }
}
