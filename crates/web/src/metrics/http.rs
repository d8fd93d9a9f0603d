//! Request latencies by route (the route's template, e.g.
//! `/api/v1/incidents/{id}`, so the label set stays bounded), method and
//! status, kept in memory per node since it started.

use axum::http::Method;
use std::{collections::BTreeMap, sync::Mutex, time::Duration};

/// Upper bounds in seconds: 1 ms to 10 s.
pub const BOUNDS: [f64; 13] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// A request the router matched to no route (so a scan of odd paths adds
/// one series, not one per path).
pub const UNMATCHED: &str = "unmatched";

#[derive(Debug, Clone, Default)]
struct Series {
    /// Per bound, requests no slower (not cumulative).
    buckets: [u64; BOUNDS.len()],
    count: u64,
    sum: f64,
}

type Key = (String, &'static str, u16);

#[derive(Debug, Default)]
pub struct HttpMetrics {
    series: Mutex<BTreeMap<Key, Series>>,
}

/// One series as read: route, method, status, cumulative buckets, sum, count.
pub struct Reading {
    pub route: String,
    pub method: &'static str,
    pub status: u16,
    pub le: Vec<(f64, u64)>,
    pub sum: f64,
    pub count: u64,
}

impl HttpMetrics {
    pub fn record(&self, route: Option<&str>, method: &Method, status: u16, took: Duration) {
        let secs = took.as_secs_f64();
        let method = method_name(method);
        let Ok(mut series) = self.series.lock() else { return };
        let key = (route.unwrap_or(UNMATCHED).to_owned(), method, status);
        let s = series.entry(key).or_default();
        if let Some(i) = BOUNDS.iter().position(|b| secs <= *b) {
            s.buckets[i] += 1;
        }
        s.count += 1;
        s.sum += secs;
    }

    pub fn read(&self) -> Vec<Reading> {
        let Ok(series) = self.series.lock() else { return Vec::new() };
        series
            .iter()
            .map(|((route, method, status), s)| {
                let mut sum = 0;
                let le = BOUNDS
                    .iter()
                    .zip(s.buckets)
                    .map(|(b, n)| {
                        sum += n;
                        (*b, sum)
                    })
                    .collect();
                Reading { route: route.clone(), method, status: *status, le, sum: s.sum, count: s.count }
            })
            .collect()
    }
}

/// The standard methods by name; any other counts as `OTHER`.
fn method_name(m: &Method) -> &'static str {
    const KNOWN: [(Method, &str); 9] = [
        (Method::GET, "GET"),
        (Method::HEAD, "HEAD"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::PATCH, "PATCH"),
        (Method::DELETE, "DELETE"),
        (Method::OPTIONS, "OPTIONS"),
        (Method::CONNECT, "CONNECT"),
        (Method::TRACE, "TRACE"),
    ];
    KNOWN.iter().find(|(k, _)| k == m).map_or("OTHER", |(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_fall_into_buckets_by_route_method_and_status() {
        let m = HttpMetrics::default();
        m.record(Some("/a/{id}"), &Method::GET, 200, Duration::from_millis(3));
        m.record(Some("/a/{id}"), &Method::GET, 200, Duration::from_millis(30));
        m.record(None, &Method::from_bytes(b"BREW").unwrap(), 404, Duration::from_secs(60));
        let r = m.read();
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].route.as_str(), r[0].method, r[0].status, r[0].count), ("/a/{id}", "GET", 200, 2));
        // 3 ms is within 5 ms, 30 ms within 50 ms: cumulative.
        let at = |b: f64| r[0].le.iter().find(|(x, _)| *x == b).map(|(_, n)| *n);
        assert_eq!(
            (at(0.0025), at(0.005), at(0.025), at(0.05), at(10.0)),
            (Some(0), Some(1), Some(1), Some(2), Some(2))
        );
        assert!((r[0].sum - 0.033).abs() < 1e-9);
        // Slower than every bound: only in +Inf (the count).
        assert_eq!(
            (r[1].route.as_str(), r[1].method, r[1].le.last().map(|l| l.1), r[1].count),
            (UNMATCHED, "OTHER", Some(0), 1)
        );
    }
}
