//! The ConnectWise source: service tickets on the configured boards and project tickets of
//! the configured projects, incrementally by `lastUpdated` and in stored batches, with their
//! notes, their status history from the audit trail, the site's members and the time charged
//! to tickets.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use futures::{StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;

use super::map::{self, Kind, Statuses};
use super::position::{Position, Scan};
use super::{Client, Projects, Settings, board_is, dto, history, projects, updated_since};
use crate::domain::{
    ChangeSet, Field, Member, Note, Project, StatusCategory, Sweep, Ticket, TimeEntry, Transition,
};
use crate::sources::http::Policy;
use crate::sources::lenient::{field_at_fault, warn_each};
use crate::sources::{
    Budget, Facts, Source, SourceError, SweepClock, TrackerAction, Trial, Window,
};

/// ConnectWise stamps whole seconds and commits after the stamp: re-read a little.
const OVERLAP_SECS: i64 = 120;
/// Notes and audit trail are two requests per changed ticket; a few at a time.
const CONCURRENCY: usize = 4;
/// New tickets per stored batch: a kill during a first sync loses at most this much work.
pub const BATCH: usize = 500;
/// Skipped records named one line each before the rest are counted.
const NAMED_SKIPS: usize = 20;
/// The collections read forward-only; the rest are short and page the ordinary way.
const LARGE: [&str; 3] = ["/service/tickets", "/project/tickets", "/time/entries"];
/// Tickets in doctor's trial page.
const TRIAL_PAGE: usize = 10;

pub struct ConnectWiseSource {
    name: String,
    source: Arc<str>,
    pub(super) settings: Settings,
    pub(super) client: Result<Client, SourceError>,
    sweeps: SweepClock,
}

/// What a sync knows of the configured boards and projects.
pub(super) struct Boards {
    pub listed: Vec<dto::Board>,
    pub projects: Vec<dto::Project>,
    pub statuses: Statuses,
}

/// A listing's tickets not yet stored, up to a batch, and how far the listing got.
struct Gathered {
    /// The last id read; the next batch asks for the ids after it.
    last: Option<u64>,
    /// The listing is through.
    through: bool,
}

/// A changed ticket with its notes, audit lines and what of them could not be read.
type Detailed = (Vec<dto::Note>, Vec<dto::AuditEntry>, Vec<String>);

impl ConnectWiseSource {
    pub fn new(name: &str, settings: Settings, policy: Policy) -> ConnectWiseSource {
        ConnectWiseSource {
            name: name.to_string(),
            source: Arc::from(name),
            client: Client::new(&settings, policy),
            sweeps: SweepClock::new(settings.sweep_every),
            settings,
        }
    }

    pub(super) fn client(&self) -> Result<&Client, SourceError> {
        self.client.as_ref().map_err(Clone::clone)
    }

    /// Every record of a listing that reads; each that does not becomes a line in `odd`,
    /// named by its id where it has one.
    pub(super) async fn listing<T: DeserializeOwned>(
        &self,
        what: &str,
        path: &str,
        conditions: Option<&str>,
        odd: &mut Vec<String>,
    ) -> Result<Vec<T>, SourceError> {
        let client = self.client()?;
        let raw: Vec<serde_json::Value> = if LARGE.contains(&path) {
            client.list(path, conditions).await?
        } else {
            client.list_short(path, conditions).await?
        };
        Ok(read_each(what, raw, odd))
    }

