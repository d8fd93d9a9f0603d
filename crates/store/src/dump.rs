//! A backend-neutral copy of every table, for `steward backup` and
//! `steward restore`: each row a JSON array of plain values (integers,
//! floats, text, bytes as base64), so an archive taken on SQLite restores
//! into PostgreSQL and back.
//!
//! Left out, because the schema derives them: SQLite's full-text tables
//! (virtual and shadow tables, rebuilt by their triggers as rows come in),
//! PostgreSQL's generated columns and derived search tables (those holding
//! a `tsvector`), `schema_migrations` (the restore migrates) and SQLite's
//! `record_numbers` (the numbers per kind travel as counters, since
//! PostgreSQL keeps them in sequences).

use crate::{Result, StoreError, db::Backend};
use base64::Engine;
use sha2::{Digest as _, Sha256};
use sqlx::{AnyConnection, Row, ValueRef, any::AnyRow, any::AnyTypeInfoKind};

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Value {
    fn to_json(&self) -> Result<serde_json::Value> {
        Ok(match self {
            Value::Null => serde_json::Value::Null,
            Value::Int(i) => (*i).into(),
            Value::Real(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .ok_or_else(|| StoreError::Dump(format!("{f} cannot be written")))?,
            Value::Text(s) => s.clone().into(),
            Value::Bytes(b) => serde_json::json!({ "base64": base64::engine::general_purpose::STANDARD.encode(b) }),
        })
    }

    fn from_json(v: serde_json::Value) -> std::result::Result<Value, String> {
        Ok(match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Real(n.as_f64().ok_or("a number out of range")?),
            },
            serde_json::Value::String(s) => Value::Text(s),
            serde_json::Value::Object(o) => match o.get("base64").and_then(|b| b.as_str()) {
                Some(b) => {
                    Value::Bytes(base64::engine::general_purpose::STANDARD.decode(b).map_err(|e| e.to_string())?)
                }
                None => return Err("an object that is not {\"base64\": …}".into()),
            },
            other => return Err(format!("an unexpected value {other}")),
        })
    }
}

/// A row as one line of the archive (no newline).
pub fn encode_row(row: &[Value]) -> Result<String> {
    let values = row.iter().map(Value::to_json).collect::<Result<Vec<_>>>()?;
    Ok(serde_json::Value::Array(values).to_string())
}

/// A line of the archive as a row of `columns` values.
pub fn decode_row(line: &str, columns: usize) -> std::result::Result<Vec<Value>, String> {
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let serde_json::Value::Array(values) = v else { return Err("a row that is not an array".into()) };
    if values.len() != columns {
        return Err(format!("a row of {} values where there are {columns} columns", values.len()));
    }
    values.into_iter().map(Value::from_json).collect()
}

/// A table's rows counted and hashed, whatever their order: the sum of
/// each line's SHA-256 (so a SQLite and a PostgreSQL copy of the same rows,
/// read in different orders, agree).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableDigest {
    pub rows: u64,
    sum: [u64; 4],
}

impl TableDigest {
    pub fn add(&mut self, line: &str) {
        let h = Sha256::digest(line.as_bytes());
        let mut carry = 0u128;
        // The 256-bit hash as four big-endian words, added with carry.
        for i in (0..4).rev() {
            let word = u64::from_be_bytes(h[i * 8..i * 8 + 8].try_into().unwrap_or_default());
            let s = u128::from(self.sum[i]) + u128::from(word) + carry;
            self.sum[i] = s as u64;
            carry = s >> 64;
        }
        self.rows += 1;
    }
    pub fn hex(&self) -> String {
        self.sum.iter().map(|w| format!("{w:016x}")).collect()
    }
}

/// How a column's values are read and written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// PostgreSQL's type name when the Any driver cannot carry the type:
    /// read as text and cast back on the way in.
    pub cast: Option<String>,
    /// The type a NULL is bound as (PostgreSQL types every parameter).
    pub null: NullKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullKind {
    Int,
    Real,
    Text,
    Bytes,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
}

