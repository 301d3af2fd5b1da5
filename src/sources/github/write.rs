//! Changes lookout makes in GitHub, and the issue's writable fields read fresh before one.
//!
//! Assigning adds the new assignee first and then, once GitHub's answer shows them
//! assigned, removes the others (an issue is never left unassigned by a failed half); closing says why (`completed`, or `not_planned` for
//! "Closed (not planned)"); a label status or priority is added and the other labels of its
//! kind removed. "In progress" is not a GitHub status but what an assigned open issue shows,
//! so a move there is refused with that said. On a project-backed source a move to one of
//! the status field's options sets the field instead (see `board_write`).

use reqwest::Method;
use serde_json::{Value, json};

use super::{GithubSource, dto, map, parse_key};
use crate::domain::Priority;
use crate::sources::{Change, Facts, SourceError, TrackerAction};

/// The status a close as not planned is offered as.
pub const NOT_PLANNED: &str = "Closed (not planned)";

/// What a move to a status means on GitHub.
#[derive(Debug, PartialEq)]
enum Move<'a> {
    State { open: bool, reason: &'static str },
    Label(&'a str),
}

/// Everyone assigned to `issue`, once each (`assignee` repeats the first of `assignees`).
fn logins(issue: &dto::Issue) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for u in issue.assignees.iter().chain(issue.assignee.iter()) {
        if !out.contains(&u.login.as_str()) {
            out.push(&u.login);
        }
    }
    out
}

impl GithubSource {
    fn issue_url(&self, repo: &str, number: u64, tail: &str) -> String {
        self.url(&format!("/repos/{repo}/issues/{number}{tail}"))
    }

    async fn read_issue(&self, repo: &str, number: u64) -> Result<dto::Issue, SourceError> {
        Ok(self.get(&self.issue_url(repo, number, "")).await?.parse()?)
    }

    async fn send(&self, method: Method, url: &str, body: Value) -> Result<(), SourceError> {
        self.request(method, url, None, Some(&body)).await.map(drop)
    }

    pub(super) async fn read_facts(&mut self, key: &str) -> Result<Facts, SourceError> {
        Ok(self.facts_and_options(key).await?.0)
    }

    /// The issue's facts and, on a project-backed source, the status field's options.
    async fn facts_and_options(&self, key: &str) -> Result<(Facts, Vec<String>), SourceError> {
        let (repo, number) = parse_key(key)?;
        let issue = self.read_issue(repo, number).await?;
        let labels: Vec<&str> = issue.labels.iter().map(|l| l.name.as_str()).collect();
        let who = issue.first_assignee();
        let open = issue.state != "closed";
        let (by_labels, _) = map::status(&self.settings.labels, open, &labels, who.is_some());
        let mut status = by_labels.to_string();
        let mut options = Vec::new();
        if let Some(board) = &self.settings.project {
            let standing = self.standing(board, key).await?;
            if let Some((_, value)) = &standing.item {
                status = board.shown(open, value.as_deref()).0;
            }
            options = standing.layout.options.into_iter().map(|o| o.1).collect();
        }
        let priority = self.settings.labels.priority(&labels);
        let facts = Facts {
            status: crate::text::sanitize(&status),
            assignee: who.map(crate::text::sanitize),
            assignee_login: who.map(str::to_string),
            priority: priority.map_or(Priority::Medium, |p| p.0),
            priority_name: crate::text::sanitize(
                priority.map_or(Priority::Medium.label(), |p| p.1),
            ),
        };
        Ok((facts, options))
    }

    /// Open, closed and closed as not planned, then the configured status labels; without
    /// the one the issue is in.
    pub(super) async fn allowed_statuses(&mut self, key: &str) -> Result<Vec<String>, SourceError> {
        let (facts, options) = self.facts_and_options(key).await?;
        let mut out: Vec<String> = Vec::new();
        let names = [map::OPEN, map::CLOSED, NOT_PLANNED]
            .into_iter()
            .chain(options.iter().map(String::as_str))
            .chain(self.settings.labels.status_names());
        for name in names {
            let name = crate::text::sanitize(name);
            if !name.eq_ignore_ascii_case(&facts.status) && !out.contains(&name) {
                out.push(name);
            }
        }
        Ok(out)
    }

    fn move_for<'a>(&'a self, status: &'a str) -> Result<Move<'a>, SourceError> {
        let is = |name: &str| status.trim().eq_ignore_ascii_case(name);
        if is(map::OPEN) || is("reopened") {
            return Ok(Move::State {
                open: true,
                reason: "reopened",
            });
        }
        if is(map::CLOSED) || is("completed") {
            return Ok(Move::State {
                open: false,
                reason: "completed",
            });
        }
        if is(NOT_PLANNED) || is("not planned") {
            return Ok(Move::State {
                open: false,
                reason: "not_planned",
            });
        }
        if let Some(label) = self.settings.labels.status_names().find(|l| is(l)) {
            return Ok(Move::Label(label));
        }
        if is(map::IN_PROGRESS) {
            return Err(SourceError::Refused(
                "GitHub has no status \"In progress\": an open issue shows it while someone is \
                 assigned; assign the issue instead"
                    .into(),
            ));
        }
        Err(SourceError::Refused(format!(
            "GitHub has no status {status:?}; it has {}, {}, {NOT_PLANNED:?} and the status \
             labels in the config",
            map::OPEN,
            map::CLOSED
        )))
    }

