//! Redmine, over its REST JSON API with an API key (`X-Redmine-API-Key`).
//!
//! Issues come by keyset paging on (`updated_on`, id) from the window's start, so an issue
//! updated while lookout pages cannot shift another out of view; each new issue's journals
//! (its status, assignee and priority changes, and its notes) come from the issue itself.

mod connector;
mod dto;
mod map;
mod moves;
mod trial;
mod write;

pub use connector::CONNECTOR;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use futures::{StreamExt, TryStreamExt};
use reqwest::RequestBuilder;

use serde::Deserialize;

use super::http::{Http, HttpError, Policy};
use super::lenient::{Listing, field_at_fault, warn_each};
use super::{Budget, Facts, Source, SourceError, SweepClock, TrackerAction, Trial, Window};
use crate::domain::{ChangeSet, Member, Project, Sweep, TimeEntry};
use map::Catalog;

const PAGE: usize = 100;
/// New tickets per stored batch: a kill during a first sync loses at most this much work.
const BATCH: usize = 500;
/// Redmine times have whole seconds and its writes commit after their timestamp.
const OVERLAP_SECS: i64 = 120;
/// Journals are one request per issue; a few at a time keeps a small server responsive.
const CONCURRENCY: usize = 4;
/// Skipped records named one line each, per kind and batch, before the rest are counted.
const NAMED_SKIPS: usize = 20;

/// One issue read with its journals.
enum Fetched {
    Issue(Box<dto::Issue>),
    /// Deleted since it was listed.
    Gone,
    /// Not what Redmine documents: why, with the field at fault.
    Unreadable(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub url: String,
    /// The environment variable that holds the API key.
    pub api_key_env: String,
    /// Project identifiers to sync; empty for every visible project.
    pub projects: Vec<String>,
    /// How often to look for deleted issues.
    pub sweep_every: Duration,
}

pub struct RedmineSource {
    name: String,
    source: Arc<str>,
    settings: Settings,
    http: Result<Http, HttpError>,
    catalog: Catalog,
    sweeps: SweepClock,
    /// Between the batches of one sync, the cursor handed out: the catalog is read once.
    continuing: Option<String>,
}

impl RedmineSource {
    pub fn new(name: &str, settings: Settings, policy: Policy) -> RedmineSource {
        RedmineSource {
            name: name.to_string(),
            source: Arc::from(name),
            sweeps: SweepClock::new(settings.sweep_every),
            settings,
            http: Http::new(policy),
            catalog: Catalog::default(),
            continuing: None,
        }
    }

    fn http(&self) -> Result<&Http, SourceError> {
        self.http.as_ref().map_err(|e| SourceError::from(e.clone()))
    }

    fn key(&self) -> Result<String, SourceError> {
        super::secret(
            &self.settings.api_key_env,
            "api_key_env",
            "the Redmine API key (My account, API access key)",
        )
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.settings.url.trim_end_matches('/'))
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<T, SourceError> {
        let (key, url) = (self.key()?, self.url(path));
        let build = |c: &reqwest::Client| -> RequestBuilder {
            c.get(&url).header("X-Redmine-API-Key", &key).query(query)
        };
        Ok(self.http()?.json(build).await?)
    }

