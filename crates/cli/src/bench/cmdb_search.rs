//! `steward bench cmdb`'s CI search: `GET /api/v1/search?kind=ci` over the
//! estate the benchmark loaded, per class of query: a rare word (the
//! number in one CI's name: exactly that CI must come back), a word most
//! CIs share (a page of them), and an identifier typed exactly (hostname,
//! serial number or UUID: its CI must come first). p50 and p95 per class
//! against the search target.

use super::{cmdb::Rnd, load_average, ms, percentile};
use anyhow::{Result, bail};
use serde_json::Value;
use std::time::{Duration, Instant};

/// The search box's target, as `bench search` holds records to.
const TARGET_MS: f64 = 50.0;

/// What a query must find: the CI first, or (with `all`) only it; or at
/// least a page of CIs.
enum Expect {
    First(String),
    Only(String),
    Page,
}

/// Times each class `requests` times (after 5 to warm up, all within
/// `deadline`); `layers` are the estate's (services, applications, VMs,
/// hypervisors) as indexes into the items. Fails when a search misses
/// what it must find.
pub async fn time_ci_search(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    layers: [(usize, usize); 4],
    requests: usize,
    rnd: &mut Rnd,
    deadline: Instant,
) -> Result<usize> {
    let [_, _, vm, hv] = layers;
    let machine = |rnd: &mut Rnd| {
        let i = vm.0 + rnd.below(hv.1 - vm.0);
        (i, if i < vm.1 { "vm" } else { "hv" })
    };
    let mut rare = Vec::new();
    let mut exact = Vec::new();
    for k in 0..requests.min(100) {
        let (i, prefix) = machine(rnd);
        let name = format!("{prefix}-{i:06}");
        rare.push((format!("{i:06} "), Expect::Only(name.clone())));
        let id = match (k % 3, prefix) {
            (0, _) => name.clone(),
            (1, "vm") => format!("bench-{i:012}"),
            (1, _) => format!("SN{i:09}"),
            _ => name.to_uppercase(),
        };
        exact.push((id, Expect::First(name)));
    }
    // "vm" and "debian" are in half the CIs, "hv" in two in five.
    let common = ["vm ", "debian ", "hv ", "kvm "].map(|w| (w.to_owned(), Expect::Page)).into_iter().collect();
    let mut over = 0;
    for (class, queries) in [("a rare word", rare), ("a common word", common), ("an exact identifier", exact)] {
        let mut times = Vec::with_capacity(requests);
        for k in 0..requests + 5 {
            if Instant::now() > deadline {
                break;
            }
            let (q, expect) = &queries[k % queries.len()];
            let t = Instant::now();
            let r = client
                .get(format!("{base}/api/v1/search"))
                .query(&[("q", q.as_str()), ("kind", "ci")])
                .bearer_auth(token)
                .send()
                .await?;
            let status = r.status();
            let body: Value = r.json().await?;
            let took = t.elapsed();
            if status != 200 {
                bail!("CI search {q:?} answered {status}: {body}");
            }
            check(q, expect, &body)?;
            if k >= 5 {
                times.push(took);
            }
        }
        times.sort();
        let p95 = percentile(&times, 0.95);
        let miss = p95 > Duration::from_secs_f64(TARGET_MS / 1000.0);
        over += usize::from(miss);
        println!(
            "cmdb: CI search, {class} (e.g. {:?}): p50 {} p95 {} over {} requests (target {TARGET_MS} ms; load average {}){}",
            queries[0].0,
            ms(percentile(&times, 0.5)),
            ms(p95),
            times.len(),
            load_average(),
            if miss { "  OVER" } else { "" }
        );
    }
    Ok(over)
}

/// The search found what `expect` says, or the benchmark fails.
fn check(q: &str, expect: &Expect, body: &Value) -> Result<()> {
    let names: Vec<&str> =
        body["cis"].as_array().map(|a| a.iter().filter_map(|c| c["name"].as_str()).collect()).unwrap_or_default();
    let ok = match expect {
        Expect::First(name) => names.first() == Some(&name.as_str()),
        Expect::Only(name) => names == [name.as_str()],
        Expect::Page => names.len() == 20,
    };
    if !ok {
        bail!("CI search {q:?} found {names:?}");
    }
    Ok(())
}
