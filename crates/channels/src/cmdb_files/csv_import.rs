//! Reading a CSV file into checked CI drafts.

use std::collections::HashMap;

use csv::StringRecord;
use steward_domain::cmdb::{AttrType, CiDraft, CiStatus, Criticality, PortfolioStatus, Problem, Schema, is_service};

use super::cell::{convert, unguard};
use super::{Extra, FileError, Mapping, Row, Target};
use steward_domain::code::Code;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The file's column names (trimmed), e.g. to offer a mapping for them.
pub fn read_headers(bytes: &[u8]) -> Result<Vec<String>, FileError> {
    headers(&mut reader(text(bytes)?)?)
}

/// Reads every data row of a CSV file and checks it against `schema`.
///
/// `class_of` tells the class of the CI with an id (`None`: no such CI), for
/// reference attributes. File-level problems (see [`FileError`]) stop the
/// import; a row's own problems are in its [`Row::result`]. Rows are not
/// checked against each other (two rows for one CI) nor against the
/// database: that is reconciliation, the caller's job.
pub fn read_csv(
    bytes: &[u8],
    mapping: &Mapping,
    schema: &Schema,
    class_of: &dyn Fn(i64) -> Option<String>,
    max_rows: usize,
) -> Result<Vec<Row>, FileError> {
    let text = text(bytes)?;
    let mut reader = reader(text)?;
    let headers = headers(&mut reader)?;
    let mut lines = Lines { text: text.as_bytes(), at: 0, line: 1 };
    let plan = Plan::new(&headers, mapping, schema)?;
    let mut classes = Classes { schema, seen: HashMap::new() };
    let mut record = StringRecord::new();
    let mut rows = Vec::new();
    while reader.read_record(&mut record).map_err(malformed)? {
        let line = lines.of(record.position().map_or(0, |p| p.byte() as usize));
        if record.len() != headers.len() {
            return Err(FileError::FieldCount { line, expected: headers.len(), found: record.len() });
        }
        if rows.len() == max_rows {
            return Err(FileError::TooManyRows { limit: max_rows });
        }
        let (name, result, extra) = plan.row(&record, &mut classes, class_of);
        rows.push(Row { line, name, result, extra });
    }
    if rows.is_empty() {
        return Err(FileError::NoRows);
    }
    Ok(rows)
}

/// The text without a UTF-8 byte order mark (Excel writes one).
fn text(bytes: &[u8]) -> Result<&str, FileError> {
    let (skip, body) = match bytes.strip_prefix(BOM) {
        Some(rest) => (BOM.len(), rest),
        None => (0, bytes),
    };
    std::str::from_utf8(body).map_err(|e| {
        let at = e.valid_up_to();
        let line = body[..at].iter().filter(|b| **b == b'\n').count() + 1;
        FileError::NotUtf8 { offset: at + skip, line }
    })
}

/// A reader that leaves the header to us and lets us name a short row's line
/// (the crate's own check would not say which header it was measured by).
fn reader(text: &str) -> Result<csv::Reader<&[u8]>, FileError> {
    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    Ok(csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes()))
}

fn headers(reader: &mut csv::Reader<&[u8]>) -> Result<Vec<String>, FileError> {
    let mut record = StringRecord::new();
    if !reader.read_record(&mut record).map_err(malformed)? {
        return Err(FileError::Empty);
    }
    let headers: Vec<String> = record.iter().map(|h| unguard(h).trim().to_owned()).collect();
    for (i, h) in headers.iter().enumerate() {
        if !h.is_empty() && headers[..i].contains(h) {
            return Err(FileError::DuplicateHeader(h.clone()));
        }
    }
    Ok(headers)
}

/// Line numbers, counted here: the csv crate's are off by one after each
/// CRLF (its position is taken before it consumes the previous record's
/// `\n`), so only its byte offset is used, moved past line ends.
struct Lines<'t> {
    text: &'t [u8],
    at: usize,
    line: usize,
}

impl Lines<'_> {
    /// The line of the record the crate places at `byte`; records come in
    /// order, so the count goes on from the previous one.
    fn of(&mut self, byte: usize) -> usize {
        // A record cannot start with a line end: blank lines are skipped.
        let skip = self.text.get(byte..).map_or(0, |t| t.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count());
        let start = (byte + skip).max(self.at);
        self.line += self.text[self.at..start.min(self.text.len())].iter().filter(|b| **b == b'\n').count();
        self.at = start;
        self.line
    }
}

