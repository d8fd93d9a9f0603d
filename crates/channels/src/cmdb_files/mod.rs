//! The CMDB's file formats: CSV import with a column mapping, CSV and JSON
//! export. Bytes in, [`CiDraft`]s out (and back); storing them, reconciling
//! them with existing CIs and resolving group and location names is the
//! application's job.
//!
//! # Importing
//!
//! [`read_headers`] gives a file's columns (to offer a mapping), [`read_csv`]
//! turns each data row into a [`Row`]: a draft checked against the class's
//! schema, or every problem with it named by field. A file that cannot be
//! read as a whole (not UTF-8, a bad header, a short row …) is a
//! [`FileError`] and no row is returned, so an import is all or nothing
//! about the file's shape and row by row about its content.
//!
//! A [`Mapping`] says which CSV column fills which field. As JSON:
//!
//! ```json
//! {
//!   "class": "server",
//!   "columns": {
//!     "Host": "name",
//!     "Serial": "attributes.serial_number",
//!     "OS": "attributes.operating_system",
//!     "Notes": "ignore"
//!   }
//! }
//! ```
//!
//! `columns` maps each header to one of `name`, `class`, `status`,
//! `criticality`, `owner_group`, `location`, `vendor`,
//! `attributes.<attribute>`, a service's catalog fields
//! (`requester_visible`, `tier`, `portfolio_status`), a relation
//! (`relations.<type>`, e.g. `relations.runs_on`: the cell names the CIs
//! this row's CI runs on, separated by `;`, each by name or as `#<id>`) or
//! `ignore`. Every header must be mapped (use
//! `ignore` to skip one, so no column is dropped unnoticed), and no two
//! columns may fill the same field. `class` (optional) is the class of rows
//! without a class column or with an empty class cell. [`Mapping::identity`]
//! maps a file this module exported, so it re-imports without a mapping.
//!
//! Cells: an empty cell is absent. Attribute cells are converted by the
//! attribute's type: integers (`42`), decimals with a point (`1.5`, not
//! `1,5`), booleans (`true`/`false`/`yes`/`no`/`1`/`0`), dates
//! (`2026-01-31`), enum values as listed, references as a CI id; text is
//! kept as is. Fixed fields (name, status …) are trimmed.
//!
//! # Formula injection
//!
//! A spreadsheet runs a cell starting with `=`, `+`, `-`, `@`, tab or
//! carriage return as a formula, so a CI named `=HYPERLINK(…)` could act on
//! whoever opens the export. Following OWASP's advice, [`write_csv`] puts a
//! `'` before such text (not before numbers: `-5` stays a number), and
//! [`read_csv`] takes one such `'` off again, so exports round-trip.

mod cell;
mod csv_import;
mod export;
#[cfg(test)]
mod tests;

pub use csv_import::{read_csv, read_headers};
pub use export::{ExportCi, write_csv, write_json};
pub(crate) use {cell::guard, export::csv_line};

use serde::Deserialize;
use steward_domain::cmdb::{CiDraft, PortfolioStatus, Problem, RelationType};

/// Which CSV column fills which draft field; see the [module](self) docs for
/// its JSON form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// (CSV header, what it fills), in the order given.
    #[serde(deserialize_with = "columns_in_order")]
    pub columns: Vec<(String, Target)>,
    /// The class of rows that name none.
    #[serde(default)]
    pub class: Option<String>,
}

/// A draft field a column fills.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "String")]
pub enum Target {
    Name,
    Class,
    Status,
    Criticality,
    OwnerGroup,
    Location,
    Vendor,
    /// Catalog fields: only services have them.
    RequesterVisible,
    Tier,
    PortfolioStatus,
    /// `attributes.<name>`.
    Attribute(String),
    /// `relations.<type>`: relations of this type from the row's CI to the
    /// CIs the cell names.
    Relation(RelationType),
    Ignore,
}

/// The fixed fields by their names in a mapping and in our export's header.
const FIXED: [(&str, Target); 10] = [
    ("name", Target::Name),
    ("class", Target::Class),
    ("status", Target::Status),
    ("criticality", Target::Criticality),
    ("owner_group", Target::OwnerGroup),
    ("location", Target::Location),
    ("vendor", Target::Vendor),
    ("requester_visible", Target::RequesterVisible),
    ("tier", Target::Tier),
    ("portfolio_status", Target::PortfolioStatus),
];

impl Target {
    /// `name`, `attributes.serial_number`, `ignore` …
    pub fn parse(s: &str) -> Result<Target, String> {
        if let Some((_, t)) = FIXED.iter().find(|(k, _)| *k == s) {
            return Ok(t.clone());
        }
        if let Some(kind) = s.strip_prefix("relations.") {
            return RelationType::parse(kind).map(Target::Relation).map_err(|e| e.text);
        }
        match s.strip_prefix("attributes.") {
            Some("") => Err("\"attributes.\" needs an attribute name after the point".into()),
            Some(a) => Ok(Target::Attribute(a.to_owned())),
            None if s == "ignore" => Ok(Target::Ignore),
            None => Err(format!(
                "{s:?} is not a field: use name, class, status, criticality, owner_group, location, vendor, \
                 requester_visible, tier, portfolio_status, attributes.<name>, relations.<type> or ignore"
            )),
        }
    }
}

