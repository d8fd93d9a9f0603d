//! Admin-defined CI classes: added and changed by admins, checked with the
//! built-in ones as a whole (unknown parents, cycles, attributes declared
//! twice). A change applies to CIs when they are next written.

use crate::error::Code;
use crate::{Actor, App, FieldError, error::AppError};
use steward_domain::access;
use steward_domain::cmdb::{Class, Schema, builtin};
use steward_store::{cmdb, now_micros};

impl App {
    /// Every class, built-in and admin-defined, in key order, with the
    /// version of admin-defined ones (None for built-in).
    pub async fn ci_classes(&self) -> Result<Vec<(Class, Option<i64>)>, AppError> {
        self.cmdb
            .read(&self.store, |v| {
                let custom: std::collections::HashMap<&str, i64> =
                    v.custom.iter().map(|(c, ver)| (c.key.as_str(), *ver)).collect();
                v.schema.classes().map(|c| (c.clone(), custom.get(c.key.as_str()).copied())).collect()
            })
            .await
    }

    /// Adds a class, or replaces an admin-defined one (`version` must be
    /// the one read).
    pub async fn save_ci_class(&self, actor: &Actor, class: Class, version: Option<i64>) -> Result<i64, AppError> {
        access::can_define_classes(actor.role)?;
        let key = class.key.clone();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            return Err(AppError::field("key", Code::KeyChars.msg("use lower-case letters, digits and _")));
        }
        if builtin().iter().any(|b| b.key == key) {
            return Err(AppError::field(
                "key",
                Code::BuiltinClass.msg(format!("{key} is a built-in class")).with("key", key),
            ));
        }
        let others: Vec<Class> = self
            .cmdb
            .read(&self.store, |v| v.custom.iter().map(|(c, _)| c.clone()).filter(|c| c.key != key).collect())
            .await?;
        let exists = self.cmdb.read(&self.store, |v| v.custom.iter().any(|(c, _)| c.key == key)).await?;
        let mut all = builtin();
        all.extend(others);
        all.push(class.clone());
        if let Err(problems) = Schema::new(all) {
            let prefix = format!("classes.{key}.");
            return Err(AppError::Invalid(
                problems
                    .into_iter()
                    .map(|p| FieldError::new(p.field.strip_prefix(&prefix).unwrap_or(&p.field), p.reason))
                    .collect(),
            ));
        }
        let def = serde_json::to_string(&class).map_err(|e| AppError::Internal(e.to_string()))?;
        let saved = self
            .store
            .write(move |c| {
                Box::pin(async move {
                    cmdb::bump_rev(c).await?;
                    let now = now_micros();
                    match (exists, version) {
                        (false, _) => {
                            cmdb::insert_class(c, &key, &def, now).await?;
                            Ok(1)
                        }
                        (true, None) => Err(AppError::VersionRequired),
                        (true, Some(v)) => cmdb::update_class(c, &key, &def, v, now)
                            .await?
                            .ok_or(AppError::Stale { sent: v, current: v + 1 }),
                    }
                })
            })
            .await;
        self.cmdb.written();
        saved
    }
}