fn malformed(e: csv::Error) -> FileError {
    let line = e.position().map_or(0, |p| p.line() as usize);
    FileError::Malformed { line, reason: e.to_string() }
}

/// What each column fills, checked once for the whole file.
struct Plan<'m> {
    /// By column index.
    targets: Vec<&'m Target>,
    class_column: Option<usize>,
    fixed_class: Option<&'m str>,
}

impl<'m> Plan<'m> {
    fn new(headers: &[String], mapping: &'m Mapping, schema: &Schema) -> Result<Plan<'m>, FileError> {
        let bad = |column: &str, reason: String| FileError::BadTarget { column: column.to_owned(), reason };
        let mut targets = vec![&Target::Ignore; headers.len()];
        for (header, target) in &mapping.columns {
            let i = headers.iter().position(|h| h == header.trim());
            let i = i.ok_or_else(|| FileError::MissingColumn(header.clone()))?;
            if *target != Target::Ignore {
                if let Some((other, _)) = mapping.columns.iter().find(|(h, t)| t == target && h != header) {
                    return Err(bad(header, format!("fills {target}, as column {other:?} does")));
                }
            }
            targets[i] = target;
        }
        // Blank headers are the empty columns spreadsheets leave at the end.
        if let Some(h) = headers.iter().find(|h| !h.is_empty() && !mapping.columns.iter().any(|(m, _)| m.trim() == *h))
        {
            return Err(FileError::UnmappedColumn(h.clone()));
        }
        if !targets.contains(&&Target::Name) {
            return Err(FileError::NoName);
        }
        let class_column = targets.iter().position(|t| **t == Target::Class);
        let fixed_class = mapping.class.as_deref().map(str::trim);
        match fixed_class {
            None if class_column.is_none() => return Err(FileError::NoClass),
            Some(c) if schema.class(c).is_none() => return Err(FileError::Mapping(format!("no class {c:?}"))),
            _ => {}
        }
        for (i, t) in targets.iter().enumerate() {
            if let Target::Attribute(a) = t {
                if a.is_empty() {
                    return Err(bad(&headers[i], "maps to an attribute without a name".into()));
                }
                // With one class for every row, a column it lacks fails every
                // row: say so once.
                if let (None, Some(c)) = (class_column, fixed_class) {
                    if !schema.attributes(c).iter().any(|x| x.name == *a) {
                        return Err(bad(&headers[i], format!("{c} has no attribute {a:?}")));
                    }
                }
            }
        }
        Ok(Plan { targets, class_column, fixed_class })
    }

    fn row(
        &self,
        record: &StringRecord,
        classes: &mut Classes,
        class_of: &dyn Fn(i64) -> Option<String>,
    ) -> (String, Result<CiDraft, Vec<Problem>>, Extra) {
        let cell = |i: usize| unguard(&record[i]);
        let mut problems = Vec::new();
        let mut d = CiDraft::default();
        let mut extra = Extra::default();
        let class = self.class_column.map(|i| cell(i).trim()).filter(|c| !c.is_empty()).or(self.fixed_class);
        let attrs = match class {
            None => {
                problems.push(problem("class", steward_domain::code::Code::Required.msg("is required")));
                None
            }
            Some(c) => {
                d.class = c.to_owned();
                let attrs = classes.attributes(c);
                if attrs.is_none() {
                    problems.push(problem(
                        "class",
                        Code::NoClass.msg(format!("no class {c:?}")).with("name", format!("{c:?}")),
                    ));
                }
                attrs
            }
        };
        let known_class = attrs.is_some();
        let text = |s: &str| Some(s.to_owned());
        for (i, target) in self.targets.iter().enumerate() {
            let raw = cell(i);
            let s = raw.trim();
            if s.is_empty() {
                continue;
            }
            match target {
                Target::Name => d.name = s.to_owned(),
                Target::Class | Target::Ignore => {}
                Target::Status => match CiStatus::parse(s) {
                    Ok(v) => d.status = Some(v),
                    Err(e) => problems.push(problem("status", e)),
                },
                Target::Criticality => match Criticality::parse(s) {
                    Ok(v) => d.criticality = Some(v),
                    Err(e) => problems.push(problem("criticality", e)),
                },
                Target::OwnerGroup => d.owner_group = text(s),
                Target::Location => d.location = text(s),
                Target::Vendor => d.vendor = text(s),
                Target::RequesterVisible => match convert(&AttrType::Boolean, s) {
                    Ok(v) => extra.requester_visible = v.as_bool(),
                    Err(e) => problems.push(problem("requester_visible", e)),
                },
                Target::Tier => match s.parse::<i64>() {
                    Ok(t) if (1..=4).contains(&t) => extra.tier = Some(t),
                    _ => problems.push(problem(
                        "tier",
                        Code::NotTier
                            .msg(format!("{s:?} is not a tier: must be 1 to 4"))
                            .with("text", format!("{s:?}")),
                    )),
                },
                Target::PortfolioStatus => match PortfolioStatus::parse(s) {
                    Ok(v) => extra.portfolio_status = Some(v),
                    Err(e) => problems.push(problem("portfolio_status", e)),
                },
                Target::Relation(kind) => {
                    for other in s.split(';').map(str::trim).filter(|o| !o.is_empty()) {
                        extra.relations.push((*kind, other.to_owned()));
                    }
                }
                Target::Attribute(a) => match attrs.map(|m| m.get(a.as_str())) {
                    None => {} // an unknown class, already said
                    Some(None) => problems.push(problem(
                        &format!("attributes.{a}"),
                        Code::NoAttribute
                            .msg(format!("{} has no attribute {a:?}", d.class))
                            .with("class", &d.class)
                            .with("name", format!("{a:?}")),
                    )),
                    Some(Some(kind)) => match convert(kind, raw) {
                        Ok(v) => {
                            d.attributes.insert(a.clone(), v);
                        }
                        Err(e) => problems.push(problem(&format!("attributes.{a}"), e)),
                    },
                },
            }
        }
        // The schema's own rules: required attributes, the name, references.
        // A field already found wrong is not reported twice.
        if let Err(more) = classes.schema.check_draft(&d, class_of) {
            for p in more {
                if !problems.iter().any(|q| q.field == p.field) {
                    problems.push(p);
                }
            }
        }
        // Catalog fields belong to services; on a server they would be
        // stored and never shown.
        if extra.has_catalog() && known_class && !is_service(classes.schema, &d.class) {
            for (field, given) in [
                ("requester_visible", extra.requester_visible.is_some()),
                ("tier", extra.tier.is_some()),
                ("portfolio_status", extra.portfolio_status.is_some()),
            ] {
                if given {
                    let m = Code::NotAService.msg(format!("only services have catalog fields; {} is not one", d.class));
                    problems.push(problem(field, m.with("class", &d.class)));
                }
            }
        }
        let name = self.label(record, &d, classes.schema);
        (name, if problems.is_empty() { Ok(d) } else { Err(problems) }, extra)
    }

    /// The row's CI as people know it: its name, else the identifying
    /// attributes the row gives (`serial_number SN4`), as written.
    fn label(&self, record: &StringRecord, d: &CiDraft, schema: &Schema) -> String {
        if !d.name.is_empty() {
            return d.name.clone();
        }
        let identifying: Vec<&str> = if schema.class(&d.class).is_some() {
            schema.attributes(&d.class).into_iter().filter(|a| a.identifying).map(|a| a.name.as_str()).collect()
        } else {
            Vec::new()
        };
        let mut parts = Vec::new();
        for (i, t) in self.targets.iter().enumerate() {
            if let Target::Attribute(a) = t {
                let v = unguard(&record[i]).trim();
                if !v.is_empty() && identifying.contains(&a.as_str()) {
                    parts.push(format!("{a} {v}"));
                }
            }
        }
        parts.join(", ")
    }
}

fn problem(field: &str, reason: impl Into<steward_domain::code::Message>) -> Problem {
    Problem { field: field.to_owned(), reason: reason.into() }
}

/// Each class's attributes by name, worked out once per class rather than
/// once per row (inheritance is resolved on every `Schema::attributes`).
struct Classes<'s> {
    schema: &'s Schema,
    seen: HashMap<String, Option<HashMap<&'s str, &'s AttrType>>>,
}

impl<'s> Classes<'s> {
    fn attributes(&mut self, class: &str) -> Option<&HashMap<&'s str, &'s AttrType>> {
        if !self.seen.contains_key(class) {
            let schema = self.schema;
            let attrs = schema
                .class(class)
                .map(|_| schema.attributes(class).into_iter().map(|a| (a.name.as_str(), &a.kind)).collect());
            self.seen.insert(class.to_owned(), attrs);
        }
        self.seen.get(class).and_then(Option::as_ref)
    }
}
