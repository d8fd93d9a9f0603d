//! Writing CIs out as CSV (for spreadsheets, re-importable) and JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::cell::guard;

/// A stored CI as exported; names (group, location) already resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportCi {
    pub id: i64,
    pub class: String,
    pub name: String,
    pub status: String,
    pub criticality: String,
    pub owner_group: Option<String>,
    pub location: Option<String>,
    pub vendor: Option<String>,
    pub attributes: Map<String, Value>,
}

/// The CIs as CSV (RFC 4180: CRLF line ends, fields quoted when needed):
/// the header `id,class,name,status,criticality,owner_group,location,vendor`
/// then `attribute_columns`, one line per CI. An attribute a CI lacks is an
/// empty cell; one not among `attribute_columns` is left out. Text that a
/// spreadsheet would run as a formula is guarded (see the module docs).
pub fn write_csv(cis: &[ExportCi], attribute_columns: &[String]) -> String {
    let mut out = String::new();
    let fixed = ["id", "class", "name", "status", "criticality", "owner_group", "location", "vendor"];
    let header = fixed.iter().copied().chain(attribute_columns.iter().map(String::as_str));
    csv_line(&mut out, header.map(|h| guard(h).into_owned()));
    for ci in cis {
        let text = |s: &str| guard(s).into_owned();
        let opt = |s: &Option<String>| s.as_deref().map(text).unwrap_or_default();
        let fixed = [
            ci.id.to_string(),
            text(&ci.class),
            text(&ci.name),
            text(&ci.status),
            text(&ci.criticality),
            opt(&ci.owner_group),
            opt(&ci.location),
            opt(&ci.vendor),
        ];
        let attributes = attribute_columns.iter().map(|a| match ci.attributes.get(a) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => text(s),
            // Numbers and booleans as they read back; never guarded, so a
            // negative number stays a number.
            Some(v) => v.to_string(),
        });
        csv_line(&mut out, fixed.into_iter().chain(attributes));
    }
    out
}

/// Appends one record. Written by hand rather than through `csv::Writer`:
/// into a `String` nothing can fail, so there is no error to carry.
pub(crate) fn csv_line(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if f.contains([',', '"', '\r', '\n']) || f.starts_with(' ') || f.ends_with(' ') {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&f);
        }
    }
    out.push_str("\r\n");
}

/// The CIs as a JSON array of [`ExportCi`] objects, unguarded: JSON is
/// read by programs, not spreadsheets.
pub fn write_json(cis: &[ExportCi]) -> String {
    let all = cis.iter().map(|ci| {
        let opt = |s: &Option<String>| s.clone().map_or(Value::Null, Value::String);
        let mut o = Map::new();
        o.insert("id".into(), ci.id.into());
        o.insert("class".into(), ci.class.clone().into());
        o.insert("name".into(), ci.name.clone().into());
        o.insert("status".into(), ci.status.clone().into());
        o.insert("criticality".into(), ci.criticality.clone().into());
        o.insert("owner_group".into(), opt(&ci.owner_group));
        o.insert("location".into(), opt(&ci.location));
        o.insert("vendor".into(), opt(&ci.vendor));
        o.insert("attributes".into(), Value::Object(ci.attributes.clone()));
        Value::Object(o)
    });
    // Built as a `Value`, whose Display cannot fail, unlike `to_string`.
    Value::Array(all.collect()).to_string()
}
