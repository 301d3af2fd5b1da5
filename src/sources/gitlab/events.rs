//! The history of the issues that changed: their state events (closed, reopened) and,
//! where a label scope is configured, their label events, one list per issue each.
//!
//! An issue that is open and was never reopened has no state events, and most open issues
//! are such: so state events are read for the closed issues and for the open ones the
//! projects' event lists (`/projects/:id/events?action=reopened`, a page per hundred reopens)
//! name as reopened, which spares a request per open issue. GitLab.com prunes project
//! events after three years: an open issue reopened before that shows no close and reopen.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
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

    /// The ids of the issues of the catalog's projects reopened after `from` (ever, when
    /// `None`); an event list that cannot be read leaves its issues' state events to be read
    /// one by one.
    pub(super) async fn reopened(
        &self,
        from: Option<DateTime<Utc>>,
    ) -> Result<Option<HashSet<u64>>, SourceError> {
        let mut ids = HashSet::new();
        let mut query = vec![
            ("target_type", "issue".to_string()),
            ("action", "reopened".to_string()),
        ];
        // `after` takes a date and is exclusive: a day earlier covers the whole window.
        if let Some(f) = from {
            let day = (f - chrono::Duration::days(1)).date_naive();
            query.push(("after", day.format("%Y-%m-%d").to_string()));
        }
        let mut projects: Vec<u64> = self.catalog.paths.keys().copied().collect();
        projects.sort_unstable();
        for p in projects {
            let found: Vec<Result<dto::ProjectEvent, Unreadable>> =
                self.all(&format!("/projects/{p}/events"), &query).await?;
            for e in found {
                match e {
                    Ok(e) => ids.extend(e.target_id),
                    Err(_) => return Ok(None),
                }
            }
        }
        Ok(Some(ids))
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
        let any = issue.closed()
            || self
                .reopened
                .as_ref()
                .is_none_or(|r| r.contains(&issue.id));
        let states: Vec<Result<dto::StateEvent, Unreadable>> = if !any {
            Vec::new()
        } else {
            match self.all(&format!("{base}/resource_state_events"), &[]).await {
                Ok(s) => s,
                Err(SourceError::NotFound(_)) => return Ok(Read::Gone),
                Err(e) => return Err(e),
            }
        };
        let mut events = Vec::with_capacity(states.len());
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
            let labels: Vec<Result<dto::LabelEvent, Unreadable>> =
                match self.all(&format!("{base}/resource_label_events"), &[]).await {
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
