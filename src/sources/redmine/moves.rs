//! Where a Redmine issue can move. Redmine 5.1 and later say which statuses the workflow
//! lets this user give the issue (`include=allowed_statuses`); an older server does not, and
//! then every status is offered and a write the workflow refuses is caught when the issue is
//! read back (see `write`).

use super::{RedmineSource, dto};
use crate::sources::SourceError;

impl RedmineSource {
    /// The statuses the issue can move to, in Redmine's order, without the one it is in
    /// (Redmine lists that one too, as the choice to leave it). An empty list means the
    /// workflow lets this user move it nowhere.
    pub(super) async fn allowed_statuses(&self, ticket: u64) -> Result<Vec<String>, SourceError> {
        let query = [("include".to_string(), "allowed_statuses".to_string())];
        let answer: dto::IssueMoves = self.get(&format!("/issues/{ticket}.json"), &query).await?;
        let current = answer.issue.status.id;
        let listed = match answer.issue.allowed_statuses {
            Some(allowed) => allowed,
            None => {
                let all: dto::Statuses = self.get("/issue_statuses.json", &[]).await?;
                all.issue_statuses
            }
        };
        let mut out: Vec<String> = Vec::new();
        for s in listed.into_iter().filter(|s| s.id != current) {
            let name = crate::text::sanitize(&s.name);
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_server_leaves_the_allowed_statuses_out() {
        let old: dto::IssueMoves =
            serde_json::from_str(r#"{"issue":{"id":7,"status":{"id":1,"name":"New"}}}"#)
                .expect("Redmine 4's shape");
        assert!(old.issue.allowed_statuses.is_none());
        let new: dto::IssueMoves = serde_json::from_str(
            r#"{"issue":{"id":7,"status":{"id":1,"name":"New"},"allowed_statuses":[]}}"#,
        )
        .expect("Redmine 5.1's shape");
        assert_eq!(
            new.issue.allowed_statuses.map(|a| a.len()),
            Some(0),
            "an empty list is an answer: nowhere to go"
        );
    }
}
