//! Impact × urgency → priority, as ITIL draws it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How widely an incident hurts the business: 1 high, 2 medium, 3 low.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Impact(u8);

/// How soon the business needs it fixed: 1 high, 2 medium, 3 low.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Urgency(u8);

/// P1 (critical) … P5 (planning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Priority(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be one of {allowed}")]
pub struct LevelError {
    pub allowed: &'static str,
    pub code: crate::code::Code,
}

impl From<LevelError> for crate::code::Message {
    fn from(e: LevelError) -> Self {
        e.code.msg(e.to_string())
    }
}

macro_rules! level {
    ($t:ident, $max:expr, $allowed:expr, $code:ident) => {
        impl $t {
            pub const MAX: u8 = $max;
            pub fn new(v: i64) -> Result<Self, LevelError> {
                if (1..=i64::from($max)).contains(&v) {
                    Ok(Self(v as u8))
                } else {
                    Err(LevelError { allowed: $allowed, code: crate::code::Code::$code })
                }
            }
            pub fn get(self) -> u8 {
                self.0
            }
            pub fn all() -> impl Iterator<Item = Self> {
                (1..=$max).map(Self)
            }
        }
        impl TryFrom<i64> for $t {
            type Error = LevelError;
            fn try_from(v: i64) -> Result<Self, LevelError> {
                Self::new(v)
            }
        }
        impl From<$t> for i64 {
            fn from(v: $t) -> i64 {
                i64::from(v.0)
            }
        }
    };
}
level!(Impact, 3, "1 (high), 2 (medium), 3 (low)", Level);
level!(Urgency, 3, "1 (high), 2 (medium), 3 (low)", Level);
level!(Priority, 5, "1, 2, 3, 4, 5", PriorityLevel);

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P{}", self.0)
    }
}

/// The impact × urgency table; `cells[impact-1][urgency-1]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorityMatrix {
    cells: [[Priority; 3]; 3],
}

impl Default for PriorityMatrix {
    /// ITIL's default: high/high is P1, low/low is P5, each step down one.
    fn default() -> Self {
        let p = |v| Priority(v);
        Self { cells: [[p(1), p(2), p(3)], [p(2), p(3), p(4)], [p(3), p(4), p(5)]] }
    }
}

impl PriorityMatrix {
    /// Builds a matrix from rows of priorities (impact rows, urgency columns).
    pub fn from_rows(rows: [[i64; 3]; 3]) -> Result<Self, LevelError> {
        let mut cells = [[Priority(1); 3]; 3];
        for (i, row) in rows.iter().enumerate() {
            for (j, v) in row.iter().enumerate() {
                cells[i][j] = Priority::new(*v)?;
            }
        }
        Ok(Self { cells })
    }

    pub fn priority(&self, impact: Impact, urgency: Urgency) -> Priority {
        self.cells[usize::from(impact.0 - 1)][usize::from(urgency.0 - 1)]
    }

    pub fn rows(&self) -> [[i64; 3]; 3] {
        self.cells.map(|r| r.map(i64::from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn itil_default_matrix() {
        let m = PriorityMatrix::default();
        let expected = [[1, 2, 3], [2, 3, 4], [3, 4, 5]];
        for i in Impact::all() {
            for u in Urgency::all() {
                let want = expected[usize::from(i.get() - 1)][usize::from(u.get() - 1)];
                assert_eq!(i64::from(m.priority(i, u)), want, "impact {i:?} urgency {u:?}");
            }
        }
    }

    #[test]
    fn custom_matrix_is_used() {
        let m = PriorityMatrix::from_rows([[1, 1, 2], [2, 3, 3], [4, 5, 5]]).unwrap();
        assert_eq!(m.priority(Impact::new(1).unwrap(), Urgency::new(2).unwrap()), Priority::new(1).unwrap());
        assert_eq!(m.priority(Impact::new(3).unwrap(), Urgency::new(1).unwrap()), Priority::new(4).unwrap());
        assert_eq!(m.rows(), [[1, 1, 2], [2, 3, 3], [4, 5, 5]]);
    }

    #[test]
    fn levels_reject_out_of_range() {
        for bad in [0, 4, -1, 100] {
            assert!(Impact::new(bad).is_err());
            assert!(Urgency::new(bad).is_err());
        }
        assert!(Priority::new(6).is_err());
        assert!(PriorityMatrix::from_rows([[1, 2, 3], [2, 3, 4], [3, 4, 9]]).is_err());
        assert_eq!(Priority::new(2).unwrap().to_string(), "P2");
    }

    proptest::proptest! {
        /// Raising impact or urgency never lowers the priority in the default matrix.
        #[test]
        fn default_matrix_is_monotonic(i in 1i64..=3, u in 1i64..=3) {
            let m = PriorityMatrix::default();
            let p = m.priority(Impact::new(i).unwrap(), Urgency::new(u).unwrap());
            if i > 1 {
                proptest::prop_assert!(m.priority(Impact::new(i - 1).unwrap(), Urgency::new(u).unwrap()) <= p);
            }
            if u > 1 {
                proptest::prop_assert!(m.priority(Impact::new(i).unwrap(), Urgency::new(u - 1).unwrap()) <= p);
            }
        }
    }
}
