//! Durations as a count, a sum and a histogram with fixed buckets: the
//! mean is exact, a percentile is read from the buckets (linear within
//! the one it falls in), and two histograms add up, so a period's
//! percentiles come from its days' histograms.

/// Upper bounds of the buckets, in seconds (the last bucket has none):
/// one minute to ninety days, close enough apart for a service desk's
/// answer and restore times.
const BOUNDS: [i64; 17] = [
    60, 300, 900, 1_800, 3_600, 7_200, 14_400, 28_800, 57_600, 86_400, 172_800, 345_600, 604_800, 1_209_600, 2_592_000,
    5_184_000, 7_776_000,
];

/// How many buckets a histogram has.
pub const BUCKETS: usize = BOUNDS.len() + 1;

/// The bucket a duration of `secs` falls in.
pub fn bucket_of(secs: i64) -> usize {
    BOUNDS.iter().position(|b| secs < *b).unwrap_or(BOUNDS.len())
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Histogram {
    pub n: i64,
    /// Seconds.
    pub sum: i64,
    pub buckets: [i64; BUCKETS],
}

impl Histogram {
    pub fn record(&mut self, secs: i64) {
        self.n += 1;
        self.sum += secs;
        self.buckets[bucket_of(secs)] += 1;
    }

    pub fn add(&mut self, o: &Histogram, sign: i64) {
        self.n += sign * o.n;
        self.sum += sign * o.sum;
        for (a, b) in self.buckets.iter_mut().zip(o.buckets.iter()) {
            *a += sign * b;
        }
    }

    /// The mean in seconds (none without values).
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum as f64 / self.n as f64)
    }

    /// The `p`-th percentile (0–100) in seconds, linear within its bucket;
    /// in the open last bucket, its lower bound.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        if self.n <= 0 {
            return None;
        }
        let rank = (p / 100.0 * self.n as f64).max(1.0);
        let mut seen = 0.0;
        for (i, count) in self.buckets.iter().enumerate() {
            let c = *count as f64;
            if c > 0.0 && seen + c >= rank {
                let lo = if i == 0 { 0.0 } else { BOUNDS[i - 1] as f64 };
                let Some(hi) = BOUNDS.get(i) else { return Some(lo) };
                return Some(lo + (*hi as f64 - lo) * ((rank - seen) / c));
            }
            seen += c;
        }
        Some(BOUNDS[BOUNDS.len() - 1] as f64)
    }
}
