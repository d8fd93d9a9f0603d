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
    pub fn arguments(&self) -> Result<AnyArguments, sqlx::Error> {
        let mut args = AnyArguments::default();
        for v in &self.values {
            match v {
                Value::Int(i) => args.add(*i),
                Value::Text(s) => args.add(s.clone()),
            }
            .map_err(sqlx::Error::Encode)?;
        }
        Ok(args)
    }
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