    /// Statuses, priorities, projects and their members: the names journals refer to by id.
    /// What could not be read goes to `warnings`.
    async fn refresh_catalog(
        &mut self,
        warnings: &mut Vec<String>,
    ) -> Result<(Vec<Project>, Vec<Member>), SourceError> {
        let statuses: dto::Statuses = self.get("/issue_statuses.json", &[]).await?;
        let trackers: dto::Trackers = self.get("/trackers.json", &[]).await?;
        let priorities: dto::Priorities =
            self.get("/enumerations/issue_priorities.json", &[]).await?;
        let defaults: Vec<u64> = trackers
            .trackers
            .iter()
            .filter_map(|t| t.default_status.as_ref().map(|s| s.id))
            .collect();
        let mut catalog = Catalog::default();
        catalog.set_statuses(statuses.issue_statuses, &defaults);
        catalog.set_priorities(priorities.issue_priorities);

        let mut listed = Vec::new();
        loop {
            let page: dto::ProjectsPage = self
                .get("/projects.json", &paging(listed.len(), PAGE))
                .await?;
            let n = page.projects.len();
            listed.extend(page.projects);
            if n < PAGE || listed.len() >= page.total_count {
                break;
            }
        }
        let wanted = &self.settings.projects;
        if let Some(missing) = wanted
            .iter()
            .find(|w| !listed.iter().any(|p| &p.identifier == *w))
        {
            return Err(SourceError::Config(format!(
                "project {missing:?} is not visible to this API key (check `projects` and the \
                 key's memberships)"
            )));
        }
        listed.retain(|p| wanted.is_empty() || wanted.contains(&p.identifier));

        let mut members = Vec::new();
        for p in &listed {
            catalog.projects.insert(p.id, p.identifier.clone());
            let mut seen = 0;
            loop {
                let path = format!("/projects/{}/memberships.json", p.id);
                let page: dto::Memberships = self.get(&path, &paging(seen, PAGE)).await?;
                let memberships = match page.memberships {
                    Listing::Items(m) => m,
                    Listing::NotAList(what) => {
                        warnings.push(format!(
                            "Redmine answered {what} instead of a list for the memberships of \
                             {}: its members are not updated this sync",
                            p.identifier
                        ));
                        break;
                    }
                };
                seen += memberships.0.len();
                let (memberships, odd) = memberships.split();
                warn_each(
                    odd.iter().map(|u| {
                        format!(
                            "a membership of {} skipped ({}): {}",
                            p.identifier,
                            u.name_or("no id"),
                            u.reason
                        )
                    }),
                    NAMED_SKIPS,
                    warnings,
                );
                for user in memberships.into_iter().filter_map(|m| m.user) {
                    catalog.users.insert(user.id, user.name.clone());
                    members.push(Member {
                        source: self.name.as_str().into(),
                        project: p.identifier.as_str().into(),
                        login: compact_str::ToCompactString::to_compact_string(&user.id),
                        display_name: user.name.into(),
                    });
                }
                if seen >= page.total_count || seen % PAGE != 0 {
                    break;
                }
            }
        }
        let base = self.settings.url.trim_end_matches('/');
        let projects = listed
            .into_iter()
            .map(|p| Project {
                source: self.name.clone(),
                url: Some(format!("{base}/projects/{}", p.identifier)),
                key: p.identifier,
                name: p.name,
                description: p.description.unwrap_or_default(),
                created: p.created_on,
                target: None,
            })
            .collect();
        self.catalog = catalog;
        Ok((projects, members))
    }

    /// Redmine's generic filter syntax, which (unlike the short form) combines with a
    /// project list.
    fn filters(&self, extra: &[(&str, &str, String)]) -> Vec<(String, String)> {
        let mut q = vec![
            ("set_filter".to_string(), "1".to_string()),
            ("f[]".to_string(), "status_id".to_string()),
            ("op[status_id]".to_string(), "*".to_string()),
        ];
        self.project_filter(&mut q);
        for (field, op, value) in extra {
            q.push(("f[]".into(), field.to_string()));
            q.push((format!("op[{field}]"), op.to_string()));
            q.push((format!("v[{field}][]"), value.clone()));
        }
        q
    }

    fn project_filter(&self, q: &mut Vec<(String, String)>) {
        if self.settings.projects.is_empty() {
            return;
        }
        q.push(("f[]".into(), "project_id".into()));
        q.push(("op[project_id]".into(), "=".into()));
        for id in self.catalog.projects.keys() {
            q.push(("v[project_id][]".into(), id.to_string()));
        }
    }

    /// An issue with its journals; `Gone` when it was deleted between the list and this
    /// request (the sweep will notice), `Unreadable` with the field at fault when one of its
    /// fields is not what Redmine documents.
    async fn with_journals(&self, id: u64) -> Result<Fetched, SourceError> {
        let path = format!("/issues/{id}.json");
        let query = [("include".to_string(), "journals".to_string())];
        let mut answer = match self.get::<serde_json::Value>(&path, &query).await {
            Ok(v) => v,
            Err(SourceError::NotFound(_)) => return Ok(Fetched::Gone),
            Err(e) => return Err(e),
        };
        let issue = answer
            .get_mut("issue")
            .map(serde_json::Value::take)
            .unwrap_or_default();
        Ok(match dto::Issue::deserialize(&issue) {
            Ok(issue) => Fetched::Issue(Box::new(issue)),
            Err(e) => Fetched::Unreadable(field_at_fault::<dto::Issue>(&issue, &e)),
        })
    }

