//! The history of the issues that changed: their state events (closed, reopened) and,
//! where a label scope is configured, their label events, one list per issue each.
//!
//! Most issues were never reopened, and their state history needs no request: an open one
//! has none, a closed one was closed once, at its `closed_at`. A reopened one's comes from
//! the projects' event lists where they hold all of it (see `state_log`), else from its own
//! `resource_state_events`, as does a closed issue without a `closed_at` (very old ones).
//! When an event list cannot be read, every issue's state events are. GitLab.com prunes
//! project events after three years: an issue reopened before then shows only its last
//! close.

use futures::{StreamExt, TryStreamExt};

use super::map::{Event, Mapped};
use super::{CONCURRENCY, GitLabSource, dto, map};
use crate::sources::SourceError;
use crate::sources::lenient::Unreadable;

/// One issue's events, or why they are missing.
enum Read {
    Events(Vec<(chrono::DateTime<chrono::Utc>, u64, Event)>),
    /// Deleted since it was listed: the sweep will notice.
    Gone,
}

impl GitLabSource {
    /// The tickets and transitions of `fresh` issues (each with its window's key).
    pub(super) async fn with_history(
        &self,
        fresh: Vec<(String, dto::Issue)>,
        skipped: &mut Vec<String>,
    ) -> Result<Vec<(String, Mapped)>, SourceError> {
        let this = self;
        let read: Vec<(String, dto::Issue, Read, Vec<String>)> = futures::stream::iter(fresh)
            .map(|(key, issue)| async move {
                let mut odd = Vec::new();
                let events = this.events(&issue, &mut odd).await?;
                Ok::<_, SourceError>((key, issue, events, odd))
            })
            .buffered(CONCURRENCY)
            .try_collect()
            .await?;
        let mut out = Vec::with_capacity(read.len());
        for (key, issue, events, odd) in read {
            skipped.extend(odd);
            let Read::Events(events) = events else {
                continue;
            };
            let Some(path) = self.path_of(&issue) else {
                skipped.push(format!(
                    "GitLab issue {} skipped: it names no project path (project id {})",
                    issue.id, issue.project_id
                ));
                continue;
            };
            let mapped = map::issue(&self.source, &self.settings, &path, issue, events);
            out.push((key, mapped));
        }
        Ok(out)
    }

    /// The issue's project path: from the catalog, else from its full reference.
    pub(super) fn path_of(&self, issue: &dto::Issue) -> Option<String> {
        if let Some(p) = self.catalog.paths.get(&issue.project_id) {
            return Some(p.clone());
        }
        let full = &issue.references.as_ref()?.full;
        let (path, _) = full.rsplit_once('#')?;
        (!path.is_empty()).then(|| path.to_string())
    }

    /// An issue's state events; `None` when it was deleted since it was listed.
    async fn state_events(
        &self,
        base: &str,
    ) -> Result<Option<Vec<Result<dto::StateEvent, Unreadable>>>, SourceError> {
        match self
            .all(&format!("{base}/resource_state_events"), &[])
            .await
        {
            Ok(s) => Ok(Some(s)),
            Err(SourceError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn events(&self, issue: &dto::Issue, odd: &mut Vec<String>) -> Result<Read, SourceError> {
        let base = format!("/projects/{}/issues/{}", issue.project_id, issue.iid);
        let name = |u: &Unreadable, what: &str| {
            format!(
                "a {what} event of GitLab issue {} skipped ({}): {}",
                issue.id,
                u.name_or("no id"),
                u.reason
            )
        };
        let log = self.state_log.as_ref();
        // Changed since the lists were read: perhaps reopened after. An issue of a project
        // outside the catalog (named by its reference) is in no list that was read.
        let reopened = log.is_none_or(|l| l.reopened(issue.id) || issue.updated_at >= l.asked())
            || !self.catalog.paths.contains_key(&issue.project_id);
        let mut events = Vec::new();
        let states = match issue.closed_at {
            _ if reopened => match log.and_then(|l| l.history_of(issue)) {
                Some(changes) => {
                    events.extend(
                        changes
                            .into_iter()
                            .map(|(at, id, closed)| (at, id, Event::State { closed })),
                    );
                    Some(Vec::new())
                }
                None => self.state_events(&base).await?,
            },
            // Closed once and never reopened: its one close is when it closed.
            Some(at) if issue.closed() => {
                events.push((at, 0, Event::State { closed: true }));
                Some(Vec::new())
            }
            None if issue.closed() => self.state_events(&base).await?,
            _ => Some(Vec::new()),
        };
        let Some(states) = states else {
            return Ok(Read::Gone);
        };
        for s in states {
            match s {
                Ok(s) => {
                    let closed = match s.state.as_str() {
                        "closed" => true,
                        "opened" | "reopened" => false,
                        // Merge requests' "merged" and "locked" never reach an issue.
                        _ => continue,
                    };
                    events.push((s.created_at, s.id, Event::State { closed }));
                }
                Err(u) => odd.push(name(&u, "state")),
            }
        }
        if self.settings.scoped() {
            let labels: Vec<Result<dto::LabelEvent, Unreadable>> = match self
                .all(&format!("{base}/resource_label_events"), &[])
                .await
            {
                Ok(l) => l,
                Err(SourceError::NotFound(_)) => return Ok(Read::Gone),
                Err(e) => return Err(e),
            };
            for l in labels {
                match l {
                    Ok(l) => {
                        let Some(label) = l.label else { continue };
                        let added = l.action == "add";
                        let name = label.name;
                        events.push((l.created_at, l.id, Event::Label { name, added }));
                    }
                    Err(u) => odd.push(name(&u, "label")),
                }
            }
        }
        Ok(Read::Events(events))
    }
}
