//! Changes lookout makes in GitLab: one `PUT /projects/:id/issues/:iid` (assignees, state,
//! labels) or one `POST .../notes` each, and the issue read fresh before one (its
//! precondition and pre-image). A ticket's key (`group/project#12`) says where it lives.

use serde_json::{Value, json};

use super::map::{CLOSED, OPEN};
use super::{GitLabSource, dto, encode, map};
use crate::sources::{Change, Facts, SourceError, TrackerAction};

/// The project path and issue iid in a ticket key.
fn locate(key: &str) -> Result<(String, u64), SourceError> {
    key.rsplit_once('#')
        .and_then(|(path, iid)| Some((path, iid.parse().ok()?)))
        .filter(|(path, _)| !path.is_empty())
        .map(|(path, iid)| (format!("/projects/{}/issues/{iid}", encode(path)), iid))
        .ok_or_else(|| {
            SourceError::Refused(format!(
                "{key:?} is not a GitLab issue reference (group/project#number)"
            ))
        })
}

impl GitLabSource {
    async fn issue_now(&self, key: &str) -> Result<dto::Issue, SourceError> {
        let (path, _) = locate(key)?;
        self.get_json(&path, &[]).await
    }

    /// The issue as GitLab has it now: its status (state, or its status label), first
    /// assignee (name, and the user id a write takes) and priority label.
    pub(super) async fn read_facts(&mut self, key: &str) -> Result<Facts, SourceError> {
        let issue = self.issue_now(key).await?;
        let (status, priority, priority_name) =
            self.settings.standing(issue.closed(), &issue.labels);
        let assigned = issue.assigned();
        Ok(Facts {
            status: crate::text::sanitize(status),
            assignee: assigned.map(|u| crate::text::sanitize(u.shown())),
            assignee_login: assigned.map(|u| u.id.to_string()),
            priority,
            priority_name: crate::text::sanitize(priority_name),
        })
    }

    /// The values of the status scope the issue's project has labels for (group labels
    /// included), in GitLab's order.
    async fn status_values(&self, key: &str) -> Result<Vec<String>, SourceError> {
        match self.settings.status_scope.as_deref() {
            Some(scope) => self.scope_values(key, scope).await,
            None => Ok(Vec::new()),
        }
    }

    /// The values of `scope` the issue's project has labels for (group labels included), in
    /// GitLab's order.
    async fn scope_values(&self, key: &str, scope: &str) -> Result<Vec<String>, SourceError> {
        let (path, _) = locate(key)?;
        let project = path.split("/issues/").next().unwrap_or_default();
        let query = [("search", format!("{scope}::"))];
        let labels: Vec<Result<dto::Label, _>> =
            self.all(&format!("{project}/labels"), &query).await?;
        let mut out: Vec<String> = Vec::new();
        for l in labels.into_iter().flatten() {
            if let Some(v) = map::scoped(Some(scope), &l.name)
                && !out.iter().any(|o| o == v)
            {
                out.push(v.to_string());
            }
        }
        Ok(out)
    }

    /// The issue's labels of `scope` other than `keep`: GitLab's Free tier does not make a
    /// scoped label replace its scope's other value, so a write removes them itself.
    async fn others_in_scope(
        &self,
        key: &str,
        scope: &str,
        keep: &str,
    ) -> Result<Option<String>, SourceError> {
        let issue = self.issue_now(key).await?;
        let others: Vec<&str> = issue
            .labels
            .iter()
            .filter(|l| map::scoped(Some(scope), l).is_some() && !l.eq_ignore_ascii_case(keep))
            .map(String::as_str)
            .collect();
        Ok((!others.is_empty()).then(|| others.join(",")))
    }

    /// Open or Closed, whichever it is not, then the status scope's values but its own.
    pub(super) async fn allowed_statuses(&mut self, key: &str) -> Result<Vec<String>, SourceError> {
        let issue = self.issue_now(key).await?;
        let (now, _, _) = self.settings.standing(issue.closed(), &issue.labels);
        let now = now.to_string();
        let mut out = vec![if issue.closed() { OPEN } else { CLOSED }.to_string()];
        for v in self.status_values(key).await? {
            if v != now && v != CLOSED && v != OPEN {
                out.push(v);
            }
        }
        Ok(out
            .into_iter()
            .map(|s| crate::text::sanitize(&s))
            .filter(|s| !s.is_empty())
            .collect())
    }

