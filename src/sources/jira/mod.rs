//! Jira Cloud, over REST v3 with Basic auth (account email and API token).
//!
//! Issues come from `POST /rest/api/3/search/jql` (the old `/search` is gone) with bounded
//! JQL, explicit fields and `nextPageToken` paging, oldest update first; their status,
//! assignee and priority histories from `POST /rest/api/3/changelog/bulkfetch`, for up to
//! a thousand issues a request. JQL takes times in the user's own zone, so the window keeps
//! the offset Jira writes its times in.
//!
//! Real sites are messier than the docs: changelogs name statuses renamed or retired since
//! (`status`), one issue may hold a field of another type (`issues`), worklogs are listed
//! site-wide, so a source of some projects takes them from its issues instead (`worklog`).
//! The connector never fails a sync over one odd record: it skips it and says which and why.

mod catalog;
mod connector;
mod dto;
mod issues;
mod map;
mod moves;
mod search;
mod status;
mod trial;
mod worklog;
mod write;

pub use connector::CONNECTOR;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Offset, Utc};
use futures::future::BoxFuture;
use reqwest::RequestBuilder;
use serde_json::Value;

use super::http::{Body, Http, HttpError, Policy, Repeat};
use super::{Budget, Facts, Source, SourceError, SweepClock, TrackerAction, Trial, Window};
use crate::domain::{ChangeSet, Interner, Project, Sweep, Ticket};
use issues::{OddIssues, unplaced_warning};
use status::{Outcome, Statuses};
use worklog::IssueWorklogs;

const PAGE: usize = 100;
const SWEEP_PAGE: usize = 1000;
/// Changelogs for this many issues per bulk request (Jira's maximum).
const CHANGELOG_ISSUES: usize = 1000;
/// New tickets per stored batch: a kill during a first sync loses at most this much work.
const BATCH: usize = 2000;
/// JQL has minute precision, and a local time in the hour a clock falls back is ambiguous.
const OVERLAP_MINUTES: i64 = 70;
/// Skipped records named one line each, per kind and sync, before the rest are counted.
const NAMED_SKIPS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The site, as users browse it (`https://example.atlassian.net`).
    pub url: String,
    /// With a scoped API token, requests go through `api.atlassian.com` for this cloud id.
    pub cloud_id: Option<String>,
    pub email: String,
    /// The environment variable that holds the API token.
    pub token_env: String,
    /// Project keys to sync; empty for every visible project.
    pub projects: Vec<String>,
    pub sweep_every: Duration,
}

/// Atlassian's API gateway, where requests with a scoped token go.
const GATEWAY: &str = "https://api.atlassian.com";

impl Settings {
    #[cfg(test)]
    fn api(&self) -> String {
        self.api_through(GATEWAY)
    }

    fn api_through(&self, gateway: &str) -> String {
        let base = match &self.cloud_id {
            Some(id) => format!("{}/ex/jira/{id}", gateway.trim_end_matches('/')),
            None => self.url.clone(),
        };
        base.trim_end_matches('/').to_string()
    }
}

/// A search in progress, kept between the batches of one sync.
struct Resume {
    cursor: String,
    /// A page token belongs to its query: the resumed search must send the same JQL.
    jql: String,
    token: String,
}

pub struct JiraSource {
    name: String,
    source: Arc<str>,
    settings: Settings,
    http: Result<Http, HttpError>,
    points: Option<String>,
    statuses: Statuses,
    sweeps: SweepClock,
    /// Status and people names repeat in every changelog: one copy each.
    strings: Interner,
    resume: Option<Resume>,
    gateway: String,
    /// What the sync in progress has seen so far, over its batches.
    seen: SyncNotes,
}

/// Kept over the batches of one sync, and reported when it ends: each odd thing once.
#[derive(Default)]
struct SyncNotes {
    /// Changelog statuses placed neither by id nor by name.
    unplaced: BTreeSet<String>,
}

impl JiraSource {
    pub fn new(name: &str, settings: Settings, policy: Policy) -> JiraSource {
        JiraSource::through(name, settings, policy, GATEWAY)
    }

    /// A source whose scoped-token requests go to `gateway` instead of Atlassian's (a
    /// stand-in on 127.0.0.1, for tests of what reaches the gateway).
    pub fn through(name: &str, settings: Settings, policy: Policy, gateway: &str) -> JiraSource {
        JiraSource {
            name: name.to_string(),
            source: Arc::from(name),
            sweeps: SweepClock::new(settings.sweep_every),
            strings: Interner::default(),
            settings,
            http: Http::new(policy),
            points: None,
            statuses: Statuses::default(),
            resume: None,
            gateway: gateway.to_string(),
            seen: SyncNotes::default(),
        }
    }

    fn http(&self) -> Result<&Http, SourceError> {
        self.http.as_ref().map_err(|e| SourceError::from(e.clone()))
    }

