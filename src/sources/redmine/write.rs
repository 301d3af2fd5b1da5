//! Changes lookout makes in Redmine: one `PUT /issues/{id}.json` each, and the issue's
//! writable fields read fresh before one (its precondition and pre-image).

use serde_json::{Value, json};

use super::{RedmineSource, dto};
use crate::sources::{Change, Facts, SourceError, TrackerAction};

impl RedmineSource {
    /// The issue as Redmine has it now: the assignee's name and user id (the login a write
    /// takes), and the priority's name and its level among Redmine's priorities.
    pub(super) async fn read_facts(&mut self, ticket: u64) -> Result<Facts, SourceError> {
        if self.catalog.priorities.is_empty() {
            self.refresh_catalog(&mut Vec::new()).await?;
        }
        let now: dto::OneIssue = self.get(&format!("/issues/{ticket}.json"), &[]).await?;
        let issue = now.issue;
        let level = self
            .catalog
            .priorities
            .iter()
            .find(|p| p.0 == issue.priority.id)
            .map(|p| p.2)
            .unwrap_or(crate::domain::Priority::Medium);
        Ok(Facts {
            status: crate::text::sanitize(&issue.status.name),
            assignee: issue
                .assigned_to
                .as_ref()
                .map(|a| crate::text::sanitize(&a.name)),
            assignee_login: issue.assigned_to.as_ref().map(|a| a.id.to_string()),
            priority: level,
            priority_name: crate::text::sanitize(&issue.priority.name),
        })
    }

    pub(super) async fn write(&mut self, action: &TrackerAction) -> Result<(), SourceError> {
        if self.catalog.statuses.is_empty() {
            self.refresh_catalog(&mut Vec::new()).await?;
        }
        // A status change is confirmed by reading the issue back (see `check_status`).
        let mut moved_to: Option<u64> = None;
        let fields: Value = match &action.change {
            Change::Assign { login } => {
                let id: u64 = login.parse().map_err(|_| {
                    SourceError::Refused(format!(
                        "{login:?} is not a Redmine user id; pick a project member"
                    ))
                })?;
                json!({ "assigned_to_id": id })
            }
            // Redmine clears a field given an empty value.
            Change::Unassign => json!({ "assigned_to_id": "" }),
            Change::Transition { status } => {
                let id = self.catalog.status_id(status).ok_or_else(|| {
                    let known: Vec<&str> = self
                        .catalog
                        .statuses
                        .values()
                        .map(|s| s.0.as_str())
                        .collect();
                    SourceError::Refused(format!(
                        "Redmine has no status {status:?}; it has {}",
                        known.join(", ")
                    ))
                })?;
                moved_to = Some(id);
                json!({ "status_id": id })
            }
            Change::SetPriority { priority } => {
                let id = self.catalog.priority_id(priority).ok_or_else(|| {
                    SourceError::Refused(format!("Redmine has no priority {priority:?}"))
                })?;
                json!({ "priority_id": id })
            }
            Change::Comment { body } => json!({ "notes": body }),
            Change::AddLabel { .. } => {
                return Err(SourceError::Unsupported(format!(
                    "Redmine issues have no labels; cannot {action}"
                )));
            }
        };
        let key = self.key()?;
        let url = self.url(&format!("/issues/{}.json", action.ticket));
        let body = json!({ "issue": fields });
        self.http()?
            .send(|c| c.put(&url).header("X-Redmine-API-Key", &key).json(&body))
            .await?;
        match moved_to {
            Some(id) => self.check_status(action, id).await,
            None => Ok(()),
        }
    }

    /// Redmine answers a status its workflow does not allow this user with success and
    /// leaves the status as it was, so the only way to know is to read the issue back.
    async fn check_status(&self, action: &TrackerAction, wanted: u64) -> Result<(), SourceError> {
        let path = format!("/issues/{}.json", action.ticket);
        let now: dto::OneIssue = self.get(&path, &[]).await.map_err(|e| {
            SourceError::Unreachable(format!(
                "Redmine took the change but {} could not be read back to confirm its status: {e}",
                action.key
            ))
        })?;
        if now.issue.status.id == wanted {
            return Ok(());
        }
        let wanted = crate::text::sanitize(
            self.catalog
                .statuses
                .get(&wanted)
                .map_or("", |s| s.0.as_str()),
        );
        Err(SourceError::Refused(format!(
            "Redmine kept {} in {:?}: its workflow does not let this user move it to {wanted:?} \
             from there",
            action.key,
            crate::text::sanitize(&now.issue.status.name)
        )))
    }
}