impl TryFrom<String> for Target {
    type Error = String;
    fn try_from(s: String) -> Result<Target, String> {
        Target::parse(&s)
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Attribute(a) => write!(f, "attributes.{a}"),
            Target::Relation(k) => write!(f, "relations.{}", k.as_str()),
            Target::Ignore => f.write_str("ignore"),
            t => f.write_str(FIXED.iter().find(|(_, x)| x == t).map_or("?", |(k, _)| k)),
        }
    }
}

impl Mapping {
    /// Reads a mapping from its JSON form; the error names what is wrong.
    pub fn from_json(json: &str) -> Result<Mapping, FileError> {
        serde_json::from_str(json).map_err(|e| FileError::Mapping(e.to_string()))
    }

    /// Each header mapped to the field of the same name (`name`, `status` …),
    /// `id` (ours, assigned by the CMDB) and blank headers ignored, any other
    /// header to `attributes.<header>`: what [`write_csv`] writes re-imports.
    pub fn identity<S: AsRef<str>>(headers: &[S]) -> Mapping {
        let columns = headers
            .iter()
            .map(|h| {
                let h = h.as_ref().trim();
                let target = match FIXED.iter().find(|(k, _)| *k == h) {
                    Some((_, t)) => t.clone(),
                    None if h.is_empty() || h == "id" => Target::Ignore,
                    None if h.starts_with("relations.") => Target::parse(h).unwrap_or(Target::Ignore),
                    None => Target::Attribute(h.to_owned()),
                };
                (h.to_owned(), target)
            })
            .collect();
        Mapping { columns, class: None }
    }
}

/// `columns` as a JSON object whose order is kept and whose keys may not
/// repeat (a plain map would silently keep the last of two).
fn columns_in_order<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<(String, Target)>, D::Error> {
    struct Columns;
    impl<'de> serde::de::Visitor<'de> for Columns {
        type Value = Vec<(String, Target)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object from CSV header to field")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out: Vec<(String, Target)> = Vec::new();
            while let Some((header, target)) = map.next_entry::<String, Target>()? {
                if out.iter().any(|(h, _)| *h == header) {
                    return Err(serde::de::Error::custom(format!("column {header:?} is mapped twice")));
                }
                out.push((header, target));
            }
            Ok(out)
        }
    }
    d.deserialize_map(Columns)
}

/// One data row: its draft, or every problem with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The file line the row starts on, 1-based (the header is line 1 unless
    /// blank lines precede it).
    pub line: usize,
    /// What the row's CI is called, to name it beside its problems: its
    /// name, else its identifying attributes (`serial_number SN4`), else
    /// empty.
    pub name: String,
    pub result: Result<CiDraft, Vec<Problem>>,
    /// Catalog fields and relations, when the row has any.
    pub extra: Extra,
}

/// What a row gives beyond a [`CiDraft`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extra {
    pub requester_visible: Option<bool>,
    pub tier: Option<i64>,
    pub portfolio_status: Option<PortfolioStatus>,
    /// (type, the other CI as written: a name or `#<id>`), in file order.
    pub relations: Vec<(RelationType, String)>,
}

impl Extra {
    pub fn has_catalog(&self) -> bool {
        self.requester_visible.is_some() || self.tier.is_some() || self.portfolio_status.is_some()
    }
}

/// Why a file could not be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file is not UTF-8 text (invalid byte at offset {offset}, line {line}); save it as \"CSV UTF-8\"")]
    NotUtf8 { offset: usize, line: usize },
    #[error("the file is empty")]
    Empty,
    #[error("the file has a header but no rows")]
    NoRows,
    #[error("the header has no column {0:?}, which the mapping names")]
    MissingColumn(String),
    #[error("the header has column {0:?} twice")]
    DuplicateHeader(String),
    #[error("column {0:?} is not in the mapping; map it to \"ignore\" to skip it")]
    UnmappedColumn(String),
    #[error("no column maps to name")]
    NoName,
    #[error("no column maps to class and the mapping gives no class")]
    NoClass,
    /// A target that cannot be filled: an empty or unknown attribute, two
    /// columns for one field, an unknown fixed class.
    #[error("column {column:?}: {reason}")]
    BadTarget { column: String, reason: String },
    #[error("the mapping is invalid: {0}")]
    Mapping(String),
    #[error("line {line}: {found} fields where the header has {expected}")]
    FieldCount { line: usize, expected: usize, found: usize },
    #[error("the file has more than {limit} rows")]
    TooManyRows { limit: usize },
    #[error("line {line}: {reason}")]
    Malformed { line: usize, reason: String },
}
