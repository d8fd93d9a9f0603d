//! Personal dashboards (issue 14, migration 0040): the panels each user
//! chose; and the live counts of one's own work the agent's panel shows
//! (the daily totals carry no assignee, and one person's records are few).

use crate::Result;
use crate::sql::{Sql, Value};
use sqlx::AnyConnection;

/// The panels `user` chose (JSON), if they chose any.
pub async fn get(conn: &mut AnyConnection, user: i64) -> Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT panels FROM dashboards WHERE user_id = $1").bind(user).fetch_optional(conn).await?;
    Ok(row.map(|r| r.0))
}

/// Keeps `user`'s panels (none: back to their role's default).
pub async fn put(conn: &mut AnyConnection, user: i64, panels: Option<&str>, now: i64) -> Result<()> {
    match panels {
        None => {
            sqlx::query("DELETE FROM dashboards WHERE user_id = $1").bind(user).execute(conn).await?;
        }
        Some(p) => {
            sqlx::query(
                "INSERT INTO dashboards (user_id, panels, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET panels = excluded.panels, updated_at = excluded.updated_at",
            )
            .bind(user)
            .bind(p.to_owned())
            .bind(now)
            .execute(conn)
            .await?;
        }
    }
    Ok(())
}

/// The records of `kind` assigned to `user` in one of `open` states, per
/// priority: `(priority, open, breached)`.
pub async fn open_work(conn: &mut AnyConnection, kind: &str, user: i64, open: &[&str]) -> Result<Vec<(i64, i64, i64)>> {
    if open.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::written(
        "SELECT state, priority, CAST(COUNT(*) AS BIGINT), \
         CAST(SUM(CASE WHEN sla_breached <> 0 THEN 1 ELSE 0 END) AS BIGINT) FROM records WHERE kind = $1 AND assignee_id = $2 AND state IN ",
        vec![Value::from(kind), Value::Int(user)],
    );
    q.row(open.iter().map(|s| Value::from(*s)));
    // Grouped by state too, so the (kind, assignee, state, priority) index
    // gives the groups in order and only the open rows are read.
    q.push(" GROUP BY state, priority");
    let rows: Vec<(String, i64, i64, i64)> = q.fetch_all(conn).await?;
    let mut by: std::collections::BTreeMap<i64, (i64, i64)> = std::collections::BTreeMap::new();
    for (_, p, n, b) in rows {
        let e = by.entry(p).or_default();
        e.0 += n;
        e.1 += b;
    }
    Ok(by.into_iter().map(|(p, (n, b))| (p, n, b)).collect())
}

/// How many records of `kind` assigned to `user` were resolved from `from`
/// to `to` (microseconds, `to` not included).
pub async fn resolved_work(conn: &mut AnyConnection, kind: &str, user: i64, from: i64, to: i64) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM records WHERE kind = $1 AND assignee_id = $2 \
         AND resolved_at IS NOT NULL AND resolved_at >= $3 AND resolved_at < $4",
    )
    .bind(kind.to_owned())
    .bind(user)
    .bind(from)
    .bind(to)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// The user most records are assigned to, and how many (a benchmark's
/// busiest agent).
pub async fn busiest_assignee(conn: &mut AnyConnection) -> Result<Option<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT assignee_id, CAST(COUNT(*) AS BIGINT) FROM records WHERE assignee_id IS NOT NULL \
         GROUP BY assignee_id ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .fetch_optional(conn)
    .await?)
}
