//! The problems (and known errors) an article documents and the services
//! it is about: resolved from numbers and names, journaled, written.

use super::ArticleInput;
use crate::Code;
use crate::error::too_many;
use crate::{App, error::AppError, problems};
use steward_domain::journal::FieldChange;
use steward_store::{Conn, StoreError, articles as store_articles, cmdb, records};

/// At most this many problems or services an article names.
pub const MAX_LINKS: usize = 50;

/// Links as sent, resolved: `None` keeps what is there.
#[derive(Debug, Clone, Default)]
pub(crate) struct Links {
    /// (id, number)
    pub problems: Option<Vec<(i64, i64)>>,
    /// (id, name)
    pub services: Option<Vec<(i64, String)>>,
}

/// The links an article has now, as the journal names them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Current {
    pub problems: Vec<i64>,
    pub services: Vec<i64>,
}

fn list_text(items: impl Iterator<Item = String>) -> Option<String> {
    let v: Vec<String> = items.collect();
    (!v.is_empty()).then(|| v.join(", "))
}

impl Links {
    pub fn changes(&self, old: &Current) -> Vec<FieldChange> {
        let mut out = Vec::new();
        if let Some(p) = &self.problems {
            let old = list_text(old.problems.iter().map(|n| problems::number(*n)));
            out.extend(FieldChange::new("problems", old, list_text(p.iter().map(|(_, n)| problems::number(*n)))));
        }
        if let Some(s) = &self.services {
            let old = list_text(old.services.iter().map(|id| id.to_string()));
            out.extend(FieldChange::new("services", old, list_text(s.iter().map(|(id, _)| id.to_string()))));
        }
        out
    }

    pub async fn write(&self, c: &mut Conn, article_id: i64, now: i64, by: i64) -> Result<(), AppError> {
        if let Some(p) = &self.problems {
            let ids: Vec<i64> = p.iter().map(|(id, _)| *id).collect();
            store_articles::set_problems(c, article_id, &ids, now, by).await?;
        }
        if let Some(s) = &self.services {
            let ids: Vec<i64> = s.iter().map(|(id, _)| *id).collect();
            cmdb::set_record_cis(c, article_id, &ids).await?;
        }
        Ok(())
    }
}

/// What the article links to now (numbers of problems, ids of services).
pub(crate) async fn current(c: &mut Conn, article_id: i64) -> Result<Current, AppError> {
    let problems = store_articles::problems_of(c, article_id).await?.into_iter().map(|l| l.number).collect();
    let services = cmdb::record_cis(c, article_id).await?;
    Ok(Current { problems, services })
}

impl App {
    /// Resolves the problems and services an input names; every one that
    /// is not there is named.
    pub(crate) async fn resolve_links(&self, input: &ArticleInput) -> Result<Links, AppError> {
        let mut bad = crate::error::Errors::default();
        let mut links = Links::default();
        if let Some(list) = &input.problems {
            if list.len() > MAX_LINKS {
                bad.add("problems", too_many(format!("at most {MAX_LINKS} problems"), MAX_LINKS));
            }
            let mut numbers = Vec::new();
            for (i, s) in list.iter().enumerate() {
                match steward_domain::number::RecordKind::Problem.seq_of(s) {
                    Some(n) => numbers.push(n),
                    None => bad.add(
                        &format!("problems[{i}]"),
                        Code::NotProblemNumber
                            .msg(format!("{s:?} is not a problem number ({})", problems::number(42)))
                            .with("text", format!("{s:?}")),
                    ),
                }
            }
            numbers.sort_unstable();
            numbers.dedup();
            let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
            let found = records::numbered(&mut conn, problems::KIND, &numbers).await?;
            for n in &numbers {
                if !found.iter().any(|f| f.number == *n) {
                    let number = problems::number(*n);
                    bad.add(
                        "problems",
                        Code::NoProblemNumbered.msg(format!("no problem {number}")).with("number", number),
                    );
                }
            }
            links.problems = Some(found.into_iter().map(|f| (f.id, f.number)).collect());
        }
        if let Some(list) = &input.services {
            if list.len() > MAX_LINKS {
                bad.add("services", too_many(format!("at most {MAX_LINKS} services"), MAX_LINKS));
            }
            let mut found: Vec<(i64, String)> = Vec::new();
            for (i, name) in list.iter().enumerate() {
                match self.resolve_service(name).await {
                    Ok(s) => found.push(s),
                    Err(_) => bad.add(
                        &format!("services[{i}]"),
                        Code::NoService
                            .msg(format!("no service named {:?}", name.trim()))
                            .with("name", format!("{:?}", name.trim())),
                    ),
                }
            }
            found.sort();
            found.dedup();
            links.services = Some(found);
        }
        bad.finish()?;
        Ok(links)
    }
}