impl Table {
    pub fn column_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }
    /// This table's columns named `names`, in that order.
    pub fn pick(&self, names: &[String]) -> Result<Table> {
        let columns = names
            .iter()
            .map(|n| {
                self.columns.iter().find(|c| &c.name == n).cloned().ok_or_else(|| {
                    StoreError::Dump(format!("the table {} has no column {n} in this database", self.name))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Table { name: self.name.clone(), columns })
    }
}

/// Tables never copied (see the module's comment).
const SKIPPED: &[&str] = &["schema_migrations", "record_numbers"];

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The tables copied, parents before the tables whose foreign keys name
/// them (and tables a trigger fills after the table it fills them from,
/// [`TRIGGER_FED`]; ties by name), so a restore that loads them in this order meets
/// every parent first and clears what a trigger derived before loading it.
pub async fn tables(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<Table>> {
    let mut out = Vec::new();
    let mut edges: Vec<(String, String)> = Vec::new();
    match backend {
        Backend::Sqlite => {
            let all: Vec<(String, String)> = sqlx::query_as(
                "SELECT name, COALESCE(sql, '') FROM sqlite_master
                 WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
            )
            .fetch_all(&mut *conn)
            .await?;
            let virtual_tables: Vec<&str> = all
                .iter()
                .filter(|(_, sql)| sql.to_ascii_uppercase().starts_with("CREATE VIRTUAL TABLE"))
                .map(|(n, _)| n.as_str())
                .collect();
            for (name, _) in &all {
                if SKIPPED.contains(&name.as_str())
                    || virtual_tables.iter().any(|v| name == v || name.starts_with(&format!("{v}_")))
                {
                    continue;
                }
                let cols: Vec<(String,)> =
                    sqlx::query_as("SELECT name FROM pragma_table_xinfo($1) WHERE hidden = 0 ORDER BY cid")
                        .bind(name.clone())
                        .fetch_all(&mut *conn)
                        .await?;
                let parents: Vec<(String,)> =
                    sqlx::query_as("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($1)")
                        .bind(name.clone())
                        .fetch_all(&mut *conn)
                        .await?;
                edges.extend(parents.into_iter().map(|p| (p.0, name.clone())));
                let columns =
                    cols.into_iter().map(|c| Column { name: c.0, cast: None, null: NullKind::Text }).collect();
                out.push(Table { name: name.clone(), columns });
            }
        }
        Backend::Postgres => {
            let all: Vec<(String,)> = sqlx::query_as(
                "SELECT relname::text FROM pg_class
                 WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p') ORDER BY 1",
            )
            .fetch_all(&mut *conn)
            .await?;
            for (name,) in all {
                if SKIPPED.contains(&name.as_str()) {
                    continue;
                }
                let cols: Vec<(String, String)> = sqlx::query_as(
                    "SELECT attname::text, format_type(atttypid, atttypmod) FROM pg_attribute
                     WHERE attrelid = to_regclass(quote_ident($1)) AND attnum > 0 AND NOT attisdropped
                       AND attgenerated = '' ORDER BY attnum",
                )
                .bind(name.clone())
                .fetch_all(&mut *conn)
                .await?;
                if cols.iter().any(|(_, t)| t == "tsvector") {
                    continue;
                }
                let columns = cols.into_iter().map(|(n, t)| pg_column(n, &t)).collect();
                out.push(Table { name, columns });
            }
            let fks: Vec<(String, String)> = sqlx::query_as(
                "SELECT confrelid::regclass::text, conrelid::regclass::text FROM pg_constraint
                 WHERE contype = 'f' AND connamespace = current_schema()::regnamespace",
            )
            .fetch_all(&mut *conn)
            .await?;
            edges.extend(fks);
        }
    }
    edges.extend(TRIGGER_FED.iter().map(|(from, to)| ((*from).to_owned(), (*to).to_owned())));
    Ok(parents_first(out, &edges))
}

/// Tables a trigger fills from another's inserts, with no foreign key to
/// say so (one would cost a check per row on the intake's path): loaded
/// after it, so a restore clears what the trigger made before their own
/// rows come in.
const TRIGGER_FED: &[(&str, &str)] = &[("alerts", "alert_label_queue")];

fn pg_column(name: String, ty: &str) -> Column {
    let (cast, null) = match ty {
        "bigint" | "integer" | "smallint" => (None, NullKind::Int),
        "double precision" | "real" => (None, NullKind::Real),
        "text" => (None, NullKind::Text),
        "bytea" => (None, NullKind::Bytes),
        other => (Some(other.to_owned()), NullKind::Text),
    };
    Column { name, cast, null }
}

/// Kahn's order over the foreign keys (a table's keys to itself ignored;
/// tables in a cycle, which none are today, go last by name).
fn parents_first(tables: Vec<Table>, edges: &[(String, String)]) -> Vec<Table> {
    let mut left = tables;
    let mut out = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let ready = left.iter().position(|t| {
            !edges.iter().any(|(p, c)| c == &t.name && p != &t.name && left.iter().any(|o| &o.name == p))
        });
        out.push(left.remove(ready.unwrap_or(0)));
    }
    out
}

/// The SELECT of a table's rows in key order (so self-references meet
/// their parent first on the way in).
pub fn select_sql(t: &Table) -> String {
    let cols: Vec<String> = t
        .columns
        .iter()
        .map(|c| match c.cast {
            Some(_) => format!("{}::text", ident(&c.name)),
            None => ident(&c.name),
        })
        .collect();
    format!("SELECT {} FROM {} ORDER BY 1", cols.join(", "), ident(&t.name))
}

/// A row read by [`select_sql`] as plain values.
pub fn read_row(row: &AnyRow) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(row.len());
    for i in 0..row.len() {
        let raw = row.try_get_raw(i)?;
        if raw.is_null() {
            out.push(Value::Null);
            continue;
        }
        let kind = raw.type_info().kind();
        out.push(match kind {
            AnyTypeInfoKind::Bool => Value::Int(i64::from(row.try_get::<bool, _>(i)?)),
            AnyTypeInfoKind::SmallInt => Value::Int(i64::from(row.try_get::<i16, _>(i)?)),
            AnyTypeInfoKind::Integer => Value::Int(i64::from(row.try_get::<i32, _>(i)?)),
            AnyTypeInfoKind::BigInt => Value::Int(row.try_get::<i64, _>(i)?),
            AnyTypeInfoKind::Real => Value::Real(f64::from(row.try_get::<f32, _>(i)?)),
            AnyTypeInfoKind::Double => Value::Real(row.try_get::<f64, _>(i)?),
            AnyTypeInfoKind::Text => Value::Text(row.try_get::<String, _>(i)?),
            AnyTypeInfoKind::Blob => Value::Bytes(row.try_get::<Vec<u8>, _>(i)?),
            AnyTypeInfoKind::Null => Value::Null,
        });
    }
    Ok(out)
}

/// Rows per INSERT: few enough binds for either engine, few enough bytes
/// to keep a statement small.
pub const BATCH_ROWS: usize = 200;
pub const BATCH_BYTES: usize = 4 * 1024 * 1024;

/// Inserts `rows` of `t` (whose columns are the rows' order).
pub async fn insert(conn: &mut AnyConnection, backend: Backend, t: &Table, rows: Vec<Vec<Value>>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let width = t.columns.len();
    let mut n = 0;
    let tuples: Vec<String> = rows
        .iter()
        .map(|_| {
            let slots: Vec<String> = t
                .columns
                .iter()
                .map(|c| {
                    n += 1;
                    // SQLite gets anonymous `?`s: it finds a numbered
                    // parameter's name by scanning all of them, so binding
                    // a 200-row insert's thousands of `$n` cost n² (two
                    // thirds of a large restore's time; see `Sql::parts`).
                    match (backend, &c.cast, c.null) {
                        (Backend::Sqlite, _, _) => "?".to_owned(),
                        (Backend::Postgres, Some(ty), _) => format!("CAST(${n} AS {ty})"),
                        _ => format!("${n}"),
                    }
                })
                .collect();
            format!("({})", slots.join(", "))
        })
        .collect();
    let names: Vec<String> = t.columns.iter().map(|c| ident(&c.name)).collect();
    let sql = format!("INSERT INTO {} ({}) VALUES {}", ident(&t.name), names.join(", "), tuples.join(", "));
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in rows {
        if row.len() != width {
            return Err(StoreError::Dump(format!("a row of {} has {} values, not {width}", t.name, row.len())));
        }
        for (v, c) in row.into_iter().zip(&t.columns) {
            q = match v {
                Value::Int(i) => q.bind(i),
                Value::Real(f) => q.bind(f),
                Value::Text(s) => q.bind(s),
                Value::Bytes(b) => q.bind(b),
                Value::Null => match c.null {
                    NullKind::Int => q.bind(None::<i64>),
                    NullKind::Real => q.bind(None::<f64>),
                    NullKind::Text => q.bind(None::<String>),
                    NullKind::Bytes => q.bind(None::<Vec<u8>>),
                },
            };
        }
    }
    q.execute(conn).await.map_err(|e| StoreError::Dump(format!("loading {}: {e}", t.name)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_through_a_line() {
        let row = vec![
            Value::Null,
            Value::Int(-3),
            Value::Real(0.5),
            Value::Text("zé\n\"".into()),
            Value::Bytes(vec![0, 255]),
        ];
        let line = encode_row(&row).unwrap();
        assert_eq!(decode_row(&line, 5).unwrap(), row);
        assert!(decode_row(&line, 4).unwrap_err().contains("5 values where there are 4 columns"));
        assert!(decode_row("{}", 1).is_err());
    }

    #[test]
    fn a_digest_ignores_the_order_of_rows() {
        let (mut a, mut b) = (TableDigest::default(), TableDigest::default());
        for l in ["[1]", "[2]", "[3]"] {
            a.add(l);
        }
        for l in ["[3]", "[1]", "[2]"] {
            b.add(l);
        }
        assert_eq!(a, b);
        b.add("[1]");
        assert_ne!(a.hex(), b.hex());
    }
}
