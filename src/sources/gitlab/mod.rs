//! GitLab (gitlab.com or self-managed), over REST API v4 with a personal, group or project
//! access token (`PRIVATE-TOKEN`, or `Authorization: Bearer` for OAuth tokens).
//!
//! Issues come per configured project or group, oldest update first, from
//! `updated_after` (see `listing` for how that stays exact while issues change under the
//! listing); for each issue that changed, its state events and, where a label scope is
//! configured, its label events give its history (`events`). Pages end when `x-next-page`
//! is empty: GitLab leaves out its totals above 10,000 results. Each project or group is
//! its own window in the cursor, so a batch that stops inside one cannot skip another.
//!
//! Not synced: time spent (GitLab lists timelogs over GraphQL only), comments, and
//! assignment history (GitLab records it only as system notes).

mod catalog;
mod connector;
mod dto;
mod events;
mod limits;
mod listing;
mod map;
mod state_log;
mod trial;
mod write;

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use reqwest::RequestBuilder;
use serde::{Deserialize, Serialize};

use super::http::{Answer, Body, Http, HttpError, Policy, Verdict};
use super::lenient::{Lenient, Unreadable, warn_each};
use super::{Budget, Facts, Source, SourceError, SweepClock, TrackerAction, Trial, Window};
use crate::domain::{ChangeSet, Project, StatusCategory, Sweep};
use catalog::Catalog;

pub use connector::CONNECTOR;

const PAGE: usize = 100;
/// New tickets per stored batch: a kill during a first sync loses at most this much work.
const BATCH: usize = 2000;
/// GitLab writes `updated_at` in its transaction, which can commit a little later.
const OVERLAP_SECS: i64 = 60;
/// Event lists are one request per issue; a few at a time keep a small instance responsive.
const CONCURRENCY: usize = 8;
/// Skipped records named one line each, per kind and batch, before the rest are counted.
const NAMED_SKIPS: usize = 20;

/// How the token travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Auth {
    /// `PRIVATE-TOKEN: <token>`: personal, group and project access tokens.
    #[default]
    PrivateToken,
    /// `Authorization: Bearer <token>`: OAuth tokens (and access tokens too).
    Bearer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The instance as users browse it (`https://gitlab.com`, or one under a path).
    pub url: String,
    /// The environment variable that holds the token.
    pub token_env: String,
    pub auth: Auth,
    /// Project paths (`group/project`).
    pub projects: Vec<String>,
    /// Group paths: their issues, and those of their subgroups' projects.
    pub groups: Vec<String>,
    /// The label scope whose values are statuses (`workflow` for `workflow::review`).
    pub status_scope: Option<String>,
    /// The label scope whose values are priorities (`priority` for `priority::high`).
    pub priority_scope: Option<String>,
    /// Status values (of `status_scope`) and their categories, beyond the name defaults.
    pub status_categories: Vec<(String, StatusCategory)>,
    /// Labels that mark a closed issue as closed without delivering, beyond the usual
    /// names (`duplicate`, `won't fix`, `invalid`...).
    pub not_delivered: Vec<String>,
    pub sweep_every: Duration,
}

impl Settings {
    fn api(&self) -> String {
        format!("{}/api/v4", self.url.trim_end_matches('/'))
    }

    /// Whether label events are worth a request per issue.
    fn scoped(&self) -> bool {
        self.status_scope.is_some() || self.priority_scope.is_some()
    }
}

/// Where issues are listed from: a project or a group, by its path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    Project(String),
    Group(String),
}

impl Target {
    fn issues_path(&self) -> String {
        match self {
            Target::Project(p) => format!("/projects/{}/issues", encode(p)),
            Target::Group(g) => format!("/groups/{}/issues", encode(g)),
        }
    }

    fn name(&self) -> String {
        match self {
            Target::Project(p) => format!("project {p}"),
            Target::Group(g) => format!("group {g}"),
        }
    }
}

/// The cursor: a window per project or group, and one for the sweep clock.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cursor {
    #[serde(default)]
    targets: BTreeMap<String, Window>,
    #[serde(default)]
    sweeps: Window,
}

