//! TCP: the target accepts a connection.

use super::{elapsed_ms, timed_out};
use std::time::{Duration, Instant};
use steward_domain::check::definition::TcpCheck;
use steward_domain::check::perfdata::{PerfDatum, Uom};
use steward_domain::check::{Outcome, Status};
use tokio::net::TcpStream;

pub async fn run(check: &TcpCheck, timeout: Duration) -> Outcome {
    let started = Instant::now();
    let target = format!("{}:{}", check.host, check.port);
    let connect = TcpStream::connect((check.host.as_str(), check.port));
    match tokio::time::timeout(timeout, connect).await {
        Err(_) => timed_out(&format!("no connection to {target}"), timeout, started),
        Ok(Err(e)) => Outcome::new(Status::Critical, format!("cannot connect to {target}: {e}"), elapsed_ms(started)),
        Ok(Ok(_stream)) => {
            let ms = elapsed_ms(started);
            let mut out = Outcome::new(Status::Ok, format!("{target} accepted a connection in {ms} ms"), ms);
            out.perfdata.push(PerfDatum {
                label: "time".into(),
                value: Some(ms as f64 / 1000.0),
                uom: Uom::Seconds,
                warn: None,
                crit: None,
                min: None,
                max: None,
            });
            out
        }
    }
}
