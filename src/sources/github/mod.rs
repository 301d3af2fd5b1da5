//! GitHub Issues, over the REST API with a token (`Authorization: Bearer`).
//!
//! Each configured repository is a project. Its issues come oldest change first from
//! `since` (the window's start), a page at a time: after a page, a new query from the page's
//! last change, or, when the page ended where its query began, the `Link` header's next
//! address; pull requests in the list are dropped. Each new issue version's events (closed, reopened,
//! assigned, unassigned, labeled, unlabeled) are read for its history, and not those of issues
//! untouched since they were opened (their events would only repeat their fields). A sync of
//! many changed issues (a first one, a bulk edit) reads the repository-wide events list back to
//! its window's start, a hundred events a request (see `history`); a few changed issues are
//! asked about one request each, eight at a time. A listing that
//! fit one page keeps its ETag, and the next sync sends it back: a 304 costs no rate limit
//! and means the repository has nothing new.
//!
//! With a Project (v2) configured, its status field gives the status of the issues on it
//! (see `project`), read over GraphQL once a sync (see `board`).

mod board;
mod board_write;
mod connector;
mod dto;
mod graphql;
mod history;
mod labels;
mod limits;
mod map;
mod project;
mod trial;
mod write;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use futures::{StreamExt, TryStreamExt};
use reqwest::{Method, RequestBuilder};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::http::{Body, Http, HttpError, Policy, Repeat};
use super::lenient::{Listing, field_at_fault, warn_each};
use super::{Budget, Facts, Source, SourceError, SweepClock, TrackerAction, Trial, Window};
use crate::domain::{ChangeSet, Interner, Member, Project, Sweep};

pub use connector::CONNECTOR;
pub use labels::LabelRules;
pub use limits::SECONDARY_FLOOR;
pub use project::Board;

/// GitHub's largest page.
const PAGE: usize = 100;
/// New issues per stored batch: a kill during a first sync loses at most this much work.
const BATCH: usize = 1000;
/// GitHub times have whole seconds; a write can show a moment after its timestamp.
const OVERLAP_SECS: i64 = 120;
/// Events are one request per issue; GitHub asks integrators not to run many at once (its
/// secondary limit counts concurrent requests).
const CONCURRENCY: usize = 8;
/// Skipped records named one line each, per kind and batch, before the rest are counted.
const NAMED_SKIPS: usize = 20;
const API_VERSION: &str = "2022-11-28";
/// How soon after its creation an update still counts as part of the opening.
const UNTOUCHED_SECS: i64 = 10;

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The API root: `https://api.github.com`, or `https://HOST/api/v3` for GitHub
    /// Enterprise Server.
    pub url: String,
    /// The environment variable that holds the token.
    pub token_env: String,
    /// `owner/name` of each repository to sync; each is a project.
    pub repos: Vec<String>,
    pub labels: LabelRules,
    /// The Project (v2) whose single-select field gives the status of the issues on it.
    pub project: Option<Board>,
    /// How often to look for deleted (or transferred) issues.
    pub sweep_every: Duration,
}

/// Where a sync of each repository stands, stored as the source's cursor.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Cursor {
    #[serde(default)]
    repos: BTreeMap<String, RepoCursor>,
    /// Holds only the time of the last sweep.
    #[serde(default)]
    clock: Window,
    /// A sync of several batches is unfinished.
    #[serde(default)]
    pending: bool,
    /// The unfinished sync began with nothing stored: it reads everything, so it is a sweep.
    #[serde(default)]
    full: bool,
    /// When the last whole sync read the project: changes on it since then are new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    board: Option<DateTime<Utc>>,
    /// Which project (and field) that was: another one's issues are all sent again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    board_of: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct RepoCursor {
    /// The repository's `Window`, as its own cursor text.
    window: String,
    /// The first listing address and its ETag, when that listing was a single page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    etag: Option<(String, String)>,
}

