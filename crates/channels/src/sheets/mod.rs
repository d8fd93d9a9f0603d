//! Tables out to spreadsheets and BI tools: rows of typed cells as CSV
//! (RFC 4180, written page by page so an export of any size streams in
//! flat memory) and as XLSX (one sheet, real numbers and times, at most
//! [`XLSX_MAX_ROWS`] rows: beyond, CSV only).
//!
//! Text that a spreadsheet would run as a formula is guarded in CSV (a `'`
//! in front, as the CMDB's export does); XLSX cells are written as text,
//! which a spreadsheet never runs.

mod xlsx;

pub use xlsx::{Xlsx, XlsxError};

use crate::cmdb_files::{csv_line, guard};

/// The rows an XLSX sheet holds below its header row (1,048,576 in all).
pub const XLSX_MAX_ROWS: usize = 1_048_575;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// A measure: a rate, hours (finite; an empty cell otherwise).
    Number(f64),
    /// A moment in microseconds since the epoch, written in UTC.
    Time(i64),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    /// Text, or an empty cell when there is none.
    pub fn opt(s: Option<&str>) -> Cell {
        s.map_or(Cell::Empty, Cell::text)
    }
    /// A figure, or an empty cell when there is none (nothing measured).
    pub fn number(x: Option<f64>) -> Cell {
        x.filter(|x| x.is_finite()).map_or(Cell::Empty, Cell::Number)
    }
    /// A moment, or an empty cell.
    pub fn time(at: Option<i64>) -> Cell {
        at.map_or(Cell::Empty, Cell::Time)
    }

    /// As CSV text: moments as RFC 3339 in UTC to the second.
    fn csv(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => guard(s).into_owned(),
            Cell::Int(n) => n.to_string(),
            Cell::Number(x) => x.to_string(),
            Cell::Time(at) => rfc3339(*at),
        }
    }
}

/// A moment (microseconds) as `2026-12-06T17:32:00Z`.
pub fn rfc3339(at_us: i64) -> String {
    let secs = at_us.div_euclid(1_000_000);
    jiff::Timestamp::from_second(secs).map_or_else(|_| String::new(), |t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// The header line of a CSV.
pub fn csv_header(columns: &[&str]) -> String {
    let mut out = String::new();
    csv_line(&mut out, columns.iter().map(|c| guard(c).into_owned()));
    out
}

/// Appends rows to a CSV being written.
pub fn csv_rows<'a>(out: &mut String, rows: impl IntoIterator<Item = &'a [Cell]>) {
    for row in rows {
        csv_line(out, row.iter().map(Cell::csv));
    }
}

#[cfg(test)]
mod tests;