    /// The configured boards and projects, and the statuses of every board their tickets
    /// sit on; a board or project the API member cannot see is a config error, named.
    pub(super) async fn boards(&self, odd: &mut Vec<String>) -> Result<Boards, SourceError> {
        let wanted = &self.settings.boards;
        let mut listed: Vec<dto::Board> = if wanted.is_empty() {
            Vec::new()
        } else {
            self.listing("board", "/service/boards", None, odd).await?
        };
        if let Some(missing) = wanted
            .iter()
            .find(|w| !listed.iter().any(|b| &b.name == *w))
        {
            return Err(SourceError::Config(format!(
                "service board {missing:?} is not visible to this API member (check `boards` \
                 and the member's Service Desk permissions)"
            )));
        }
        listed.retain(|b| wanted.contains(&b.name));
        let projects = self.projects_wanted(odd).await?;
        // A project's tickets sit on its project board, which has statuses like any board.
        let mut ids: Vec<u64> = listed.iter().map(|b| b.id).collect();
        for id in projects
            .iter()
            .filter_map(|p| p.board.as_ref().map(|b| b.id))
        {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let mut statuses = Statuses::default();
        for id in ids {
            let path = format!("/service/boards/{id}/statuses");
            let list: Vec<dto::BoardStatus> =
                self.listing("board status", &path, None, odd).await?;
            statuses.add(&list);
        }
        Ok(Boards {
            listed,
            projects,
            statuses,
        })
    }

    /// `conditions` for the configured boards, for changes after `from` and for ids after
    /// `after` (a scan's next batch) where given.
    fn ticket_conditions(&self, from: Option<DateTime<Utc>>, after: u64) -> String {
        let boards: Vec<String> = self.settings.boards.iter().map(|b| board_is(b)).collect();
        let mut c = format!("({})", boards.join(" or "));
        narrow(&mut c, from, after);
        c
    }

    async fn members(
        &self,
        boards: &Boards,
        odd: &mut Vec<String>,
    ) -> Result<Vec<Member>, SourceError> {
        let listed: Vec<dto::Member> = self
            .listing("member", "/system/members", Some("inactiveFlag=false"), odd)
            .await?;
        let keys = boards
            .listed
            .iter()
            .map(|b| crate::text::sanitize(&b.name))
            .chain(boards.projects.iter().map(|p| projects::key(p.id)));
        let mut out = Vec::new();
        for key in keys {
            for m in listed.iter().filter(|m| !m.inactive_flag) {
                let name = [m.first_name.as_deref(), m.last_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                let name = if name.trim().is_empty() {
                    m.identifier.clone()
                } else {
                    name
                };
                out.push(Member {
                    source: self.name.as_str().into(),
                    project: key.as_str().into(),
                    login: crate::text::sanitize(&m.identifier).as_str().into(),
                    display_name: crate::text::sanitize(&name).as_str().into(),
                });
            }
        }
        Ok(out)
    }

    fn projects_of(&self, boards: &Boards, now: DateTime<Utc>) -> Vec<Project> {
        let service = boards.listed.iter().map(|b| Project {
            source: self.name.clone(),
            key: crate::text::sanitize(&b.name),
            name: crate::text::sanitize(&b.name),
            description: String::new(),
            created: b.info.as_ref().map_or(now, |i| i.date_entered),
            url: None,
            target: None,
        });
        let work = boards
            .projects
            .iter()
            .map(|p| projects::project(&self.name, p, now));
        service.chain(work).collect()
    }

    /// A changed ticket's notes and status history.
    async fn detail(&self, kind: Kind, id: u64) -> Result<Detailed, SourceError> {
        let mut odd = Vec::new();
        let notes = match kind {
            Kind::Service => format!("/service/tickets/{id}/notes"),
            Kind::Project => format!("/project/tickets/{id}/notes"),
        };
        // Notes and history are worth less than the ticket: one ticket's refused, vanished or
        // unreadable notes or audit trail costs that ticket what is missing, with a warning,
        // not the sync. An outage or a rate limit still fails it, to be read again whole.
        let notes = match self.listing("note", &notes, None, &mut odd).await {
            Ok(notes) => notes,
            Err(
                e @ (SourceError::Refused(_) | SourceError::NotFound(_) | SourceError::Invalid(_)),
            ) => {
                odd.push(format!(
                    "ConnectWise ticket #{id} syncs without its notes: they could not be read ({e})"
                ));
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        // Project tickets are tickets to the audit trail too. It pages like any list: a
        // worked ticket has far more lines than one default page of 25.
        let trail = format!("/system/audittrail?type=Ticket&id={id}");
        let raw: Vec<serde_json::Value> = match self.client()?.list_short(&trail, None).await {
            Ok(raw) => raw,
            Err(
                e @ (SourceError::Auth(_)
                | SourceError::Refused(_)
                | SourceError::NotFound(_)
                | SourceError::Invalid(_)),
            ) => {
                odd.push(format!(
                    "ConnectWise ticket #{id} syncs without its status history: its audit trail \
                     could not be read ({e})"
                ));
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        let audit = read_each("audit line", raw, &mut odd);
        Ok((notes, audit, odd))
    }

    /// Reads `path` (forward-only, by id) under `conditions`, adding the ticket versions not
    /// yet stored to `fresh` until it holds a batch.
    async fn gather(
        &self,
        kind: Kind,
        path: &str,
        conditions: &str,
        window: &Window,
        fresh: &mut Vec<(Kind, dto::ServiceTicket)>,
        odd: &mut Vec<String>,
    ) -> Result<Gathered, SourceError> {
        let client = self.client()?;
        let mut pager = client.pager(path, Some(conditions), true);
        let mut last = None;
        let what = match kind {
            Kind::Service => "ticket",
            Kind::Project => "project ticket",
        };
        while let Some(page) = pager.next::<serde_json::Value>(client).await? {
            for v in page {
                if fresh.len() >= BATCH {
                    return Ok(Gathered {
                        last,
                        through: false,
                    });
                }
                if let Some(id) = v.get("id").and_then(serde_json::Value::as_u64) {
                    last = Some(id);
                }
                let Some(t) = read_each::<dto::ServiceTicket>(what, vec![v], odd).pop() else {
                    continue;
                };
                if kind == Kind::Project && t.project.is_none() {
                    odd.push(format!(
                        "ConnectWise project ticket {} skipped: it names no project",
                        t.id
                    ));
                    continue;
                }
                if !window.seen(t.id, t.info.last_updated) {
                    fresh.push((kind, t));
                }
            }
        }
        Ok(Gathered {
            last,
            through: true,
        })
    }

    /// The next batch of the scan: tickets on the boards after the scan's service id, then
    /// tickets of the projects after its project id. True when more remain.
    async fn next_batch(
        &self,
        scan: &mut Scan,
        boards: &Boards,
        window: &Window,
        fresh: &mut Vec<(Kind, dto::ServiceTicket)>,
        odd: &mut Vec<String>,
    ) -> Result<bool, SourceError> {
        if let Some(after) = scan.service_after {
            if !self.settings.boards.is_empty() {
                let c = self.ticket_conditions(scan.from, after);
                let got = self
                    .gather(Kind::Service, "/service/tickets", &c, window, fresh, odd)
                    .await?;
                if !got.through {
                    scan.service_after = got.last.or(Some(after));
                    return Ok(true);
                }
            }
            scan.service_after = None;
        }
        if boards.projects.is_empty() {
            return Ok(false);
        }
        let mut c = projects::tickets_of(&boards.projects);
        narrow(&mut c, scan.from, scan.project_after);
        let got = self
            .gather(Kind::Project, "/project/tickets", &c, window, fresh, odd)
            .await?;
        if let Some(last) = got.last {
            scan.project_after = last;
        }
        Ok(!got.through)
    }

    async fn fetch_changes(
        &mut self,
        cursor: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<ChangeSet, SourceError> {
        let overlap = chrono::Duration::seconds(OVERLAP_SECS);
        let mut position = Position::parse(cursor.as_deref());
        let mut scan = position.scan(overlap, now);
        let mut changes = ChangeSet::new(self.name.clone());
        let mut odd = Vec::new();
        let boards = self.boards(&mut odd).await?;
        // Projects and members go with a scan's first batch; the batches after it need only
        // the statuses.
        if scan.batches == 0 {
            changes.projects = self.projects_of(&boards, now);
            changes.members = self.members(&boards, &mut odd).await?;
        }

        let mut fresh = Vec::new();
        changes.more = self
            .next_batch(&mut scan, &boards, &position.window, &mut fresh, &mut odd)
            .await?;

        let this = &*self;
        let wanted: Vec<(Kind, u64)> = fresh.iter().map(|(k, t)| (*k, t.id)).collect();
        let details: Vec<Detailed> = futures::stream::iter(wanted)
            .map(|(kind, id)| async move { this.detail(kind, id).await })
            .buffered(CONCURRENCY)
            .try_collect()
            .await?;
        for ((kind, t), (notes, audit, skipped)) in fresh.iter().zip(details) {
            odd.extend(skipped);
            let (moves, unread) = history::status_changes(&self.source, t.id, &audit);
            odd.extend(unread);
            let mut ticket = map::ticket(&self.name, *kind, t, &boards.statuses);
            ticket.started = started(&ticket, &moves, &boards.statuses);
            changes.notes.extend(notes.into_iter().map(|n| {
                Note {
                    source: self.name.clone(),
                    ticket: t.id,
                    id: n.id,
                    at: n.date_created,
                    author: crate::text::sanitize(
                        n.member
                            .as_ref()
                            .and_then(|m| m.identifier.as_deref().or(m.name.as_deref()))
                            .or(n.created_by.as_deref())
                            .unwrap_or(""),
                    ),
                    body: n.text.unwrap_or_default(),
                }
            }));
            changes.transitions.extend(moves);
            changes.tickets.push(ticket);
        }
        for (_, t) in &fresh {
            position.window.add(t.id, t.info.last_updated);
        }

        if !changes.more {
            let sweeping = self
                .sweeps
                .due(&mut position.window, scan.from.is_none(), now);
            // Time entries are read once the scan's last batch is in, from where it began: an
            // edit moves an entry's `lastUpdated`, so a sweep need not read years of them again.
            changes.time_entries = self.time_entries(scan.from, &mut odd).await?;
            if sweeping {
                match self.all_ids(&boards).await {
                    Ok(present) => changes.sweep = Some(Sweep { present, at: now }),
                    // One unreadable id would have its ticket marked deleted: no sweep this
                    // time, and the sync goes on.
                    Err(SourceError::Invalid(why)) => changes.warnings.push(format!(
                        "the check for deleted ConnectWise tickets was skipped: the list of \
                         ticket ids did not read ({why})"
                    )),
                    Err(e) => return Err(e),
                }
            }
        }
        warn_each(odd, NAMED_SKIPS, &mut changes.warnings);
        position.stored(scan, changes.more);
        changes.cursor = Some(position.cursor(overlap));
        Ok(changes)
    }

    /// The kinds of work time is read for: service tickets, project tickets, or both.
    fn charge_types(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if !self.settings.boards.is_empty() {
            out.push("ServiceTicket");
        }
        if self.settings.projects != Projects::None {
            out.push("ProjectTicket");
        }
        out
    }

    /// Time charged to tickets, changed since `from` (all of it when `None`).
    async fn time_entries(
        &self,
        from: Option<DateTime<Utc>>,
        odd: &mut Vec<String>,
    ) -> Result<Vec<TimeEntry>, SourceError> {
        let types = self.charge_types();
        let each: Vec<String> = types
            .iter()
            .map(|t| format!("chargeToType=\"{t}\""))
            .collect();
        let mut conditions = if each.len() == 1 {
            each.join("")
        } else {
            format!("({})", each.join(" or "))
        };
        if let Some(f) = from {
            conditions.push_str(" and ");
            conditions.push_str(&updated_since(f));
        }
        let listed: Vec<dto::TimeEntry> = self
            .listing("time entry", "/time/entries", Some(&conditions), odd)
            .await?;
        Ok(listed
            .into_iter()
            .filter(|e| types.contains(&e.charge_to_type.as_str()) && e.actual_hours.is_finite())
            .map(|e| TimeEntry {
                source: self.name.clone(),
                ticket: e.charge_to_id,
                id: e.id,
                at: e.time_start,
                member: crate::text::sanitize(
                    e.member
                        .identifier
                        .as_deref()
                        .or(e.member.name.as_deref())
                        .unwrap_or(""),
                ),
                hours: e.actual_hours,
                comment: e.notes.unwrap_or_default(),
            })
            .collect())
    }

    /// Every ticket id still on the boards and in the projects. One unreadable row fails the
    /// sweep (a sweep without it would delete that ticket), so ids are read strictly.
    async fn all_ids(&self, boards: &Boards) -> Result<Vec<u64>, SourceError> {
        let client = self.client()?;
        let mut out = Vec::new();
        if !self.settings.boards.is_empty() {
            let ids: Vec<dto::Id> = client
                .list("/service/tickets", Some(&self.ticket_conditions(None, 0)))
                .await?;
            out.extend(ids.into_iter().map(|i| i.id));
        }
        // With every open project synced, a project that closes drops out of the list of
        // projects but its tickets are still there: the sweep asks about all project tickets.
        let conditions = match &self.settings.projects {
            Projects::None => return Ok(out),
            Projects::Open => None,
            Projects::Named(_) if boards.projects.is_empty() => return Ok(out),
            Projects::Named(_) => Some(projects::tickets_of(&boards.projects)),
        };
        let ids: Vec<dto::Id> = client
            .list("/project/tickets", conditions.as_deref())
            .await?;
        out.extend(ids.into_iter().map(|i| i.id));
        Ok(out)
    }

    async fn trial_read(&mut self) -> Result<Trial, SourceError> {
        let mut odd = Vec::new();
        let boards = self.boards(&mut odd).await?;
        if self.settings.boards.is_empty() && boards.projects.is_empty() {
            // Every project is closed: nothing to read, and `in ()` is no condition.
            return Ok(Trial {
                read: 0,
                warnings: Vec::new(),
            });
        }
        let (path, conditions, what) = if self.settings.boards.is_empty() {
            (
                "/project/tickets",
                projects::tickets_of(&boards.projects),
                "project ticket",
            )
        } else {
            (
                "/service/tickets",
                self.ticket_conditions(None, 0),
                "ticket",
            )
        };
        let raw: Vec<serde_json::Value> = self
            .client()?
            .page(path, Some(&conditions), TRIAL_PAGE)
            .await?;
        let read = read_each::<dto::ServiceTicket>(what, raw, &mut odd).len();
        let mut warnings = Vec::new();
        warn_each(odd, NAMED_SKIPS, &mut warnings);
        Ok(Trial { read, warnings })
    }
}

/// Adds to `conditions` changes after `from` and ids after `after`, where given.
fn narrow(conditions: &mut String, from: Option<DateTime<Utc>>, after: u64) {
    if let Some(f) = from {
        conditions.push_str(" and ");
        conditions.push_str(&updated_since(f));
    }
    if after > 0 {
        conditions.push_str(&format!(" and id > {after}"));
    }
}

/// The records of `raw` that read as `T`; a line in `odd` for each that does not.
fn read_each<T: DeserializeOwned>(
    what: &str,
    raw: Vec<serde_json::Value>,
    odd: &mut Vec<String>,
) -> Vec<T> {
    let mut out = Vec::with_capacity(raw.len());
    for v in raw {
        match T::deserialize(&v) {
            Ok(t) => out.push(t),
            Err(e) => {
                let id = v
                    .get("id")
                    .map_or("?".to_string(), |i| crate::text::sanitize(&i.to_string()));
                odd.push(format!(
                    "ConnectWise {what} {id} skipped: {}",
                    field_at_fault::<T>(&v, &e)
                ));
            }
        }
    }
    out
}

/// When work began: the first move into a started or done status, else when it closed.
fn started(ticket: &Ticket, moves: &[Transition], statuses: &Statuses) -> Option<DateTime<Utc>> {
    moves
        .iter()
        .filter(|t| t.field == Field::Status)
        .find(|t| {
            t.to.as_deref()
                .is_some_and(|s| statuses.named(s) != StatusCategory::Todo)
        })
        .map(|t| t.at)
        .or(ticket.resolved)
}

impl Source for ConnectWiseSource {
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
        Box::pin(async move {
            let boards = self.boards(&mut Vec::new()).await?;
            Ok(self.projects_of(&boards, Utc::now()))
        })
    }

    fn trial(&mut self) -> BoxFuture<'_, Result<Option<Trial>, SourceError>> {
        Box::pin(async move { Ok(Some(self.trial_read().await?)) })
    }

    fn facts<'a>(
        &'a mut self,
        ticket: u64,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Facts, SourceError>> {
        Box::pin(self.read_facts(ticket, key))
    }

    fn statuses<'a>(
        &'a mut self,
        ticket: u64,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Vec<String>, SourceError>> {
        Box::pin(self.board_statuses(ticket, key))
    }

    fn apply<'a>(
        &'a mut self,
        action: &'a TrackerAction,
    ) -> BoxFuture<'a, Result<(), SourceError>> {
        Box::pin(self.write(action))
    }

    fn budget(&self) -> Option<Budget> {
        self.client.as_ref().ok()?.budget()
    }
}
