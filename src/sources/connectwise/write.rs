//! Changes lookout makes in ConnectWise: a JSON-Patch to the ticket for its status, owner
//! and priority (each by id), a POST for a note; and the ticket read fresh before one. A
//! project ticket (its key says so) is the same record below `/project/tickets`.

use serde_json::{Value, json};

use super::source::ConnectWiseSource;
use super::{dto, map, projects};
use crate::sources::{Change, Facts, SourceError, TrackerAction};

/// The ticket's record: a service ticket, or a project ticket where its key says so.
fn path_of(ticket: u64, key: &str) -> String {
    if projects::is_project_ticket(key) {
        format!("/project/tickets/{ticket}")
    } else {
        format!("/service/tickets/{ticket}")
    }
}

impl ConnectWiseSource {
    async fn ticket_now(&self, ticket: u64, key: &str) -> Result<dto::ServiceTicket, SourceError> {
        self.client()?.get(&path_of(ticket, key)).await
    }

    /// The statuses of the ticket's board, in the board's order.
    async fn statuses_of(&self, board: u64) -> Result<Vec<dto::BoardStatus>, SourceError> {
        self.client()?
            .list_short(&format!("/service/boards/{board}/statuses"), None)
            .await
    }

    pub(super) async fn read_facts(
        &mut self,
        ticket: u64,
        key: &str,
    ) -> Result<Facts, SourceError> {
        let t = self.ticket_now(ticket, key).await?;
        let priority_name = t
            .priority
            .as_ref()
            .and_then(|p| p.name.as_deref())
            .unwrap_or("");
        Ok(Facts {
            status: crate::text::sanitize(t.status.name.as_deref().unwrap_or("")),
            assignee: t.owner.as_ref().map(|o| {
                crate::text::sanitize(o.name.as_deref().or(o.identifier.as_deref()).unwrap_or(""))
            }),
            assignee_login: t
                .owner
                .as_ref()
                .and_then(|o| o.identifier.as_deref())
                .map(crate::text::sanitize),
            priority: map::priority(priority_name),
            priority_name: crate::text::sanitize(priority_name),
        })
    }

    /// Where the ticket can move: its board's other statuses. ConnectWise has no per-user
    /// workflow to ask; the board's list is what its own screen offers.
    pub(super) async fn board_statuses(
        &mut self,
        ticket: u64,
        key: &str,
    ) -> Result<Vec<String>, SourceError> {
        let t = self.ticket_now(ticket, key).await?;
        let mut out: Vec<String> = Vec::new();
        for s in self.statuses_of(t.board.id).await? {
            let name = crate::text::sanitize(&s.name);
            if s.id != t.status.id && !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
        Ok(out)
    }

    /// The site's priority for `wanted`: by name, else the first whose level is the one
    /// `wanted` names (lookout's suggestions say "High"; sites call it "Priority 2 - Quick
    /// Response").
    async fn priority_id(&self, wanted: &str) -> Result<u64, SourceError> {
        let listed: Vec<dto::Reference> = self
            .client()?
            .list_short("/service/priorities", None)
            .await?;
        let name = |p: &dto::Reference| crate::text::sanitize(p.name.as_deref().unwrap_or(""));
        let level = map::priority(wanted);
        listed
            .iter()
            .find(|p| name(p).eq_ignore_ascii_case(wanted))
            .or_else(|| listed.iter().find(|p| map::priority(&name(p)) == level))
            .map(|p| p.id)
            .ok_or_else(|| {
                let known: Vec<String> = listed.iter().map(name).collect();
                SourceError::Refused(format!(
                    "ConnectWise has no priority {wanted:?}; it has {}",
                    known.join(", ")
                ))
            })
    }

    pub(super) async fn write(&mut self, action: &TrackerAction) -> Result<(), SourceError> {
        let path = path_of(action.ticket, &action.key);
        let op =
            |field: &str, value: Value| json!([{ "op": "replace", "path": field, "value": value }]);
        let patch = match &action.change {
            Change::Transition { status } => {
                // By id: a status name is unique on a board only, and ConnectWise resolves a
                // name against the ticket's board anyway, which the id makes explicit.
                let t = self.ticket_now(action.ticket, &action.key).await?;
                let listed = self.statuses_of(t.board.id).await?;
                let id = listed
                    .iter()
                    .find(|s| crate::text::sanitize(&s.name).eq_ignore_ascii_case(status))
                    .map(|s| s.id)
                    .ok_or_else(|| {
                        let known: Vec<String> = listed
                            .iter()
                            .map(|s| crate::text::sanitize(&s.name))
                            .collect();
                        SourceError::Refused(format!(
                            "board {:?} has no status {status:?}; it has {}",
                            crate::text::sanitize(t.board.name.as_deref().unwrap_or("")),
                            known.join(", ")
                        ))
                    })?;
                op("status", json!({ "id": id }))
            }
            Change::Assign { login } => op("owner", json!({ "identifier": login })),
            Change::Unassign => json!([{ "op": "remove", "path": "owner" }]),
            Change::SetPriority { priority } => op(
                "priority",
                json!({ "id": self.priority_id(priority).await? }),
            ),
            Change::Comment { body } => {
                let note = json!({
                    "text": body,
                    "detailDescriptionFlag": true,
                    "internalAnalysisFlag": false,
                    "resolutionFlag": false,
                });
                return self.client()?.post(&format!("{path}/notes"), &note).await;
            }
            Change::AddLabel { .. } => {
                return Err(SourceError::Unsupported(format!(
                    "ConnectWise tickets have no labels; cannot {action}"
                )));
            }
        };
        self.client()?.patch(&path, &patch).await
    }
}