    async fn fetch_changes(
        &mut self,
        cursor: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<ChangeSet, SourceError> {
        let overlap = chrono::Duration::seconds(OVERLAP_SECS);
        let mut window = Window::parse(cursor.as_deref());
        let mut changes = ChangeSet::new(self.name.clone());
        let continuing = self.continuing.take().is_some_and(|c| cursor == Some(c));
        if !continuing {
            let (projects, members) = self.refresh_catalog(&mut changes.warnings).await?;
            changes.projects = projects;
            changes.members = members;
        }
        let sync_start = window.entries_from(overlap);
        // Keyset position: (updated_on, how many issues at exactly that time are behind us).
        let mut from = window.from(overlap);
        let mut offset = 0usize;
        let mut fresh: Vec<(u64, DateTime<Utc>)> = Vec::new();
        let mut skipped: Vec<String> = Vec::new();
        loop {
            let mut extra = vec![];
            if let Some(f) = from {
                extra.push(("updated_on", ">=", stamp(f)));
            }
            let mut q = self.filters(&extra);
            q.push(("sort".into(), "updated_on,id".into()));
            q.extend(paging(offset, PAGE));
            let page: dto::IssuesPage = self.get("/issues.json", &q).await?;
            let n = page.issues.0.len();
            let (listed, odd) = page.issues.split();
            skipped.extend(
                odd.into_iter()
                    .map(|u| format!("Redmine issue #{} skipped: {}", u.name_or("?"), u.reason)),
            );
            for i in &listed {
                if !window.seen(i.id, i.updated_on) && !fresh.iter().any(|f| f.0 == i.id) {
                    fresh.push((i.id, i.updated_on));
                }
            }
            if let Some(last) = listed.last() {
                let at = last.updated_on;
                let tied = listed.iter().filter(|i| i.updated_on == at).count();
                offset = if from == Some(at) {
                    offset + tied
                } else {
                    tied
                };
                from = Some(at);
            } else {
                // Nothing on the page read: step over it, or the same page comes back.
                offset += n;
            }
            if n < PAGE {
                break;
            }
            if fresh.len() >= BATCH {
                changes.more = true;
                break;
            }
        }

        let ids: Vec<u64> = fresh.iter().map(|f| f.0).collect();
        let this = &*self;
        let issues: Vec<(u64, Fetched)> = futures::stream::iter(ids)
            .map(|id| async move { Ok::<_, SourceError>((id, this.with_journals(id).await?)) })
            .buffered(CONCURRENCY)
            .try_collect()
            .await?;
        let base = self.settings.url.clone();
        for (id, fetched) in issues {
            let issue = match fetched {
                Fetched::Issue(issue) => *issue,
                Fetched::Gone => continue,
                Fetched::Unreadable(why) => {
                    skipped.push(format!("Redmine issue #{id} skipped: {why}"));
                    continue;
                }
            };
            let mapped = map::issue(&self.source, &base, &self.catalog, issue);
            changes.tickets.push(mapped.ticket);
            changes.transitions.extend(mapped.transitions);
            changes.notes.extend(mapped.notes);
        }
        for (id, updated) in &fresh {
            window.add(*id, *updated);
        }
        warn_each(skipped, NAMED_SKIPS, &mut changes.warnings);

        if !changes.more {
            let sweeping = self.sweeps.due(&mut window, sync_start.is_none(), now);
            // A sweep re-reads every time entry: edits to old ones show up only there.
            let since = sync_start.filter(|_| !sweeping);
            changes.time_entries = self.time_entries(since, &mut changes.warnings).await?;
            if sweeping {
                changes.sweep = self
                    .all_ids(&mut changes.warnings)
                    .await?
                    .map(|present| Sweep { present, at: now });
            }
        }
        window.keep_entries_from(sync_start, changes.more);
        let next = window.cursor(overlap);
        if changes.more {
            self.continuing = Some(next.clone());
        }
        changes.cursor = Some(next);
        Ok(changes)
    }

    /// Time entries: all of them, or those created or edited since `from`. Redmine cannot
    /// filter time entries on when they changed, so an incremental read takes the newest
    /// created first and stops at `from`; edits to older entries wait for the next full read.
    async fn time_entries(
        &self,
        from: Option<DateTime<Utc>>,
        warnings: &mut Vec<String>,
    ) -> Result<Vec<TimeEntry>, SourceError> {
        let mut out = Vec::new();
        let mut odd = Vec::new();
        let mut read = 0;
        loop {
            let mut q = vec![
                ("set_filter".to_string(), "1".to_string()),
                ("sort".to_string(), "created_on:desc".to_string()),
            ];
            self.project_filter(&mut q);
            q.extend(paging(read, PAGE));
            let page: dto::TimeEntries = self.get("/time_entries.json", &q).await?;
            let n = page.time_entries.0.len();
            read += n;
            let (entries, unreadable) = page.time_entries.split();
            odd.extend(unreadable.into_iter().map(|u| {
                format!(
                    "Redmine time entry {} skipped: {}",
                    u.name_or("?"),
                    u.reason
                )
            }));
            let reached = from.is_some_and(|f| entries.iter().any(|e| e.created_on < f));
            let fresh = |e: &dto::TimeEntryDto| from.is_none_or(|f| e.updated_on >= f);
            out.extend(entries.into_iter().filter(fresh).filter_map(|e| {
                Some(TimeEntry {
                    source: self.name.clone(),
                    ticket: e.issue?.id,
                    id: e.id,
                    at: e
                        .spent_on
                        .and_hms_opt(12, 0, 0)
                        .map(|d| d.and_utc())
                        .unwrap_or(e.updated_on),
                    member: e.user.name,
                    hours: e.hours,
                    comment: e.comments.unwrap_or_default(),
                })
            }));
            if reached || n < PAGE || read >= page.total_count {
                warn_each(odd, NAMED_SKIPS, warnings);
                return Ok(out);
            }
        }
    }

    /// Every issue id the tracker still has, by keyset on id (a deletion while paging
    /// cannot hide a live issue); `None` (and a warning) when one does not read, since a
    /// sweep without it would delete that ticket.
    async fn all_ids(&self, warnings: &mut Vec<String>) -> Result<Option<Vec<u64>>, SourceError> {
        let mut ids = Vec::new();
        loop {
            let next = ids.last().map_or(1, |l| l + 1);
            let mut q = self.filters(&[("issue_id", ">=", next.to_string())]);
            q.push(("sort".into(), "id".into()));
            q.extend(paging(0, PAGE));
            let page: dto::IdsPage = self.get("/issues.json", &q).await?;
            let n = page.issues.0.len();
            let (listed, odd) = page.issues.split();
            if let Some(u) = odd.first() {
                warnings.push(format!(
                    "the check for deleted Redmine issues was skipped: the list held an issue \
                     it could not read ({})",
                    u.reason
                ));
                return Ok(None);
            }
            ids.extend(listed.iter().map(|i| i.id));
            if n < PAGE {
                return Ok(Some(ids));
            }
        }
    }
}

fn paging(offset: usize, limit: usize) -> Vec<(String, String)> {
    vec![
        ("offset".to_string(), offset.to_string()),
        ("limit".to_string(), limit.to_string()),
    ]
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Source for RedmineSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn fetch<'a>(
        &'a mut self,
        cursor: Option<String>,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<ChangeSet, SourceError>> {
        Box::pin(self.fetch_changes(cursor, now))
    }

    fn projects(&mut self) -> BoxFuture<'_, Result<Vec<Project>, SourceError>> {
        Box::pin(async move { Ok(self.refresh_catalog(&mut Vec::new()).await?.0) })
    }

    fn trial(&mut self) -> BoxFuture<'_, Result<Option<Trial>, SourceError>> {
        Box::pin(async move { Ok(Some(self.trial_read().await?)) })
    }

    fn facts<'a>(
        &'a mut self,
        ticket: u64,
        _key: &'a str,
    ) -> BoxFuture<'a, Result<Facts, SourceError>> {
        Box::pin(self.read_facts(ticket))
    }

    fn statuses<'a>(
        &'a mut self,
        ticket: u64,
        _key: &'a str,
    ) -> BoxFuture<'a, Result<Vec<String>, SourceError>> {
        Box::pin(self.allowed_statuses(ticket))
    }

    fn apply<'a>(
        &'a mut self,
        action: &'a TrackerAction,
    ) -> BoxFuture<'a, Result<(), SourceError>> {
        Box::pin(self.write(action))
    }

    fn budget(&self) -> Option<Budget> {
        self.http.as_ref().ok()?.reported_budget()
    }
}
