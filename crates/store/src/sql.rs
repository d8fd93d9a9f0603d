//! Small helpers shared by the query modules.

use sqlx::Arguments;
use sqlx::any::AnyArguments;
use std::{future::Future, pin::Pin};

pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Now, in microseconds since the Unix epoch (UTC) — how every time is stored.
pub fn now_micros() -> i64 {
    jiff::Timestamp::now().as_microsecond()
}

/// A value to bind; dynamic queries collect these while they grow.
#[derive(Debug, Clone)]
pub enum Value {
    Int(i64),
    Text(String),
    /// SQL NULL typed as an integer, and as text: PostgreSQL refuses a
    /// NULL of the wrong type for a column.
    Null,
    NullText,
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Value::Null, Value::Int)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}

impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        v.map_or(Value::NullText, Value::from)
    }
}

/// A query built piece by piece with `$n` placeholders, which both SQLite
/// and PostgreSQL accept (sqlx's own builder writes `?` for the Any driver).
#[derive(Debug, Default)]
pub struct Sql {
    pub text: String,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self { text: text.to_owned(), values: Vec::new() }
    }
    /// A statement whose placeholders are written already (`$1` may
    /// appear more than once), with their values in order.
    pub fn written(text: &str, values: Vec<Value>) -> Self {
        Self { text: text.to_owned(), values }
    }
    pub fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }
    /// Appends a placeholder for `v`.
    pub fn bind(&mut self, v: Value) -> &mut Self {
        self.values.push(v);
        self.text.push('$');
        self.text.push_str(&self.values.len().to_string());
        self
    }
    /// Appends `(v1, v2, …)`: one row of a multi-row VALUES list.
    pub fn row(&mut self, values: impl IntoIterator<Item = Value>) -> &mut Self {
        self.text.push('(');
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.bind(v);
        }
        self.text.push(')');
        self
    }
    pub fn arguments(&self) -> Result<AnyArguments, sqlx::Error> {
        let mut args = AnyArguments::default();
        for v in &self.values {
            match v {
                Value::Int(i) => args.add(*i),
                Value::Text(s) => args.add(s.clone()),
                Value::Null => args.add(None::<i64>),
                Value::NullText => args.add(None::<String>),
            }
            .map_err(sqlx::Error::Encode)?;
        }
        Ok(args)
    }
}

/// The rows `select` (a statement ending in `… IN `) reads for `ids`, 500
/// ids a statement: a kind's details for a page of records.
pub async fn rows_for_ids<T>(conn: &mut sqlx::AnyConnection, select: &str, ids: &[i64]) -> crate::Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut q = Sql::new(select);
        q.row(chunk.iter().map(|i| Value::Int(*i)));
        let mut rows: Vec<T> =
            sqlx::query_as_with(sqlx::AssertSqlSafe(q.text.clone()), q.arguments()?).fetch_all(&mut *conn).await?;
        out.append(&mut rows);
    }
    Ok(out)
}

/// Escapes `%`, `_` and `\` for a LIKE pattern written with `ESCAPE '\'`.
pub fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The engine's plan for `q`, one line per step: `EXPLAIN QUERY PLAN`'s
/// details on SQLite, `EXPLAIN`'s text on PostgreSQL.
pub(crate) async fn explain(
    conn: &mut sqlx::AnyConnection,
    d: crate::Dialect,
    q: &Sql,
) -> Result<Vec<String>, sqlx::Error> {
    use sqlx::Row;
    let (prefix, column) = match d.0 {
        crate::Backend::Sqlite => ("EXPLAIN QUERY PLAN ", 3),
        crate::Backend::Postgres => ("EXPLAIN ", 0),
    };
    let rows =
        sqlx::query_with(sqlx::AssertSqlSafe(format!("{prefix}{}", q.text)), q.arguments()?).fetch_all(conn).await?;
    rows.iter().map(|r| r.try_get::<String, _>(column)).collect()
}

/// The plan the read pool runs for `q`: SQLite's, PostgreSQL's generic
/// plan (see [`explain_generic`]). For the query-plan tests.
pub(crate) async fn read_plan(
    conn: &mut sqlx::AnyConnection,
    d: crate::Dialect,
    q: &Sql,
) -> Result<Vec<String>, sqlx::Error> {
    match d.0 {
        crate::Backend::Sqlite => explain(conn, d, q).await,
        crate::Backend::Postgres => explain_generic(conn, q).await,
    }
}

/// PostgreSQL's generic plan for `q`: the plan a prepared statement runs
/// when the planner does not look at the values, as the read pool's
/// connections do (`plan_cache_mode = force_generic_plan`, see `db.rs`).
/// For the query-plan tests: the values are written into the statement.
pub(crate) async fn explain_generic(conn: &mut sqlx::AnyConnection, q: &Sql) -> Result<Vec<String>, sqlx::Error> {
    use sqlx::Row;
    sqlx::raw_sql("SET plan_cache_mode = force_generic_plan").execute(&mut *conn).await?;
    // Each parameter's type is inferred from where it is used.
    let types = vec!["unknown"; q.values.len()].join(", ");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("PREPARE steward_plan ({types}) AS {}", q.text)))
        .execute(&mut *conn)
        .await?;
    // EXECUTE takes no parameters of its own: its values go in as literals.
    let values: Vec<String> = q
        .values
        .iter()
        .map(|v| match v {
            Value::Int(i) => i.to_string(),
            Value::Text(t) => format!("'{}'", t.replace('\'', "''")),
            Value::Null | Value::NullText => "NULL".to_owned(),
        })
        .collect();
    let sql = format!("EXPLAIN EXECUTE steward_plan({})", values.join(", "));
    let rows = sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await;
    sqlx::raw_sql("DEALLOCATE steward_plan").execute(&mut *conn).await?;
    rows?.iter().map(|r| r.try_get::<String, _>(0)).collect()
}