impl Cursor {
    fn parse(text: Option<&str>) -> Cursor {
        text.and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default()
    }
}

/// A path as GitLab takes it in place of an id: every `/` and other reserved byte encoded.
pub fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub struct GitLabSource {
    name: String,
    source: Arc<str>,
    settings: Settings,
    policy: Policy,
    http: Result<Http, HttpError>,
    catalog: Catalog,
    sweeps: SweepClock,
    /// Between the batches of one sync, the cursor handed out: the catalog is read once.
    continuing: Option<String>,
    /// The reopens and closes since the sync's window began, read once a sync (see
    /// `events`); `None` when the event lists could not say, and every issue's state
    /// events are read.
    state_log: Option<state_log::StateLog>,
    reads: AtomicU64,
    /// This sync (all of its batches) lists every issue: it stands for a sweep.
    full_read: bool,
}

impl GitLabSource {
    pub fn new(name: &str, settings: Settings, policy: Policy) -> GitLabSource {
        GitLabSource {
            name: name.to_string(),
            source: Arc::from(name),
            sweeps: SweepClock::new(settings.sweep_every),
            settings,
            policy,
            http: Http::new(policy),
            catalog: Catalog::default(),
            continuing: None,
            state_log: None,
            reads: AtomicU64::new(0),
            full_read: false,
        }
    }

    fn http(&self) -> Result<&Http, SourceError> {
        self.http.as_ref().map_err(|e| SourceError::from(e.clone()))
    }

    fn token(&self) -> Result<String, SourceError> {
        super::secret(
            &self.settings.token_env,
            "token_env",
            "a GitLab access token (scope read_api, or api to make changes)",
        )
    }

    fn targets(&self) -> Vec<Target> {
        let projects = self.settings.projects.iter().cloned().map(Target::Project);
        let groups = self.settings.groups.iter().cloned().map(Target::Group);
        projects.chain(groups).collect()
    }

    fn authed(&self, request: RequestBuilder, token: &str) -> RequestBuilder {
        match self.settings.auth {
            Auth::PrivateToken => request.header("PRIVATE-TOKEN", token),
            Auth::Bearer => request.bearer_auth(token),
        }
    }

    /// One request to `path` under the API root, with GitLab's rate-limit signals read
    /// first (see `limits`).
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<Body, SourceError> {
        let token = self.token()?;
        let url = format!("{}{path}", self.settings.api());
        let base = self.policy.backoff_base;
        let misses = AtomicU32::new(0);
        let classify = move |a: &Answer<'_>| -> Verdict { limits::classify(a, base, &misses) };
        let build = |c: &reqwest::Client| {
            let r = self
                .authed(c.request(method.clone(), &url), &token)
                .query(query);
            match body {
                Some(b) => r.json(b),
                None => r,
            }
        };
        Ok(self.http()?.body_classified(build, Some(&classify)).await?)
    }