    /// The fields of a `PUT` that moves the issue to `status`.
    async fn move_to(&self, key: &str, status: &str) -> Result<Value, SourceError> {
        if status.eq_ignore_ascii_case(CLOSED) {
            return Ok(json!({ "state_event": "close" }));
        }
        if status.eq_ignore_ascii_case(OPEN) || status.eq_ignore_ascii_case("reopened") {
            return Ok(json!({ "state_event": "reopen" }));
        }
        let known = self.status_values(key).await?;
        let Some(value) = known.iter().find(|v| v.eq_ignore_ascii_case(status)) else {
            let mut names = vec![OPEN.to_string(), CLOSED.to_string()];
            names.extend(known);
            return Err(SourceError::Refused(format!(
                "GitLab has no status {status:?} for {key}; it has {}",
                names.join(", ")
            )));
        };
        let scope = self.settings.status_scope.as_deref().unwrap_or_default();
        let label = format!("{scope}::{value}");
        // A closed issue is reopened, since a status label on a closed issue shows nowhere.
        let mut body = json!({ "add_labels": label, "state_event": "reopen" });
        if let Some(others) = self.others_in_scope(key, scope, &label).await? {
            body["remove_labels"] = Value::String(others);
        }
        Ok(body)
    }

    /// The fields of a `PUT` that sets the priority: the project's own label of that level
    /// (`priority::2` where the project numbers them), else one named for it.
    async fn prioritise(&self, key: &str, scope: &str, name: &str) -> Result<Value, SourceError> {
        let wanted = map::priority(name);
        let values = self.scope_values(key, scope).await?;
        let value = values
            .iter()
            .find(|v| v.eq_ignore_ascii_case(name))
            .or_else(|| values.iter().find(|v| map::priority(v) == wanted))
            .cloned()
            .unwrap_or_else(|| name.to_string());
        let label = format!("{scope}::{value}");
        let mut body = json!({ "add_labels": label });
        if let Some(others) = self.others_in_scope(key, scope, &label).await? {
            body["remove_labels"] = Value::String(others);
        }
        Ok(body)
    }

    pub(super) async fn write(&mut self, action: &TrackerAction) -> Result<(), SourceError> {
        let (issue, _) = locate(&action.key)?;
        let (method, path, body) = match &action.change {
            Change::Assign { login } => {
                let id: u64 = login.parse().map_err(|_| {
                    SourceError::Refused(format!(
                        "{login:?} is not a GitLab user id; pick a project member"
                    ))
                })?;
                (reqwest::Method::PUT, issue, json!({ "assignee_ids": [id] }))
            }
            // GitLab's documented way to clear the assignees.
            Change::Unassign => (reqwest::Method::PUT, issue, json!({ "assignee_ids": [0] })),
            Change::Transition { status } => {
                let body = self.move_to(&action.key, status).await?;
                (reqwest::Method::PUT, issue, body)
            }
            Change::SetPriority { priority } => {
                let Some(scope) = self.settings.priority_scope.as_deref() else {
                    return Err(SourceError::Unsupported(format!(
                        "this GitLab source has no priority_scope; cannot {action}"
                    )));
                };
                let body = self.prioritise(&action.key, scope, priority).await?;
                (reqwest::Method::PUT, issue, body)
            }
            Change::AddLabel { label } => {
                (reqwest::Method::PUT, issue, json!({ "add_labels": label }))
            }
            Change::Comment { body } => {
                let path = format!("{issue}/notes");
                (reqwest::Method::POST, path, json!({ "body": body }))
            }
        };
        self.call(method, &path, &[], Some(&body)).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_says_where_the_issue_lives() {
        let (path, iid) = locate("grp/sub/app#12").expect("a reference");
        assert_eq!(path, "/projects/grp%2Fsub%2Fapp/issues/12");
        assert_eq!(iid, 12);
        assert!(locate("#12").is_err());
        assert!(locate("grp/app#x").is_err());
        assert!(locate("grp/app").is_err());
    }
}
