//! Small helpers shared by the query modules.

use sqlx::AnyConnection;
use sqlx::Arguments;
use sqlx::any::{AnyArguments, AnyQueryResult, AnyRow};
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
        arguments(self.values.iter())
    }

    /// The text and arguments as `conn`'s database takes them best. On
    /// SQLite each `$n` becomes an anonymous `?` (its value bound again
    /// where it is used twice): SQLite finds a numbered parameter's name by
    /// scanning all of them, so binding n of them costs n² — in a batch of
    /// 100 alerts (1,300 parameters) that was most of the write's time.
    pub fn parts(&self, conn: &AnyConnection) -> Result<(String, AnyArguments), sqlx::Error> {
        if conn.backend_name() != "SQLite" {
            return Ok((self.text.clone(), self.arguments()?));
        }
        let (text, order) = positional(&self.text);
        let values = order.iter().map(|&i| self.values.get(i).ok_or_else(|| unbound(i)));
        let values: Vec<&Value> = values.collect::<Result<_, _>>()?;
        Ok((text, arguments(values.into_iter())?))
    }

    /// Runs the statement; its rows.
    pub async fn fetch_all<T>(&self, conn: &mut AnyConnection) -> Result<Vec<T>, sqlx::Error>
    where
        T: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin,
    {
        let (text, args) = self.parts(conn)?;
        sqlx::query_as_with(sqlx::AssertSqlSafe(text), args).fetch_all(conn).await
    }

    /// Runs the statement; its one row.
    pub async fn fetch_one<T>(&self, conn: &mut AnyConnection) -> Result<T, sqlx::Error>
    where
        T: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin,
    {
        let (text, args) = self.parts(conn)?;
        sqlx::query_as_with(sqlx::AssertSqlSafe(text), args).fetch_one(conn).await
    }

    /// Runs the statement.
    pub async fn execute(&self, conn: &mut AnyConnection) -> Result<AnyQueryResult, sqlx::Error> {
        let (text, args) = self.parts(conn)?;
        sqlx::query_with(sqlx::AssertSqlSafe(text), args).execute(conn).await
    }
}

fn unbound(i: usize) -> sqlx::Error {
    sqlx::Error::Protocol(format!("placeholder ${} has no value", i + 1))
}

fn arguments<'a>(values: impl Iterator<Item = &'a Value>) -> Result<AnyArguments, sqlx::Error> {
    let mut args = AnyArguments::default();
    for v in values {
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

/// `text` with each `$n` outside quoted literals made `?`, and the value
/// index (n − 1) of each in order.
fn positional(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut order = Vec::new();
    let mut quoted = false;
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c != '$' || quoted || !chars.peek().is_some_and(|(_, d)| d.is_ascii_digit()) {
            out.push(c);
            continue;
        }
        let mut n = 0usize;
        while let Some(&(_, d)) = chars.peek() {
            let Some(v) = d.to_digit(10) else { break };
            n = n * 10 + v as usize;
            chars.next();
        }
        out.push('?');
        order.push(n.saturating_sub(1));
    }
    (out, order)
}

/// The rows `select` (a statement ending in `… IN `) reads for `ids`, 500
/// ids a statement: a kind's details for a page of records.
pub async fn rows_for_ids<T>(conn: &mut sqlx::AnyConnection, select: &str, ids: &[i64]) -> crate::Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    rows_for_ids_with(conn, select, &[], ids, "").await
}

/// As [`rows_for_ids`], with `binds` for the placeholders `select` holds
/// before its `IN ` and `tail` after the list (a `GROUP BY`).
pub async fn rows_for_ids_with<T>(
    conn: &mut sqlx::AnyConnection,
    select: &str,
    binds: &[Value],
    ids: &[i64],
    tail: &str,
) -> crate::Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut q = Sql::written(select, binds.to_vec());
        q.row(chunk.iter().map(|i| Value::Int(*i)));
        q.push(tail);
        let mut rows: Vec<T> = q.fetch_all(&mut *conn).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_placeholders_become_positional_in_order_of_use() {
        let (text, order) = positional("SELECT $2, '$1 stays', x FROM t WHERE a = $1 AND b = $12 AND c = $1");
        assert_eq!(text, "SELECT ?, '$1 stays', x FROM t WHERE a = ? AND b = ? AND c = ?");
        assert_eq!(order, [1, 0, 11, 0]);
        let (text, order) = positional("json_extract(labels, '$.a') = $1");
        assert_eq!((text.as_str(), order), ("json_extract(labels, '$.a') = ?", vec![0]));
    }
}