/// Counts of what a sync asked GitHub, for the benchmark and the log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Asked {
    pub listing_pages: usize,
    pub event_requests: usize,
    /// Pages of the repository-wide events list.
    pub repo_event_pages: usize,
    pub not_modified: usize,
    /// Pages of the project's items, over GraphQL.
    pub project_pages: usize,
}

pub struct GithubSource {
    name: String,
    source: Arc<str>,
    settings: Settings,
    http: Result<Http, HttpError>,
    sweeps: SweepClock,
    /// Repositories and their assignees are read once a process (and on a full read).
    known: bool,
    asked: Asked,
    /// Repository-wide event reads of the sync under way, kept across its batches.
    wide: BTreeMap<String, history::RepoHistory>,
    wide_from: usize,
    /// Repositories whose server refused the repository-wide events list (GitHub limits
    /// how deep some lists page; older Enterprise servers may lack it): this process asks
    /// their issues one by one.
    wide_refused: std::collections::BTreeSet<String>,
    policy: Policy,
    /// The project as read for the sync under way, kept across its batches.
    board: Option<board::BoardRead>,
    /// Tickets of the sync under way already sent with the project's status.
    board_sent: std::collections::HashSet<u64>,
    /// The server's GraphQL schema lacks Status-change events: not asked again.
    no_status_events: bool,
}

/// Issue `number` of repository `repo`, from a ticket key (`owner/name#12`).
fn parse_key(key: &str) -> Result<(&str, u64), SourceError> {
    key.rsplit_once('#')
        .and_then(|(repo, n)| Some((repo, n.parse().ok()?)))
        .filter(|(repo, _)| repo.contains('/'))
        .ok_or_else(|| SourceError::Refused(format!("{key:?} is not a GitHub issue key")))
}

impl GithubSource {
    pub fn new(name: &str, settings: Settings, policy: Policy) -> GithubSource {
        GithubSource {
            name: name.to_string(),
            source: Arc::from(name),
            sweeps: SweepClock::new(settings.sweep_every),
            settings,
            http: Http::new(policy),
            known: false,
            asked: Asked::default(),
            wide: BTreeMap::new(),
            wide_from: history::WIDE_FROM,
            wide_refused: Default::default(),
            policy,
            board: None,
            board_sent: Default::default(),
            no_status_events: false,
        }
    }

    /// How many changed issues one repository-wide events read must cover before a sync
    /// reads it instead of asking each issue (50 unless set; `usize::MAX`: never).
    pub fn wide_from(mut self, issues: usize) -> GithubSource {
        self.wide_from = issues;
        self
    }

    /// What the syncs of this process have asked so far.
    pub fn asked(&self) -> Asked {
        self.asked
    }

    fn http(&self) -> Result<&Http, SourceError> {
        self.http.as_ref().map_err(|e| SourceError::from(e.clone()))
    }

