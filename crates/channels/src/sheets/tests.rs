use super::*;

#[test]
fn csv_quotes_guards_and_writes_times_in_utc() {
    let mut out = csv_header(&["number", "title", "opened_at", "priority"]);
    let rows = [
        vec![Cell::text("INC0000001"), Cell::text("Mail, \"down\""), Cell::Time(1_772_409_600_123_456), Cell::Int(1)],
        vec![Cell::text("INC0000002"), Cell::text("=HYPERLINK(\"x\")"), Cell::Empty, Cell::Int(5)],
    ];
    csv_rows(&mut out, rows.iter().map(Vec::as_slice));
    assert_eq!(
        out,
        "number,title,opened_at,priority\r\nINC0000001,\"Mail, \"\"down\"\"\",2026-03-02T00:00:00Z,1\r\n\
         INC0000002,\"'=HYPERLINK(\"\"x\"\")\",,5\r\n"
    );
}

#[test]
fn an_xlsx_sheet_takes_rows_until_it_is_full() {
    let mut x = Xlsx::new("Incidents", &["number", "opened_at"]).unwrap();
    x.push(&[Cell::text("INC0000001"), Cell::Time(1_772_409_600_000_000)]).unwrap();
    assert_eq!(x.rows(), 1);
    let bytes = x.finish().unwrap();
    // A zip archive (the workbook's parts).
    assert_eq!(&bytes[..2], b"PK");
    let mut full = Xlsx::new("Incidents", &["n"]).unwrap();
    full.row = (XLSX_MAX_ROWS + 1) as u32;
    assert!(matches!(full.push(&[Cell::Int(1)]), Err(XlsxError::Full)));
}

#[test]
fn figures_are_numbers_and_nothing_measured_is_empty() {
    let mut out = String::new();
    let rows = [vec![Cell::number(Some(0.875)), Cell::number(None), Cell::number(Some(f64::NAN)), Cell::Number(12.5)]];
    csv_rows(&mut out, rows.iter().map(Vec::as_slice));
    assert_eq!(out, "0.875,,,12.5\r\n");
}