    async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Body, SourceError> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.call(reqwest::Method::GET, path, query, None).await
    }

    /// How many reads this source has asked its server for (the benchmark reports it).
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, SourceError> {
        Ok(self.get(path, query).await?.parse()?)
    }

    /// Every page of a list, following `x-next-page` until it is empty.
    async fn all<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Vec<Result<T, Unreadable>>, SourceError> {
        let mut out = Vec::new();
        self.pages(path, query, |items| {
            out.extend(items);
            ControlFlow::Continue(())
        })
        .await?;
        Ok(out)
    }

    /// The pages of a list, in order, each handed to `each` until it breaks or the list
    /// ends (`x-next-page` empty). Returns the server's clock at the first page, when it
    /// sent one.
    async fn pages<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        mut each: impl FnMut(Vec<Result<T, Unreadable>>) -> ControlFlow<()>,
    ) -> Result<Option<DateTime<Utc>>, SourceError> {
        let mut page = 1u64;
        let mut served = None;
        loop {
            let mut q = query.to_vec();
            q.push(("per_page", PAGE.to_string()));
            q.push(("page", page.to_string()));
            let body = self.get(path, &q).await?;
            if page == 1 {
                served = body.served_at();
            }
            if each(Lenient::<T>::from_body(&body)?.0).is_break() {
                return Ok(served);
            }
            match next_page(&body) {
                Some(n) if n > page => page = n,
                _ => return Ok(served),
            }
        }
    }

    async fn fetch_changes(
        &mut self,
        cursor: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<ChangeSet, SourceError> {
        let overlap = chrono::Duration::seconds(OVERLAP_SECS);
        let mut state = Cursor::parse(cursor.as_deref());
        let mut changes = ChangeSet::new(self.name.clone());
        let continuing = self.continuing.take().is_some_and(|c| cursor == Some(c));
        if !continuing || self.catalog.is_empty() {
            let (projects, members) = self.refresh_catalog(&mut changes.warnings).await?;
            changes.projects = projects;
            changes.members = members;
            // From where the oldest window begins; a project or group new to the cursor
            // is read whole, so its reopens are all wanted.
            let from = self
                .targets()
                .iter()
                .map(|t| state.targets.get(&key(t)).and_then(|w| w.from(overlap)))
                .min()
                .flatten();
            self.state_log = self.state_log(from, now).await?;
        }
        let targets = self.targets();
        // Decided by the sync's first batch: a first sync's later batches have windows.
        if !continuing {
            self.full_read = targets.iter().all(|t| {
                state
                    .targets
                    .get(&key(t))
                    .is_none_or(|w| w.from(overlap).is_none())
            });
        }
        let full_read = self.full_read;
        let mut skipped = Vec::new();
        let mut fresh: Vec<(String, dto::Issue)> = Vec::new();
        for target in &targets {
            let window = state.targets.entry(key(target)).or_default();
            let done = self
                .changed(target, window, overlap, &mut fresh, &mut skipped)
                .await?;
            if !done {
                changes.more = true;
                break;
            }
        }

        let mapped = self.with_history(fresh, &mut skipped).await?;
        for (target_key, m) in mapped {
            if let Some(w) = state.targets.get_mut(&target_key) {
                w.add(m.ticket.id, m.ticket.updated);
            }
            changes.tickets.push(m.ticket);
            changes.transitions.extend(m.transitions);
        }
        warn_each(skipped, NAMED_SKIPS, &mut changes.warnings);

        if !changes.more {
            let sweeping = self.sweeps.due(&mut state.sweeps, full_read, now);
            if sweeping {
                changes.sweep = self
                    .all_ids(&mut changes.warnings)
                    .await?
                    .map(|present| Sweep { present, at: now });
            }
        }
        for w in state.targets.values_mut() {
            w.cursor(overlap);
        }
        let next = serde_json::to_string(&state)
            .map_err(|e| SourceError::Invalid(format!("the cursor could not be written: {e}")))?;
        if changes.more {
            self.continuing = Some(next.clone());
        }
        changes.cursor = Some(next);
        Ok(changes)
    }
}

fn key(t: &Target) -> String {
    match t {
        Target::Project(p) => format!("project:{p}"),
        Target::Group(g) => format!("group:{g}"),
    }
}

/// `x-next-page`: a page number, or empty (or absent) on the last page.
fn next_page(body: &Body) -> Option<u64> {
    body.header("x-next-page")?.trim().parse().ok()
}

impl Source for GitLabSource {
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
        _ticket: u64,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Facts, SourceError>> {
        Box::pin(self.read_facts(key))
    }

    fn statuses<'a>(
        &'a mut self,
        _ticket: u64,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Vec<String>, SourceError>> {
        Box::pin(self.allowed_statuses(key))
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

    #[test]
    fn paths_are_encoded_whole() {
        assert_eq!(encode("grp/sub/app"), "grp%2Fsub%2Fapp");
        assert_eq!(encode("a b.c_d-e"), "a%20b.c_d-e");
    }

    #[test]
    fn an_unreadable_cursor_means_a_full_read() {
        let c = Cursor::parse(Some("2026-01-01"));
        assert!(c.targets.is_empty());
    }
}