    fn token(&self) -> Result<String, SourceError> {
        super::secret(
            &self.settings.token_env,
            "token_env",
            "a GitHub token (fine-grained: Issues read, and write for changes; with a \
             project, Projects read too, or a classic token's read:project)",
        )
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.settings.url.trim_end_matches('/'))
    }

    /// One request with GitHub's headers, its rate limits read (see `limits`).
    async fn request(
        &self,
        method: Method,
        url: &str,
        etag: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> Result<Body, SourceError> {
        self.request_as(Repeat::ByMethod, method, url, etag, body)
            .await
    }

    /// `request`, with `repeat` saying whether it may be sent again (a GraphQL query is a
    /// POST that changes nothing).
    async fn request_as(
        &self,
        repeat: Repeat,
        method: Method,
        url: &str,
        etag: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> Result<Body, SourceError> {
        let token = self.token()?;
        let build = |c: &reqwest::Client| -> RequestBuilder {
            let mut r = c
                .request(method.clone(), url)
                .bearer_auth(&token)
                .header(reqwest::header::ACCEPT, "application/vnd.github+json")
                .header("X-GitHub-Api-Version", API_VERSION);
            if let Some(tag) = etag {
                r = r.header(reqwest::header::IF_NONE_MATCH, tag);
            }
            if let Some(json) = body {
                r = r.json(json);
            }
            r
        };
        let limits = limits::Limits::default();
        let classify = move |a: &super::http::Answer<'_>| limits.classify(a, Utc::now());
        Ok(self.http()?.body_as(repeat, build, Some(&classify)).await?)
    }

    async fn get(&self, url: &str) -> Result<Body, SourceError> {
        self.request(Method::GET, url, None, None).await
    }

    /// The next page's address from `body`'s `Link` header, refused when it leaves the
    /// configured origin: the token goes with every page.
    fn next_page(&self, body: &Body) -> Result<Option<String>, SourceError> {
        let Some(next) = body.header("link").and_then(limits::next_link) else {
            return Ok(None);
        };
        let origin = |u: &str| reqwest::Url::parse(u).ok().map(|u| u.origin());
        if origin(next).is_none() || origin(next) != origin(&self.settings.url) {
            return Err(SourceError::Invalid(format!(
                "GitHub's next page {next} is not on {}; lookout sends the token nowhere else",
                self.settings.url
            )));
        }
        Ok(Some(next.to_string()))
    }

    /// Every element of a list answer, by `Link` pages from `first`, read as `T`; what does
    /// not read is named in a warning with `what`.
    async fn all_pages<T: for<'de> Deserialize<'de>>(
        &self,
        first: String,
        what: &str,
        warnings: &mut Vec<String>,
    ) -> Result<Vec<T>, SourceError> {
        let mut out = Vec::new();
        let mut odd = Vec::new();
        let mut next = Some(first);
        while let Some(url) = next {
            let body = self.get(&url).await?;
            next = self.next_page(&body)?;
            match Listing::<T>::from_body(&body)? {
                Listing::Items(items) => {
                    let (good, bad) = items.split();
                    out.extend(good);
                    odd.extend(bad.into_iter().map(|u| {
                        format!(
                            "{what} {} skipped: {}",
                            u.name_or("without an id"),
                            u.reason
                        )
                    }));
                }
                Listing::NotAList(instead) => {
                    return Err(SourceError::Invalid(format!(
                        "{url}: GitHub answered {instead} where a list belongs"
                    )));
                }
            }
        }
        warn_each(odd, NAMED_SKIPS, warnings);
        Ok(out)
    }

    /// The repositories as projects, and who can be assigned in each.
    async fn refresh_repos(
        &mut self,
        warnings: &mut Vec<String>,
    ) -> Result<(Vec<Project>, Vec<Member>), SourceError> {
        let mut projects = Vec::new();
        let mut members = Vec::new();
        for repo in &self.settings.repos {
            let body = match self.get(&self.url(&format!("/repos/{repo}"))).await {
                Err(SourceError::NotFound(_)) => {
                    return Err(SourceError::Config(format!(
                        "repository {repo:?} is not visible to this token (check `repos` and \
                         the token's repository access)"
                    )));
                }
                other => other?,
            };
            let r: dto::Repo = body.parse()?;
            projects.push(Project {
                source: self.name.clone(),
                key: repo.clone(),
                name: r.full_name,
                description: r.description.unwrap_or_default(),
                created: r.created_at,
                url: r.html_url,
                target: None,
            });
            let first = self.url(&format!("/repos/{repo}/assignees?per_page={PAGE}"));
            let what = format!("an assignee of {repo}");
            let users: Vec<dto::User> = self.all_pages(first, &what, warnings).await?;
            members.extend(users.into_iter().map(|u| Member {
                source: self.name.as_str().into(),
                project: repo.as_str().into(),
                login: u.login.as_str().into(),
                display_name: u.login,
            }));
        }
        self.known = true;
        Ok((projects, members))
    }

    fn listing_url(&self, repo: &str, since: Option<DateTime<Utc>>, per_page: usize) -> String {
        let mut url = self.url(&format!(
            "/repos/{repo}/issues?state=all&sort=updated&direction=asc&per_page={per_page}"
        ));
        if let Some(s) = since {
            url.push_str(&format!("&since={}", s.format("%Y-%m-%dT%H:%M:%SZ")));
        }
        url
    }

    /// The issues of one listing page (pull requests dropped); what does not read is named
    /// in `skipped`.
    fn issues_in(
        &self,
        repo: &str,
        body: &Body,
        skipped: &mut Vec<String>,
    ) -> Result<Vec<dto::Issue>, SourceError> {
        // Nearly every page reads whole, pull requests and all: one pass, where reading
        // record by record scans each three times (apart, as a pull request, as an issue).
        if let Some(all) = super::lenient::whole::<dto::Issue>(body.bytes()) {
            return Ok(all
                .into_iter()
                .filter(|i| i.pull_request.is_none())
                .collect());
        }
        let items = match body.parse::<Listing<&RawValue>>()? {
            Listing::Items(items) => items,
            Listing::NotAList(instead) => {
                return Err(SourceError::Invalid(format!(
                    "{}: GitHub answered {instead} where a list of issues belongs",
                    body.url()
                )));
            }
        };
        let mut out = Vec::with_capacity(items.0.len());
        for item in items.0 {
            let raw = match item {
                Ok(raw) => raw,
                Err(u) => {
                    skipped.push(format!("a GitHub issue of {repo} skipped: {}", u.reason));
                    continue;
                }
            };
            if serde_json::from_str::<dto::Kind>(raw.get()).is_ok_and(|k| k.pull_request.is_some())
            {
                continue;
            }
            match serde_json::from_str::<dto::Issue>(raw.get()) {
                Ok(issue) => out.push(issue),
                Err(e) => skipped.push(unreadable_issue(repo, raw, &e)),
            }
        }
        Ok(out)
    }

    /// An issue's events, every page; `None` with a warning when they cannot be read (the
    /// ticket is kept without its history), and for an issue gone since it was listed.
    async fn events(
        &self,
        repo: &str,
        number: u64,
    ) -> Result<(Vec<dto::Event>, Vec<String>), SourceError> {
        let first = self.url(&format!(
            "/repos/{repo}/issues/{number}/events?per_page={PAGE}"
        ));
        let what = format!("an event of {repo}#{number}");
        let mut warnings = Vec::new();
        match self.all_pages(first, &what, &mut warnings).await {
            Ok(events) => Ok((events, warnings)),
            Err(SourceError::NotFound(_)) => Ok((Vec::new(), warnings)),
            Err(SourceError::Invalid(why)) => Ok((
                Vec::new(),
                vec![format!(
                    "{repo}#{number} is kept without its history: {why}"
                )],
            )),
            Err(e) => Err(e),
        }
    }

    async fn fetch_changes(
        &mut self,
        cursor: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<ChangeSet, SourceError> {
        let overlap = chrono::Duration::seconds(OVERLAP_SECS);
        let mut cur: Cursor = cursor
            .as_deref()
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default();
        let mut changes = ChangeSet::new(self.name.clone());
        let mut strings = Interner::default();
        let nothing_stored = self.settings.repos.iter().all(|r| {
            cur.repos
                .get(r)
                .is_none_or(|c| Window::parse(Some(&c.window)).from(overlap).is_none())
        });
        if !cur.pending {
            cur.full = nothing_stored;
            self.wide.clear();
            self.board = None;
        }
        if !self.known || nothing_stored {
            let (projects, members) = self.refresh_repos(&mut changes.warnings).await?;
            changes.projects = projects;
            changes.members = members;
        }
        if let Some(board) = self.settings.project.clone()
            && self.board.is_none()
        {
            self.board_sent.clear();
            self.board = Some(self.fetch_board(&board, &mut changes.warnings).await?);
        }
        let mut skipped = Vec::new();
        for repo in self.settings.repos.clone() {
            let state = cur.repos.entry(repo.clone()).or_default();
            let mut window = Window::parse(Some(&state.window));
            let since = window.from(overlap);
            let first = self.listing_url(&repo, since, PAGE);
            let etag = state
                .etag
                .as_ref()
                .filter(|(url, _)| *url == first)
                .map(|(_, tag)| tag.clone());
            let mut fresh: Vec<dto::Issue> = Vec::new();
            // Issue id to its place in `fresh`: a batch holds a thousand issues and more.
            let mut placed: FxHashMap<u64, usize> = FxHashMap::default();
            let mut next = Some(first.clone());
            let mut query_since = since;
            let mut pages = 0;
            let mut new_etag = None;
            while let Some(url) = next.take() {
                let tag = etag.as_deref().filter(|_| pages == 0);
                let body = self.request(Method::GET, &url, tag, None).await?;
                if body.not_modified() {
                    self.asked.not_modified += 1;
                    new_etag = etag.clone();
                    break;
                }
                self.asked.listing_pages += 1;
                if pages == 0 {
                    new_etag = body.header("etag").map(str::to_string);
                }
                pages += 1;
                next = self.next_page(&body)?;
                let issues = self.issues_in(&repo, &body, &mut skipped)?;
                // An issue edited while lookout pages moves to the end of the list and the
                // ones behind it shift a place forward: the next page would begin one issue
                // late. A new query from this page's last time (`since` is inclusive) begins
                // where this page ended; only a page that ends where its query began (a bulk
                // edit's many issues of one second) goes on by `Link`.
                let last = issues.last().map(|i| i.updated_at);
                if next.is_some()
                    && let Some(t) = last.filter(|t| query_since.is_none_or(|s| *t > s))
                {
                    query_since = Some(t);
                    next = Some(self.listing_url(&repo, query_since, PAGE));
                }
                for issue in issues {
                    if window.seen(issue.id, issue.updated_at) {
                        continue;
                    }
                    match placed.get(&issue.id) {
                        Some(&at) => fresh[at] = issue,
                        None => {
                            placed.insert(issue.id, fresh.len());
                            fresh.push(issue);
                        }
                    }
                }
                if next.is_some() && fresh.len() >= BATCH {
                    changes.more = true;
                    break;
                }
            }

            // An issue not touched since it was opened has only events from its opening
            // (labels and assignees set with it), which its fields already say: not asked.
            let wanted: Vec<&dto::Issue> = fresh.iter().filter(|i| !untouched(i)).collect();
            let coverable = wanted
                .iter()
                .filter(|i| history::RepoHistory::would_cover(since, i))
                .count();
            let kept = self.wide.get(&repo).is_some_and(|h| h.reaches(since));
            if !kept && coverable > self.wide_from && !self.wide_refused.contains(&repo) {
                match self
                    .repo_history(&repo, since, now, &mut changes.warnings)
                    .await
                {
                    Ok(read) => {
                        self.wide.insert(repo.clone(), read);
                    }
                    Err(
                        SourceError::Refused(why)
                        | SourceError::NotFound(why)
                        | SourceError::Invalid(why),
                    ) => {
                        changes.warnings.push(format!(
                            "{repo}: GitHub's list of the repository's events could not be \
                             read ({why}); each changed issue's events are asked for instead"
                        ));
                        self.wide_refused.insert(repo.clone());
                    }
                    Err(e) => return Err(e),
                }
            }
            let wide = self.wide.get(&repo).filter(|h| h.reaches(since));
            let plans: Vec<History> = fresh
                .iter()
                .map(|i| match wide.and_then(|h| h.events_of(i)) {
                    _ if untouched(i) => History::Opening,
                    Some(_) => History::Read(i.number),
                    None => History::Ask(i.number),
                })
                .collect();
            let asked = plans
                .iter()
                .filter(|p| matches!(p, History::Ask(_)))
                .count();
            let this = &*self;
            let repo_ref = repo.as_str();
            let histories: Vec<(Cow<'_, [dto::Event]>, Vec<String>)> = futures::stream::iter(plans)
                .map(|plan| async move {
                    match plan {
                        History::Ask(n) => {
                            let (events, warnings) = this.events(repo_ref, n).await?;
                            Ok::<_, SourceError>((Cow::Owned(events), warnings))
                        }
                        History::Read(n) => {
                            let events = wide.map_or(&[][..], |h| h.listed(n));
                            Ok((Cow::Borrowed(events), Vec::new()))
                        }
                        History::Opening => Ok((Cow::Borrowed(&[][..]), Vec::new())),
                    }
                })
                .buffered(CONCURRENCY)
                .try_collect()
                .await?;
            self.asked.event_requests += asked;
            for (issue, (events, warnings)) in fresh.into_iter().zip(histories) {
                skipped.extend(warnings);
                window.add(issue.id, issue.updated_at);
                let number = issue.number;
                let mut mapped = map::issue(
                    &self.source,
                    &repo,
                    &self.settings.labels,
                    issue,
                    &events,
                    &mut strings,
                );
                if let (Some(board), Some((entry, _))) = (
                    &self.settings.project,
                    self.board.as_ref().and_then(|b| b.get(&repo, number)),
                ) {
                    project::overlay(board, entry, &self.source, &mut mapped);
                    self.board_sent.insert(mapped.ticket.id);
                }
                changes.tickets.push(mapped.ticket);
                changes.transitions.extend(mapped.transitions);
            }
            let state = cur.repos.entry(repo.clone()).or_default();
            state.window = window.cursor(overlap);
            // Only a one-page listing's ETag says "nothing new": a change lands on the last
            // page of a longer one, and its first page stays the same. The window may have
            // moved, so the tag is kept for the address the next sync will ask.
            state.etag = match new_etag {
                Some(tag) if pages <= 1 && !changes.more => {
                    Some((self.listing_url(&repo, window.from(overlap), PAGE), tag))
                        .filter(|(url, _)| *url == first)
                }
                _ => None,
            };
            if changes.more {
                break;
            }
        }
        warn_each(skipped, NAMED_SKIPS, &mut changes.warnings);
        if !changes.more {
            let of = self.settings.project.as_ref().map(Board::identity);
            let since = cur.board.filter(|_| cur.board_of == of);
            self.board_changes(since.map(|t| t - overlap), &mut changes);
            cur.board = of.is_some().then_some(now);
            cur.board_of = of;
        }

        if !changes.more {
            let full = cur.full;
            if self.sweeps.due(&mut cur.clock, full, now) {
                changes.sweep = self
                    .all_ids(&mut changes.warnings)
                    .await?
                    .map(|present| Sweep { present, at: now });
            }
        }
        cur.pending = changes.more;
        if !changes.more {
            self.wide.clear();
            self.board = None;
        }
        changes.cursor = Some(serde_json::to_string(&cur).unwrap_or_default());
        Ok(changes)
    }

    /// Every issue id the repositories still have; `None` (and a warning) when an item does
    /// not read, since a sweep without it would delete that ticket.
    ///
    /// Listed as a sync lists (oldest change first, asked again from each page's last
    /// change): numbered pages shift when an issue on one already read is deleted or
    /// transferred, and a live issue would slip past the sweep and be marked deleted. A new
    /// query from the last time read starts behind what was read, so a deletion there moves
    /// nothing, and an issue edited meanwhile only moves to the end, where it is read again.
    async fn all_ids(&self, warnings: &mut Vec<String>) -> Result<Option<Vec<u64>>, SourceError> {
        #[derive(Deserialize)]
        struct Id {
            id: u64,
            updated_at: DateTime<Utc>,
            #[serde(default)]
            pull_request: Option<serde::de::IgnoredAny>,
        }
        let mut ids = std::collections::BTreeSet::new();
        for repo in &self.settings.repos {
            let mut since = None;
            let mut next = Some(self.listing_url(repo, None, PAGE));
            while let Some(url) = next.take() {
                let body = self.get(&url).await?;
                next = self.next_page(&body)?;
                let items = match body.parse::<Listing<Id>>()? {
                    Listing::Items(items) => items,
                    Listing::NotAList(instead) => {
                        return Err(SourceError::Invalid(format!(
                            "{url}: GitHub answered {instead} where a list belongs"
                        )));
                    }
                };
                let (listed, odd) = items.split();
                if let Some(why) = odd.first() {
                    warnings.push(format!(
                        "the check for deleted GitHub issues was skipped: an issue of {repo} \
                         {} does not read: {}",
                        why.name_or("without an id"),
                        why.reason
                    ));
                    return Ok(None);
                }
                let last = listed.last().map(|i| i.updated_at);
                if next.is_some()
                    && let Some(t) = last.filter(|t| since.is_none_or(|s| *t > s))
                {
                    since = Some(t);
                    next = Some(self.listing_url(repo, since, PAGE));
                }
                ids.extend(
                    listed
                        .iter()
                        .filter(|i| i.pull_request.is_none())
                        .map(|i| i.id),
                );
            }
        }
        Ok(Some(ids.into_iter().collect()))
    }
}

impl GithubSource {
    /// The tickets of issues whose status moved on the project since `since` (all on it for
    /// `None`) and that the listings did not bring: moving an item does not touch its issue,
    /// so GitHub's issue list does not show it.
    fn board_changes(&mut self, since: Option<DateTime<Utc>>, changes: &mut ChangeSet) {
        let (Some(board), Some(read)) = (&self.settings.project, &self.board) else {
            return;
        };
        let mut moved: Vec<_> = read
            .issues
            .iter()
            .filter(|(_, (entry, issue))| {
                !self.board_sent.contains(&issue.id)
                    && since.is_none_or(|s| entry.changed().is_some_and(|c| c >= s))
            })
            .collect();
        moved.sort_by_key(|(_, (_, issue))| issue.id);
        let mut strings = Interner::default();
        for ((repo, _), (entry, issue)) in moved {
            let mut mapped = map::issue(
                &self.source,
                repo,
                &self.settings.labels,
                issue.clone(),
                &[],
                &mut strings,
            );
            project::overlay(board, entry, &self.source, &mut mapped);
            changes.tickets.push(mapped.ticket);
            changes.transitions.extend(mapped.transitions);
        }
    }
}

/// Where an issue's history comes from in this sync.
enum History {
    /// Untouched since it was opened: its fields say it all.
    Opening,
    /// From the repository-wide read (kept for the sync: a batch may list the issue again).
    Read(u64),
    /// Its own events request, by number.
    Ask(u64),
}

/// Whether the issue is as it was opened: updated within moments of its creation (a form's
/// labels and assignees land a second or two after it).
fn untouched(issue: &dto::Issue) -> bool {
    issue.updated_at - issue.created_at <= chrono::Duration::seconds(UNTOUCHED_SECS)
}

/// The warning for a listed issue that does not read: its repository and number (or id),
/// and the field at fault. Only on the failure path: it reads the record again.
fn unreadable_issue(repo: &str, raw: &RawValue, error: &serde_json::Error) -> String {
    let value: serde_json::Value = serde_json::from_str(raw.get()).unwrap_or_default();
    let who = match (&value["number"], &value["id"]) {
        (serde_json::Value::Number(n), _) => format!("{repo}#{n}"),
        (_, serde_json::Value::Number(id)) => format!("{repo} issue id {id}"),
        _ => format!("an issue of {repo}"),
    };
    format!(
        "GitHub issue {who} skipped: {}",
        field_at_fault::<dto::Issue>(&value, error)
    )
}

impl Source for GithubSource {
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
        Box::pin(async move { Ok(self.refresh_repos(&mut Vec::new()).await?.0) })
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
