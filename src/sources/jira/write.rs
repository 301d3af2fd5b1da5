//! Changes lookout makes in Jira. Status moves go through the issue's available
//! transitions (see `moves`), comments are written in ADF. Before a change the
//! issue's writable fields are read fresh (its precondition and pre-image).

use serde_json::{Value, json};

use super::{JiraSource, dto, map};
use crate::sources::{Change, Facts, SourceError, TrackerAction};

impl JiraSource {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> Result<(), SourceError> {
        let token = self.token()?;
        self.http()?
            .send(|c| self.request(c, method.clone(), path, &token).json(body))
            .await?;
        Ok(())
    }

    /// The issue as Jira has it now: status, assignee (display name, and the account id a
    /// write takes) and priority.
    pub(super) async fn read_facts(&mut self, ticket: u64) -> Result<Facts, SourceError> {
        let path = format!("/rest/api/3/issue/{ticket}");
        let query = [("fields", "status,assignee,priority".to_string())];
        let issue: dto::FactsIssue = self.get(&path, &query).await?;
        let f = issue.fields;
        let priority_name = f.priority.map(|p| p.name).unwrap_or_default();
        Ok(Facts {
            status: crate::text::sanitize(&f.status.name),
            assignee: f
                .assignee
                .as_ref()
                .map(|a| crate::text::sanitize(&a.display_name)),
            assignee_login: f.assignee.map(|a| a.account_id),
            priority: map::priority(&priority_name),
            priority_name: crate::text::sanitize(&priority_name),
        })
    }

    pub(super) async fn write(&mut self, action: &TrackerAction) -> Result<(), SourceError> {
        use reqwest::Method;
        let issue = format!("/rest/api/3/issue/{}", action.ticket);
        match &action.change {
            Change::Assign { login } => {
                self.send(
                    Method::PUT,
                    &format!("{issue}/assignee"),
                    &json!({ "accountId": login }),
                )
                .await
            }
            Change::Unassign => {
                self.send(
                    Method::PUT,
                    &format!("{issue}/assignee"),
                    &json!({ "accountId": null }),
                )
                .await
            }
            Change::SetPriority { priority } => {
                let body = json!({ "fields": { "priority": { "name": priority } } });
                self.send(Method::PUT, &issue, &body).await
            }
            Change::AddLabel { label } => {
                let body = json!({ "update": { "labels": [ { "add": label } ] } });
                self.send(Method::PUT, &issue, &body).await
            }
            Change::Comment { body } => {
                let body = json!({ "body": map::adf(body) });
                self.send(Method::POST, &format!("{issue}/comment"), &body)
                    .await
            }
            Change::Transition { status } => {
                let id = self
                    .transition_to(action.ticket, &action.key, status)
                    .await?;
                let body = json!({ "transition": { "id": id } });
                self.send(Method::POST, &format!("{issue}/transitions"), &body)
                    .await
            }
        }
    }
}