    /// Adds `label` and takes off the issue's other labels that `same_kind` says are of its
    /// kind (another status, another priority).
    async fn swap_label(
        &self,
        repo: &str,
        number: u64,
        label: &str,
        same_kind: impl Fn(&str) -> bool,
    ) -> Result<dto::Issue, SourceError> {
        let issue = self.read_issue(repo, number).await?;
        self.send(
            Method::POST,
            &self.issue_url(repo, number, "/labels"),
            json!({ "labels": [label] }),
        )
        .await?;
        for old in issue.labels.iter().map(|l| l.name.as_str()) {
            if same_kind(old) && !old.eq_ignore_ascii_case(label) {
                let mut url = reqwest::Url::parse(&self.issue_url(repo, number, "/labels"))
                    .map_err(|e| SourceError::Config(format!("{}: {e}", self.settings.url)))?;
                url.path_segments_mut()
                    .map_err(|()| {
                        SourceError::Config(format!("{} is not a base", self.settings.url))
                    })?
                    .push(old);
                self.request(Method::DELETE, url.as_str(), None, None)
                    .await?;
            }
        }
        Ok(issue)
    }

    pub(super) async fn reopen(&self, repo: &str, number: u64) -> Result<(), SourceError> {
        self.send(
            Method::PATCH,
            &self.issue_url(repo, number, ""),
            json!({ "state": "open", "state_reason": "reopened" }),
        )
        .await
    }

    pub(super) async fn write(&mut self, action: &TrackerAction) -> Result<(), SourceError> {
        let (repo, number) = parse_key(&action.key)?;
        if let (Change::Transition { status }, Some(board)) =
            (&action.change, &self.settings.project)
            && self.board_move(board, &action.key, status).await?
        {
            return Ok(());
        }
        let assignees = self.issue_url(repo, number, "/assignees");
        match &action.change {
            Change::Assign { login } => {
                let issue = self.read_issue(repo, number).await?;
                let body = json!({ "assignees": [login] });
                let after: dto::Issue = self
                    .request(Method::POST, &assignees, None, Some(&body))
                    .await?
                    .parse()?;
                // GitHub answers 201 and quietly leaves out a user it cannot assign; removing
                // the others then would leave the issue with nobody.
                if !logins(&after).iter().any(|l| l.eq_ignore_ascii_case(login)) {
                    return Err(SourceError::Refused(format!(
                        "GitHub did not assign {}: the user may not be assigned issues in {repo}                          (not a collaborator, or no such user); the issue keeps its assignees",
                        crate::text::sanitize(login)
                    )));
                }
                let mut others = logins(&issue);
                others.retain(|l| !l.eq_ignore_ascii_case(login));
                if !others.is_empty() {
                    self.send(Method::DELETE, &assignees, json!({ "assignees": others }))
                        .await?;
                }
            }
            Change::Unassign => {
                let issue = self.read_issue(repo, number).await?;
                let all = logins(&issue);
                if !all.is_empty() {
                    self.send(Method::DELETE, &assignees, json!({ "assignees": all }))
                        .await?;
                }
            }
            Change::Transition { status } => match self.move_for(status)? {
                Move::State { open, reason } => {
                    let state = if open { "open" } else { "closed" };
                    self.send(
                        Method::PATCH,
                        &self.issue_url(repo, number, ""),
                        json!({ "state": state, "state_reason": reason }),
                    )
                    .await?;
                }
                Move::Label(label) => {
                    let rules = &self.settings.labels;
                    let issue = self
                        .swap_label(repo, number, label, |l| rules.is_status(l))
                        .await?;
                    // A status label names where open work is: a closed issue reopens.
                    if issue.state == "closed" {
                        self.reopen(repo, number).await?;
                    }
                }
            },
            Change::SetPriority { priority } => {
                let rules = &self.settings.labels;
                let label = rules.priority_label(priority).ok_or_else(|| {
                    SourceError::Refused(format!(
                        "no priority label in the config is named {priority:?} or means it"
                    ))
                })?;
                self.swap_label(repo, number, label, |l| rules.is_priority(l))
                    .await?;
            }
            Change::AddLabel { label } => {
                self.send(
                    Method::POST,
                    &self.issue_url(repo, number, "/labels"),
                    json!({ "labels": [label] }),
                )
                .await?;
            }
            Change::Comment { body } => {
                self.send(
                    Method::POST,
                    &self.issue_url(repo, number, "/comments"),
                    json!({ "body": body }),
                )
                .await?;
            }
        }
        Ok(())
    }
}
