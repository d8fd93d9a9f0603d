//! "Assign to me": the acting agent becomes the assignee, in the
//! incident's group when they belong to it, else in their own group when
//! the incident has none.

use crate::Code;
use crate::{
    Actor, App,
    error::AppError,
    incidents::{IncidentPatch, Patch},
};
use steward_store::{StoreError, accounts, records::Incident};

impl App {
    /// The patch that assigns `inc` to `actor`.
    pub(crate) async fn assign_to_me_patch(&self, actor: &Actor, inc: &Incident) -> Result<IncidentPatch, AppError> {
        let me = Patch::Set(actor.username.clone());
        match inc.assignment_group_id {
            Some(g) if actor.group_ids.contains(&g) => Ok(IncidentPatch { assignee: me, ..IncidentPatch::default() }),
            Some(_) => Err(AppError::field(
                "assignee",
                Code::NotMember
                    .msg(format!("{} is not a member of the assignment group", actor.display_name))
                    .with("who", &actor.display_name),
            )),
            None => {
                let mut conn = self.store.pool().acquire().await.map_err(StoreError::from)?;
                let group = accounts::groups_of(&mut conn, actor.id).await?.into_iter().next().ok_or_else(|| {
                    AppError::field(
                        "assignment_group",
                        Code::NotInAnyGroup.msg("you are not a member of any assignment group"),
                    )
                })?;
                Ok(IncidentPatch { assignee: me, assignment_group: Patch::Set(group.name), ..IncidentPatch::default() })
            }
        }
    }

    /// Assigns the incident to the acting agent, if it is still at `version`.
    pub async fn assign_to_me(&self, actor: &Actor, number: &str, version: Option<i64>) -> Result<Incident, AppError> {
        let inc = self.get_incident(actor, number).await?;
        steward_domain::access::can_edit(crate::incidents::viewer(actor, &inc))?;
        let patch = self.assign_to_me_patch(actor, &inc).await?;
        self.update_incident(actor, number, version, patch).await
    }
}
