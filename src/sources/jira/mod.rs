//! Jira Cloud, over REST v3 with Basic auth (account email and API token).
//!
//! Issues come from `POST /rest/api/3/search/jql` (the old `/search` is gone) with bounded
//! JQL, explicit fields and `nextPageToken` paging, oldest update first; their status,
//! assignee and priority histories from `POST /rest/api/3/changelog/bulkfetch`, for up to
//! a thousand issues a request. JQL takes times in the user's own zone, so the window keeps
//! the offset Jira writes its times in.

mod dto;
mod map;
mod search;
mod write;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Offset, Utc};
use futures::future::BoxFuture;
use reqwest::RequestBuilder;
use serde_json::{Value, json};

use super::http::{Body, Http, HttpError, Policy};
use super::{Budget, Source, SourceError, SweepClock, TrackerAction, Window};
use crate::domain::{
    ChangeSet, Interner, Member, Project, StatusCategory, Sweep, Ticket, Transition,
};

const PAGE: usize = 100;
const SWEEP_PAGE: usize = 1000;
/// Changelogs for this many issues per bulk request (Jira's maximum).
const CHANGELOG_ISSUES: usize = 1000;
/// New tickets per stored batch: a kill during a first sync loses at most this much work.
const BATCH: usize = 2000;
/// JQL has minute precision, and a local time in the hour a clock falls back is ambiguous.
const OVERLAP_MINUTES: i64 = 70;

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
    categories: HashMap<String, StatusCategory>,
    sweeps: SweepClock,
    /// Status and people names repeat in every changelog: one copy each.
    strings: Interner,
    resume: Option<Resume>,
    gateway: String,
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
            categories: HashMap::new(),
            resume: None,
            gateway: gateway.to_string(),
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

    /// The raw answer to a POST, for pages read into types that borrow from it.
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
        Ok(self.http()?.body(build).await?)
    }

    /// Fields (for story points), statuses (for categories of changelog names), projects
    /// and their assignable members.
    async fn refresh_catalog(&mut self) -> Result<(Vec<Project>, Vec<Member>), SourceError> {
        let fields: Vec<dto::Field> = self.get("/rest/api/3/field", &[]).await?;
        self.points = map::story_points(&fields);
        let statuses: Vec<dto::StatusDto> = self.get("/rest/api/3/status", &[]).await?;
        self.categories = statuses
            .into_iter()
            .map(|s| (s.name, map::category(&s.status_category.key)))
            .collect();

        let mut listed: Vec<dto::ProjectDto> = Vec::new();
        loop {
            let mut q = vec![
                ("startAt", listed.len().to_string()),
                ("maxResults", "50".to_string()),
                ("expand", "description".to_string()),
            ];
            for k in &self.settings.projects {
                q.push(("keys", k.clone()));
            }
            let page: dto::ProjectPage = self.get("/rest/api/3/project/search", &q).await?;
            let empty = page.values.is_empty();
            listed.extend(page.values);
            if page.is_last || empty {
                break;
            }
        }
        let wanted = &self.settings.projects;
        if let Some(missing) = wanted.iter().find(|w| !listed.iter().any(|p| &p.key == *w)) {
            return Err(SourceError::Config(format!(
                "project {missing:?} is not visible to {} (check `projects` and the account's \
                 permissions)",
                self.settings.email
            )));
        }
        listed.retain(|p| wanted.is_empty() || wanted.contains(&p.key));

        let mut members = Vec::new();
        for p in &listed {
            let mut start = 0;
            loop {
                let q = [
                    ("project", p.key.clone()),
                    ("startAt", start.to_string()),
                    ("maxResults", "100".to_string()),
                ];
                let users: Vec<dto::User> =
                    self.get("/rest/api/3/user/assignable/search", &q).await?;
                start += users.len();
                let n = users.len();
                members.extend(
                    users
                        .into_iter()
                        .filter(|u| u.account_type.as_deref().is_none_or(|t| t == "atlassian"))
                        .map(|u| Member {
                            source: self.name.clone(),
                            project: p.key.clone(),
                            login: u.account_id,
                            display_name: u.display_name,
                        }),
                );
                if n < 100 {
                    break;
                }
            }
        }
        let site = self.settings.url.trim_end_matches('/');
        let projects = listed
            .into_iter()
            .map(|p| Project {
                source: self.name.clone(),
                url: Some(format!("{site}/browse/{}", p.key)),
                key: p.key,
                name: p.name,
                description: p.description.unwrap_or_default(),
                // Jira's project API has no creation date.
                created: DateTime::<Utc>::UNIX_EPOCH,
                target: None,
            })
            .collect();
        Ok((projects, members))
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

    fn jql(&self, from: Option<String>) -> String {
        let mut parts = Vec::new();
        if !self.settings.projects.is_empty() {
            let keys: Vec<String> = self
                .settings
                .projects
                .iter()
                .map(|k| format!("\"{}\"", k.replace('"', "")))
                .collect();
            parts.push(format!("project in ({})", keys.join(", ")));
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
                let (projects, members) = self.refresh_catalog().await?;
                changes.projects = projects;
                changes.members = members;
                let from = self.local_time(&window, window.from(overlap));
                (self.jql(from), None)
            }
        };
        let sync_start = window.entries_from(overlap);
        let fields = self.fields();
        // Each page is mapped as it arrives, borrowing from its body: nothing of the JSON
        // outlives the page.
        let mut fresh: Vec<(Ticket, DateTime<Utc>)> = Vec::new();
        loop {
            let search = dto::Search {
                jql: &jql,
                fields: &fields,
                max_results: PAGE,
                next_page_token: token.as_deref(),
            };
            let body = self.post_body("/rest/api/3/search/jql", &search).await?;
            let reading = search::SearchSeed::fields(self.points.as_deref());
            let page = body.parse_seed(reading)?;
            token = page.next_page_token.filter(|_| page.is_last != Some(true));
            for issue in page.issues {
                let id = parse_id(&issue.id)?;
                let fields = issue.fields.ok_or_else(|| {
                    SourceError::Invalid(format!("issue {} came without its fields", issue.key))
                })?;
                window.set_offset(fields.updated.offset().local_minus_utc());
                let updated = fields.updated.with_timezone(&Utc);
                if !window.seen(id, updated) {
                    let url = &self.settings.url;
                    let points = issue.points;
                    let ticket = map::ticket(&self.name, url, points, id, issue.key, fields);
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
        let mut histories = self.changelogs(&ids).await?;
        for (mut ticket, updated) in fresh {
            let mut transitions = histories.remove(&ticket.id).unwrap_or_default();
            let started = map::started(&mut transitions, &self.categories);
            ticket.started = started.or(ticket.resolved);
            window.add(ticket.id, updated);
            changes.tickets.push(ticket);
            changes.transitions.extend(transitions);
        }
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
            changes.time_entries = self.worklogs(sync_start).await?;
            if sweeping {
                changes.sweep = Some(Sweep {
                    present: self.all_ids().await?,
                    at: now,
                });
            }
        }
        changes.cursor = Some(next);
        Ok(changes)
    }

    /// The status, assignee and priority changes of `ids`, by issue id, in no set order.
    async fn changelogs(
        &mut self,
        ids: &[u64],
    ) -> Result<HashMap<u64, Vec<Transition>>, SourceError> {
        let mut out: HashMap<u64, Vec<Transition>> = HashMap::new();
        for chunk in ids.chunks(CHANGELOG_ISSUES) {
            let mut token: Option<String> = None;
            loop {
                let request = dto::BulkFetch {
                    issue_ids_or_keys: chunk,
                    field_ids: ["status", "assignee", "priority"],
                    max_results: 1000,
                    next_page_token: token.as_deref(),
                };
                let body = self
                    .post_body("/rest/api/3/changelog/bulkfetch", &request)
                    .await?;
                let page: dto::ChangelogPage = body.parse()?;
                for log in page.issue_change_logs {
                    let id = parse_id(&log.issue_id)?;
                    let into = out.entry(id).or_default();
                    map::history(
                        &self.source,
                        id,
                        log.change_histories,
                        &mut self.strings,
                        into,
                    );
                }
                token = page.next_page_token;
                if token.is_none() {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Time logged since `from` (all of it on a first sync): the ids of changed worklogs,
    /// then the worklogs a thousand at a time. Jira lists them site-wide, not per project.
    async fn worklogs(
        &self,
        from: Option<DateTime<Utc>>,
    ) -> Result<Vec<crate::domain::TimeEntry>, SourceError> {
        let mut since = from.map_or(0, |f| f.timestamp_millis());
        let mut ids = Vec::new();
        loop {
            let page: dto::WorklogChanges = self
                .get(
                    "/rest/api/3/worklog/updated",
                    &[("since", since.to_string())],
                )
                .await?;
            ids.extend(page.values.iter().map(|v| v.worklog_id));
            match page.until {
                Some(until) if !page.last_page && until > since => since = until,
                _ => break,
            }
        }
        let mut out = Vec::new();
        for chunk in ids.chunks(1000) {
            let logs: Vec<dto::Worklog> = self
                .post("/rest/api/3/worklog/list", &json!({ "ids": chunk }))
                .await?;
            for w in logs {
                out.push(crate::domain::TimeEntry {
                    source: self.name.clone(),
                    ticket: parse_id(&w.issue_id)?,
                    id: parse_id(&w.id)?,
                    at: w.started.with_timezone(&Utc),
                    member: w.author.map(|a| a.display_name).unwrap_or_default(),
                    hours: w.time_spent_seconds / 3600.0,
                    comment: w.comment.as_ref().map(map::adf_text).unwrap_or_default(),
                });
            }
        }
        Ok(out)
    }

    /// Every issue id still in the tracker, with the cheapest search Jira offers.
    async fn all_ids(&self) -> Result<Vec<u64>, SourceError> {
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
                ids.push(parse_id(&issue.id)?);
            }
            token = page.next_page_token.filter(|_| page.is_last != Some(true));
            if token.is_none() {
                return Ok(ids);
            }
        }
    }
}

fn parse_id(id: &str) -> Result<u64, SourceError> {
    id.parse()
        .map_err(|_| SourceError::Invalid(format!("{id:?} is not a Jira issue id")))
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
        Box::pin(async move { Ok(self.refresh_catalog().await?.0) })
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
