//! The ConnectWise source: service tickets on the configured boards, incrementally by
//! `lastUpdated`, with their notes, their status history from the audit trail, the site's
//! members and the time charged to tickets.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use futures::{StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;

use super::map::{self, Statuses};
use super::{Client, Settings, board_is, dto, history, updated_since};
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
/// Skipped records named one line each before the rest are counted.
const NAMED_SKIPS: usize = 20;
/// The collections read forward-only; the rest are short and page the ordinary way.
const LARGE: [&str; 2] = ["/service/tickets", "/time/entries"];
/// Tickets in doctor's trial page.
const TRIAL_PAGE: usize = 10;

pub struct ConnectWiseSource {
    name: String,
    source: Arc<str>,
    pub(super) settings: Settings,
    pub(super) client: Result<Client, SourceError>,
    sweeps: SweepClock,
}

/// What a sync knows of the configured boards.
pub(super) struct Boards {
    pub listed: Vec<dto::Board>,
    pub statuses: Statuses,
}

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
    async fn listing<T: DeserializeOwned>(
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

    /// The configured boards and their statuses; a board the API member cannot see is a
    /// config error, named.
    pub(super) async fn boards(&self, odd: &mut Vec<String>) -> Result<Boards, SourceError> {
        let mut listed: Vec<dto::Board> =
            self.listing("board", "/service/boards", None, odd).await?;
        let wanted = &self.settings.boards;
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
        let mut statuses = Statuses::default();
        for b in &listed {
            let path = format!("/service/boards/{}/statuses", b.id);
            let list: Vec<dto::BoardStatus> =
                self.listing("board status", &path, None, odd).await?;
            statuses.add(&list);
        }
        Ok(Boards { listed, statuses })
    }

    /// `conditions` for the configured boards, and for changes after `from` if given.
    fn ticket_conditions(&self, from: Option<DateTime<Utc>>) -> String {
        let boards: Vec<String> = self.settings.boards.iter().map(|b| board_is(b)).collect();
        let mut c = format!("({})", boards.join(" or "));
        if let Some(f) = from {
            c.push_str(" and ");
            c.push_str(&updated_since(f));
        }
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
        let mut out = Vec::new();
        for b in &boards.listed {
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
                    project: crate::text::sanitize(&b.name).as_str().into(),
                    login: crate::text::sanitize(&m.identifier).as_str().into(),
                    display_name: crate::text::sanitize(&name).as_str().into(),
                });
            }
        }
        Ok(out)
    }

    fn projects_of(&self, boards: &Boards, now: DateTime<Utc>) -> Vec<Project> {
        boards
            .listed
            .iter()
            .map(|b| Project {
                source: self.name.clone(),
                key: crate::text::sanitize(&b.name),
                name: crate::text::sanitize(&b.name),
                description: String::new(),
                created: b.info.as_ref().map_or(now, |i| i.date_entered),
                url: None,
                target: None,
            })
            .collect()
    }

    /// A changed ticket's notes and status history.
    async fn detail(
        &self,
        id: u64,
    ) -> Result<(Vec<dto::Note>, Vec<dto::AuditEntry>, Vec<String>), SourceError> {
        let mut odd = Vec::new();
        let notes = self
            .listing(
                "note",
                &format!("/service/tickets/{id}/notes"),
                None,
                &mut odd,
            )
            .await?;
        // History is worth less than the ticket: an API member whose role cannot read the
        // audit trail still syncs its tickets, and the warning says what is missing.
        let raw: Vec<serde_json::Value> = match self
            .client()?
            .get(&format!("/system/audittrail?type=Ticket&id={id}"))
            .await
        {
            Ok(raw) => raw,
            Err(
                e @ (SourceError::Auth(_) | SourceError::Refused(_) | SourceError::NotFound(_)),
            ) => {
                odd.push(format!(
                    "ConnectWise ticket #{id} syncs without its status history: its audit trail \
                     was refused ({e})"
                ));
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        let audit = read_each("audit line", raw, &mut odd);
        Ok((notes, audit, odd))
    }

    async fn fetch_changes(
        &mut self,
        cursor: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<ChangeSet, SourceError> {
        let overlap = chrono::Duration::seconds(OVERLAP_SECS);
        let mut window = Window::parse(cursor.as_deref());
        let mut changes = ChangeSet::new(self.name.clone());
        let mut odd = Vec::new();
        let boards = self.boards(&mut odd).await?;
        changes.projects = self.projects_of(&boards, now);
        changes.members = self.members(&boards, &mut odd).await?;

        let from = window.from(overlap);
        let sync_start = window.entries_from(overlap);
        let listed: Vec<dto::ServiceTicket> = self
            .listing(
                "ticket",
                "/service/tickets",
                Some(&self.ticket_conditions(from)),
                &mut odd,
            )
            .await?;
        let fresh: Vec<dto::ServiceTicket> = listed
            .into_iter()
            .filter(|t| !window.seen(t.id, t.info.last_updated))
            .collect();

        let this = &*self;
        let ids: Vec<u64> = fresh.iter().map(|t| t.id).collect();
        let details: Vec<_> = futures::stream::iter(ids)
            .map(|id| async move { this.detail(id).await })
            .buffered(CONCURRENCY)
            .try_collect()
            .await?;
        for (t, (notes, audit, skipped)) in fresh.iter().zip(details) {
            odd.extend(skipped);
            let (moves, unread) = history::status_changes(&self.source, t.id, &audit);
            odd.extend(unread);
            let mut ticket = map::ticket(&self.name, t, &boards.statuses);
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
        for t in &fresh {
            window.add(t.id, t.info.last_updated);
        }

        let sweeping = self.sweeps.due(&mut window, from.is_none(), now);
        changes.time_entries = self
            .time_entries(sync_start.filter(|_| !sweeping), &mut odd)
            .await?;
        if sweeping {
            changes.sweep = Some(Sweep {
                present: self.all_ids().await?,
                at: now,
            });
        }
        warn_each(odd, NAMED_SKIPS, &mut changes.warnings);
        window.keep_entries_from(sync_start, false);
        changes.cursor = Some(window.cursor(overlap));
        Ok(changes)
    }

    /// Time charged to service tickets, changed since `from` (all of it when `None`).
    async fn time_entries(
        &self,
        from: Option<DateTime<Utc>>,
        odd: &mut Vec<String>,
    ) -> Result<Vec<TimeEntry>, SourceError> {
        let mut conditions = "chargeToType=\"ServiceTicket\"".to_string();
        if let Some(f) = from {
            conditions.push_str(" and ");
            conditions.push_str(&updated_since(f));
        }
        let listed: Vec<dto::TimeEntry> = self
            .listing("time entry", "/time/entries", Some(&conditions), odd)
            .await?;
        Ok(listed
            .into_iter()
            .filter(|e| e.charge_to_type == "ServiceTicket" && e.actual_hours.is_finite())
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

    /// Every ticket id still on the boards. One unreadable row fails the sweep (a sweep
    /// without it would delete that ticket), so ids are read strictly.
    async fn all_ids(&self) -> Result<Vec<u64>, SourceError> {
        let ids: Vec<dto::Id> = self
            .client()?
            .list("/service/tickets", Some(&self.ticket_conditions(None)))
            .await?;
        Ok(ids.into_iter().map(|i| i.id).collect())
    }

    async fn trial_read(&mut self) -> Result<Trial, SourceError> {
        let mut odd = Vec::new();
        self.boards(&mut odd).await?;
        let raw: Vec<serde_json::Value> = self
            .client()?
            .page(
                "/service/tickets",
                Some(&self.ticket_conditions(None)),
                TRIAL_PAGE,
            )
            .await?;
        let read = read_each::<dto::ServiceTicket>("ticket", raw, &mut odd).len();
        let mut warnings = Vec::new();
        warn_each(odd, NAMED_SKIPS, &mut warnings);
        Ok(Trial { read, warnings })
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
        _key: &'a str,
    ) -> BoxFuture<'a, Result<Facts, SourceError>> {
        Box::pin(self.read_facts(ticket))
    }

    fn statuses<'a>(
        &'a mut self,
        ticket: u64,
        _key: &'a str,
    ) -> BoxFuture<'a, Result<Vec<String>, SourceError>> {
        Box::pin(self.board_statuses(ticket))
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
