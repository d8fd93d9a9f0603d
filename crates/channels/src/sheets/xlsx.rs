//! One XLSX sheet written row by row (rust_xlsxwriter in its constant
//! memory mode: rows go to a temporary file as they come, not into a
//! table in memory).

use super::{Cell, XLSX_MAX_ROWS};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError as Inner};

#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    /// More rows than a sheet holds.
    #[error("an XLSX sheet holds at most {XLSX_MAX_ROWS} rows")]
    Full,
    #[error("writing the XLSX file failed: {0}")]
    Write(#[from] Inner),
}

pub struct Xlsx {
    book: Workbook,
    time: Format,
    /// The next row to write (0 is the header).
    pub(super) row: u32,
    columns: u16,
}

impl Xlsx {
    /// A workbook with one sheet named `sheet`, its header row bold and
    /// frozen.
    pub fn new(sheet: &str, columns: &[&str]) -> Result<Xlsx, XlsxError> {
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let s = book.add_worksheet_with_constant_memory()?;
        s.set_name(sheet)?;
        for (i, c) in columns.iter().enumerate() {
            s.write_string_with_format(0, i as u16, *c, &bold)?;
        }
        s.set_freeze_panes(1, 0)?;
        // Wide enough for a number, a date or a short name.
        if !columns.is_empty() {
            s.set_column_range_width(0, columns.len() as u16 - 1, 16.0)?;
        }
        let time = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
        Ok(Xlsx { book, time, row: 1, columns: columns.len() as u16 })
    }

    /// Writes one row; [`XlsxError::Full`] once the sheet is full.
    pub fn push(&mut self, cells: &[Cell]) -> Result<(), XlsxError> {
        if self.row as usize > XLSX_MAX_ROWS {
            return Err(XlsxError::Full);
        }
        let s = self.book.worksheet_from_index(0)?;
        for (i, cell) in cells.iter().enumerate().take(usize::from(self.columns)) {
            let col = i as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(t) => {
                    s.write_string(self.row, col, t)?;
                }
                Cell::Int(n) => {
                    s.write_number(self.row, col, *n as f64)?;
                }
                Cell::Number(x) => {
                    s.write_number(self.row, col, *x)?;
                }
                Cell::Time(at) => {
                    let secs = at.div_euclid(1_000_000);
                    match ExcelDateTime::from_timestamp(secs) {
                        Ok(t) => s.write_datetime_with_format(self.row, col, &t, &self.time)?,
                        Err(_) => s.write_string(self.row, col, super::rfc3339(*at))?,
                    };
                }
            }
        }
        self.row += 1;
        Ok(())
    }

    /// Rows written below the header.
    pub fn rows(&self) -> usize {
        self.row as usize - 1
    }

    /// The file's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        Ok(self.book.save_to_buffer()?)
    }
}
