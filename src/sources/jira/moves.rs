//! Where a Jira issue can move: its available transitions (Jira has no "set status"), as the
//! statuses they lead to for a picker, and the one transition that reaches a status for a
//! write. Jira lists only what the workflow allows from the issue's current status, for
//! this user.

use super::{JiraSource, dto};
use crate::sources::SourceError;

/// The status a transition leads to, as tickets show it (the transition's own name when
/// Jira leaves out where it goes).
fn target(t: &dto::TransitionDto) -> String {
    let name = t.to.as_ref().map_or(t.name.as_str(), |to| to.name.as_str());
    crate::text::sanitize(name)
}

impl JiraSource {
    async fn transitions(&self, ticket: u64) -> Result<Vec<dto::TransitionDto>, SourceError> {
        let path = format!("/rest/api/3/issue/{ticket}/transitions");
        let available: dto::Transitions = self.get(&path, &[]).await?;
        Ok(available.transitions)
    }

    /// The statuses the issue can move to now, in Jira's order, each once (two transitions
    /// may lead to the same status).
    pub(super) async fn allowed_statuses(&self, ticket: u64) -> Result<Vec<String>, SourceError> {
        let mut out: Vec<String> = Vec::new();
        for t in self.transitions(ticket).await? {
            let name = target(&t);
            if !name.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&name)) {
                out.push(name);
            }
        }
        Ok(out)
    }

    /// The id of the transition that moves the issue to `status` (by the status it leads
    /// to, else by the transition's name); refused, naming where it can go, when none does.
    pub(super) async fn transition_to(
        &self,
        ticket: u64,
        key: &str,
        status: &str,
    ) -> Result<String, SourceError> {
        let available = self.transitions(ticket).await?;
        let chosen = available
            .iter()
            .find(|t| target(t).eq_ignore_ascii_case(status))
            .or_else(|| {
                available
                    .iter()
                    .find(|t| crate::text::sanitize(&t.name).eq_ignore_ascii_case(status))
            });
        match chosen {
            Some(t) => Ok(t.id.clone()),
            None => {
                let names: Vec<String> = available.iter().map(target).collect();
                Err(SourceError::Refused(format!(
                    "{key} cannot move to {status:?} from where it is; it can move to: {}",
                    names.join(", ")
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transition_leads_to_its_status_or_is_named_for_it() {
        let listed: dto::Transitions = serde_json::from_str(
            r#"{"expand":"transitions","transitions":[
                {"id":"21","name":"Start work","hasScreen":false,"isGlobal":false,
                 "to":{"id":"3","name":"In Progress","statusCategory":{"id":4,"key":"indeterminate"}}},
                {"id":"41","name":"Won't Do"}
            ]}"#,
        )
        .expect("Jira Cloud's shape");
        let names: Vec<String> = listed.transitions.iter().map(target).collect();
        assert_eq!(names, ["In Progress", "Won't Do"]);
    }
}