    fn token(&self) -> Result<String, SourceError> {
        super::secret(
            &self.settings.token_env,
            "token_env",
            "a Jira API token (id.atlassian.com, Security, API tokens)",
        )
    }

    fn request(
        &self,
        c: &reqwest::Client,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> RequestBuilder {
        c.request(
            method,
            format!("{}{path}", self.settings.api_through(&self.gateway)),
        )
        .basic_auth(&self.settings.email, Some(token))
        .header("Accept", "application/json")
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, SourceError> {
        let token = self.token()?;
        let build = |c: &reqwest::Client| {
            self.request(c, reqwest::Method::GET, path, &token)
                .query(query)
        };
        Ok(self.http()?.json(build).await?)
    }

    async fn post<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &Value,
    ) -> Result<T, SourceError> {
        Ok(self.post_body(path, body).await?.parse()?)
    }

    /// The raw answer to a POST, for pages read into types that borrow from it. Jira's POSTs
    /// here are searches and bulk reads, safe to send again.
    async fn post_body(
        &self,
        path: &str,
        body: &(impl serde::Serialize + Sync),
    ) -> Result<Body, SourceError> {
        let token = self.token()?;
        let build = |c: &reqwest::Client| {
            self.request(c, reqwest::Method::POST, path, &token)
                .json(body)
        };
        Ok(self.http()?.body_as(Repeat::Safe, build, None).await?)
    }

    /// `from` as JQL wants it: minutes, in the user's zone. Without a known offset, the
    /// window widens to cover every zone on Earth.
    fn local_time(&self, window: &Window, from: Option<DateTime<Utc>>) -> Option<String> {
        let from = from?;
        let (offset, widen) = match window.offset().and_then(FixedOffset::east_opt) {
            Some(o) => (o, chrono::Duration::zero()),
            None => (Utc.fix(), chrono::Duration::hours(15)),
        };
        Some(
            (from - widen)
                .with_timezone(&offset)
                .format("%Y/%m/%d %H:%M")
                .to_string(),
        )
    }

    /// `project in (...)` for the configured projects (meaningful only when there are some).
    fn project_clause(&self) -> String {
        let keys: Vec<String> = self
            .settings
            .projects
            .iter()
            .map(|k| format!("\"{}\"", k.replace('"', "")))
            .collect();
        format!("project in ({})", keys.join(", "))
    }

    fn jql(&self, from: Option<String>) -> String {
        let mut parts = Vec::new();
        if !self.settings.projects.is_empty() {
            parts.push(self.project_clause());
        }
        // The search API refuses unbounded queries; an update time bounds a full read too.
        parts.push(format!(
            "updated >= \"{}\"",
            from.unwrap_or_else(|| "1970/01/01 00:00".to_string())
        ));
        format!("{} ORDER BY updated ASC, id ASC", parts.join(" AND "))
    }

    fn fields(&self) -> Vec<String> {
        let mut f: Vec<String> = [
            "summary",
            "status",
            "assignee",
            "priority",
            "labels",
            "created",
            "updated",
            "resolution",
            "resolutiondate",
            "project",
        ]
        .map(String::from)
        .to_vec();
        f.extend(self.points.clone());
        if self.worklogs_by_issue() {
            f.push("worklog".to_string());
        }
        f
    }

    async fn fetch_changes(
        &mut self,
        cursor: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<ChangeSet, SourceError> {
        let overlap = chrono::Duration::minutes(OVERLAP_MINUTES);
        let mut window = Window::parse(cursor.as_deref());
        let mut changes = ChangeSet::new(self.name.clone());
        // A search in progress goes on with its own query; the catalog is read once a sync.
        let resumed = self
            .resume
            .take()
            .filter(|r| cursor.as_deref() == Some(r.cursor.as_str()));
        let (jql, mut token) = match resumed {
            Some(r) => (r.jql, Some(r.token)),
            None => {
                self.seen = SyncNotes::default();
                let (projects, members) = self.refresh_catalog(&mut changes.warnings).await?;
                changes.projects = projects;
                changes.members = members;
                let from = self.local_time(&window, window.from(overlap));
                (self.jql(from), None)
            }
        };
        let sync_start = window.entries_from(overlap);
        let fields = self.fields();
        let mut odd = OddIssues::default();
        // Each page is mapped as it arrives, borrowing from its body: nothing of the JSON
        // outlives the page.
        let mut fresh: Vec<(Ticket, DateTime<Utc>)> = Vec::new();
        let mut logged = IssueWorklogs::default();
        loop {
            let search = dto::Search {
                jql: &jql,
                fields: &fields,
                max_results: PAGE,
                next_page_token: token.as_deref(),
            };
            let body = self.post_body("/rest/api/3/search/jql", &search).await?;
            let reading = search::SearchSeed::fields(self.points.as_deref())
                .with_worklogs(self.worklogs_by_issue());
            let page = search::read_page(&body, reading)?;
            token = page.next_page_token.filter(|_| page.is_last != Some(true));
            for issue in page.issues {
                let fields = issue.as_ref().ok().and_then(|i| i.fields.as_ref());
                let worklog = fields.and_then(|f| f.worklog);
                let Some((ticket, updated)) = self.read_issue(issue, &mut odd) else {
                    continue;
                };
                window.set_offset(updated.offset().local_minus_utc());
                let updated = updated.with_timezone(&Utc);
                // An issue read before at this update time has no worklog changed since.
                if !window.seen(ticket.id, updated) {
                    self.inline_worklogs(ticket.id, &ticket.key, worklog, &mut logged);
                    fresh.push((ticket, updated));
                }
            }
            if token.is_none() {
                break;
            }
            if fresh.len() >= BATCH {
                changes.more = true;
                break;
            }
        }

        let ids: Vec<u64> = fresh.iter().map(|(t, _)| t.id).collect();
        let mut histories = self.changelogs(&ids, &mut odd.histories).await?;
        changes.time_entries = self.issue_worklogs(logged, &mut changes.warnings).await?;
        for (mut ticket, updated) in fresh {
            let mut log = histories.remove(&ticket.id).unwrap_or_default();
            let outcome = Outcome {
                now: ticket.category,
                resolved: ticket.resolved,
            };
            let unplaced = &mut self.seen.unplaced;
            ticket.started =
                status::work_started(&mut log.moves, &self.statuses, outcome, unplaced);
            log.transitions.sort_by_key(|t| t.at);
            window.add(ticket.id, updated);
            changes.tickets.push(ticket);
            changes.transitions.extend(log.transitions);
        }
        odd.report(&mut changes.warnings);
        window.keep_entries_from(sync_start, changes.more);
        let sweeping = !changes.more && self.sweeps.due(&mut window, sync_start.is_none(), now);
        let next = window.cursor(overlap);
        if changes.more {
            if let Some(t) = token {
                self.resume = Some(Resume {
                    cursor: next.clone(),
                    jql,
                    token: t,
                });
            }
        } else {
            if !self.worklogs_by_issue() {
                changes.time_entries = self
                    .site_worklogs(sync_start, &mut changes.warnings)
                    .await?;
            }
            if sweeping {
                changes.sweep = self
                    .all_ids(&mut changes.warnings)
                    .await?
                    .map(|present| Sweep { present, at: now });
            }
            let unplaced = self.seen.unplaced.iter();
            changes
                .warnings
                .extend(unplaced.map(|s| unplaced_warning(s)));
            self.seen = SyncNotes::default();
        }
        changes.cursor = Some(next);
        Ok(changes)
    }

    /// Every issue id still in the tracker, with the cheapest search Jira offers; `None`
    /// (and a warning) when one of them does not read, since a sweep without it would
    /// delete that ticket.
    async fn all_ids(&self, warnings: &mut Vec<String>) -> Result<Option<Vec<u64>>, SourceError> {
        let jql = self.jql(None);
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        let fields = ["id".to_string()];
        loop {
            let search = dto::Search {
                jql: &jql,
                fields: &fields,
                max_results: SWEEP_PAGE,
                next_page_token: token.as_deref(),
            };
            let body = self.post_body("/rest/api/3/search/jql", &search).await?;
            let page = body.parse_seed(search::SearchSeed::IDS)?;
            for issue in &page.issues {
                match issue.as_ref().map(|i| i.id.parse::<u64>()) {
                    Ok(Ok(id)) => ids.push(id),
                    _ => {
                        warnings.push(
                            "the check for deleted Jira issues was skipped: the search listed \
                             an issue without a readable id"
                                .to_string(),
                        );
                        return Ok(None);
                    }
                }
            }
            token = page.next_page_token.filter(|_| page.is_last != Some(true));
            if token.is_none() {
                return Ok(Some(ids));
            }
        }
    }
}

impl Source for JiraSource {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str, cloud_id: Option<&str>) -> Settings {
        Settings {
            url: url.into(),
            cloud_id: cloud_id.map(str::to_string),
            email: "a@example.com".into(),
            token_env: "T".into(),
            projects: vec![],
            sweep_every: Duration::from_secs(3600),
        }
    }

    #[test]
    fn a_scoped_token_goes_through_the_gateway_and_links_stay_on_the_site() {
        let scoped = settings(
            "https://example.atlassian.net/",
            Some("11223344-a1b2-3b33-c444-def000000000"),
        );
        assert_eq!(
            scoped.api(),
            "https://api.atlassian.com/ex/jira/11223344-a1b2-3b33-c444-def000000000"
        );
        let jira = JiraSource::new("j", scoped, Policy::default());
        assert_eq!(
            jira.settings.url, "https://example.atlassian.net/",
            "links for people keep the site"
        );
        assert_eq!(
            settings("https://example.atlassian.net/", None).api(),
            "https://example.atlassian.net"
        );
    }
}
