//! When in its interval a check runs, so thousands of checks with the same
//! interval do not all fire in the same second.
//!
//! Each check's offset within its interval comes from a stable hash of its
//! id (FNV-1a, then a 64-bit mix so neighbouring ids land far apart): the
//! same id gets the same slot on every node and after every restart, and
//! ids spread evenly over the interval.

use std::time::Duration;

/// The check's offset in `[0, interval)`, to the millisecond.
pub fn offset(id: &str, interval: Duration) -> Duration {
    let period = interval.as_millis().max(1) as u64;
    Duration::from_millis(mix(fnv1a(id.as_bytes())) % period)
}

/// The first run at or after `now_ms` (milliseconds since the epoch) on
/// the check's grid: `offset + k · interval`.
pub fn next_run(id: &str, interval: Duration, now_ms: i64) -> i64 {
    let period = interval.as_millis().max(1) as i64;
    let offset = offset(id, interval).as_millis() as i64;
    let k = (now_ms - offset).div_euclid(period);
    let at = offset + k * period;
    if at < now_ms { at + period } else { at }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// splitmix64's finaliser: FNV's low bits follow the last bytes closely.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn offsets_are_stable_and_inside_the_interval() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c, "FNV-1a 64's published value");
        assert_eq!(offset("check-42", MINUTE), offset("check-42", MINUTE));
        assert!(offset("check-42", MINUTE) < MINUTE);
        assert_eq!(offset("x", Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn five_thousand_checks_spread_over_a_minute() {
        let mut per_second = [0u32; 60];
        for i in 0..5000 {
            per_second[offset(&i.to_string(), MINUTE).as_secs() as usize] += 1;
        }
        // 83 a second on average; a fair spread stays well within 2x.
        let (min, max) = (per_second.iter().min().unwrap(), per_second.iter().max().unwrap());
        assert!(*min >= 50 && *max <= 125, "min {min}, max {max}: {per_second:?}");
    }

    #[test]
    fn next_run_is_on_the_grid() {
        let id = "web-1";
        let off = offset(id, MINUTE).as_millis() as i64;
        assert_eq!(next_run(id, MINUTE, 0), off);
        assert_eq!(next_run(id, MINUTE, off), off);
        assert_eq!(next_run(id, MINUTE, off + 1), off + 60_000);
        assert_eq!(next_run(id, MINUTE, 1_700_000_000_000) % 60_000, off);
    }

    proptest! {
        #[test]
        fn next_run_is_the_first_slot_not_before_now(id in ".{0,20}", secs in 1u64..86_400, now in -1_000_000_000_000i64..4_000_000_000_000) {
            let interval = Duration::from_secs(secs);
            let at = next_run(&id, interval, now);
            let period = (secs * 1000) as i64;
            prop_assert!(at >= now && at - now < period);
            prop_assert_eq!((at - offset(&id, interval).as_millis() as i64).rem_euclid(period), 0);
        }
    }
}
