//! The built-in demo tracker: a deterministic, living portfolio that needs no network.
//!
//! The first sync builds the portfolio's history from the seed; each later sync advances it by
//! one step (new tickets, transitions), so the UI visibly refreshes. The cursor records the
//! step count; the tracker's state itself is rebuilt from the store on restart, as a real
//! tracker would still hold it on its server.
//!
//! With a `Desk` (see `desk`) the demo takes writes: a change is stored at once, and every
//! demo source on the same store picks it up before its next step, so a step never moves a
//! ticket from the copy it had before the change.

mod connector;
mod desk;
mod evolve;
mod history;
mod stories;
mod vocab;
mod world;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

pub use connector::{CONNECTOR, SEED, Settings};
pub use desk::{Desk, DeskChange};
pub use history::generate;
pub use stories::{Story, portfolio};
pub use world::{DONE, IN_PROGRESS, IN_REVIEW, TODO, World};

use super::{Facts, Source, SourceError, TrackerAction};
use crate::domain::{ChangeSet, Portfolio};

pub struct DemoSource {
    name: String,
    seed: u64,
    world: Option<World>,
    desk: Option<Arc<dyn Desk>>,
    /// The last desk change this source's world has taken in.
    absorbed: u64,
}

impl DemoSource {
    /// `stored` is what the store already holds, so a restarted demo carries on from there.
    pub fn new(name: &str, seed: u64, stored: &Portfolio) -> DemoSource {
        let has_data = stored.tickets.iter().any(|t| t.source == name);
        let world = has_data.then(|| World::from_portfolio(name, stored));
        DemoSource {
            name: name.to_string(),
            seed,
            world,
            desk: None,
            absorbed: 0,
        }
    }

    /// A demo that takes writes through `desk`. What the desk recorded until now is already
    /// in `stored`; later changes are taken in before each step.
    pub fn with_desk(mut self, desk: Arc<dyn Desk>) -> DemoSource {
        self.absorbed = desk.last().unwrap_or(0);
        self.desk = Some(desk);
        self
    }

    fn desk(&self) -> Result<&Arc<dyn Desk>, SourceError> {
        self.desk
            .as_ref()
            .ok_or_else(|| SourceError::Unsupported(format!("{} is read-only here", self.name)))
    }

    /// Changes written to the demo since this world last looked, put into it so that a step
    /// carries them on.
    fn absorb(&mut self) -> Result<(), SourceError> {
        let Some(desk) = &self.desk else {
            return Ok(());
        };
        let changes = desk
            .since(self.absorbed)
            .map_err(|e| SourceError::Unreachable(format!("the demo's changes: {e}")))?;
        for (seq, change) in changes {
            self.absorbed = seq;
            if change.source != self.name {
                continue;
            }
            if let Some(world) = &mut self.world
                && let Some(t) = world
                    .data
                    .tickets
                    .iter_mut()
                    .find(|t| t.id == change.ticket.id)
            {
                *t = change.ticket;
            }
        }
        Ok(())
    }

    fn current(&self, ticket: u64, key: &str) -> Result<crate::domain::Ticket, SourceError> {
        self.desk()?
            .ticket(&self.name, ticket)
            .map_err(|e| SourceError::Unreachable(format!("the demo's {key}: {e}")))?
            .ok_or_else(|| SourceError::NotFound(format!("the demo has no ticket {key}")))
    }

    /// Where the ticket can move: read from the desk when the demo takes writes, else from
    /// the world this source runs.
    fn moves(&self, ticket: u64, key: &str) -> Result<Vec<String>, SourceError> {
        if self.desk.is_some() {
            return self.current(ticket, key).map(|t| desk::moves(&t));
        }
        self.world
            .as_ref()
            .and_then(|w| w.data.tickets.iter().find(|t| t.id == ticket))
            .map(desk::moves)
            .ok_or_else(|| SourceError::NotFound(format!("the demo has no ticket {key}")))
    }

    fn write(&self, action: &TrackerAction) -> Result<(), SourceError> {
        let ticket = self.current(action.ticket, &action.key)?;
        let now = Utc::now();
        // Demo notes count up from 1; a written note takes an id far above them.
        let note_id = (1 << 48) | now.timestamp_micros().unsigned_abs();
        let change = desk::change(&self.name, ticket, action, note_id, now)?;
        self.desk()?
            .record(&change)
            .map_err(|e| SourceError::Unreachable(format!("the demo could not store it: {e}")))
    }

    fn sync(&mut self, cursor: Option<&str>, now: DateTime<Utc>) -> Result<ChangeSet, SourceError> {
        let step = match cursor {
            Some(c) => c.parse::<u64>().map_err(|_| {
                SourceError::Invalid(format!("demo cursor {c:?} is not a step number"))
            })?,
            None => 0,
        };
        let mut changes = match (&mut self.world, cursor) {
            (Some(world), Some(_)) => evolve::step(world, self.seed, step + 1, now),
            _ => {
                let world = generate(&self.name, self.seed, now);
                self.world = Some(world.clone());
                world.into_change_set()
            }
        };
        changes.cursor = Some(if cursor.is_some() { step + 1 } else { 0 }.to_string());
        Ok(changes)
    }
}

impl Source for DemoSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn fetch<'a>(
        &'a mut self,
        cursor: Option<String>,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<ChangeSet, SourceError>> {
        let result = self
            .absorb()
            .and_then(|()| self.sync(cursor.as_deref(), now));
        Box::pin(async move { result })
    }

    fn facts<'a>(
        &'a mut self,
        ticket: u64,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Facts, SourceError>> {
        let result = self.current(ticket, key).map(|t| desk::facts(&t));
        Box::pin(async move { result })
    }

    fn statuses<'a>(
        &'a mut self,
        ticket: u64,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Vec<String>, SourceError>> {
        let result = self.moves(ticket, key);
        Box::pin(async move { result })
    }

    fn apply<'a>(
        &'a mut self,
        action: &'a TrackerAction,
    ) -> BoxFuture<'a, Result<(), SourceError>> {
        let result = self.write(action);
        Box::pin(async move { result })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::domain::{Change, Ticket};

    /// A desk in memory: the tickets it holds, and its log.
    #[derive(Default)]
    struct Memory {
        tickets: Mutex<Vec<Ticket>>,
        log: Mutex<Vec<DeskChange>>,
    }

    impl Desk for Memory {
        fn ticket(&self, _: &str, id: u64) -> Result<Option<Ticket>, String> {
            let held = self.tickets.lock().map_err(|e| e.to_string())?;
            Ok(held.iter().find(|t| t.id == id).cloned())
        }
        fn record(&self, change: &DeskChange) -> Result<(), String> {
            let mut held = self.tickets.lock().map_err(|e| e.to_string())?;
            held.retain(|t| t.id != change.ticket.id);
            held.push(change.ticket.clone());
            self.log
                .lock()
                .map_err(|e| e.to_string())?
                .push(change.clone());
            Ok(())
        }
        fn since(&self, after: u64) -> Result<Vec<(u64, DeskChange)>, String> {
            let log = self.log.lock().map_err(|e| e.to_string())?;
            Ok((1..)
                .zip(log.iter().cloned())
                .filter(|(seq, _)| *seq > after)
                .collect())
        }
        fn last(&self) -> Result<u64, String> {
            Ok(self.log.lock().map_err(|e| e.to_string())?.len() as u64)
        }
    }

    #[tokio::test]
    async fn a_write_reaches_the_running_demo_before_its_next_step() {
        let now = Utc::now();
        let mut running = DemoSource::new("demo", 7, &Portfolio::default());
        let first = running.fetch(None, now).await.expect("first sync");
        let desk = Arc::new(Memory::default());
        desk.tickets
            .lock()
            .expect("desk")
            .clone_from(&first.tickets);
        let mut running = running.with_desk(desk.clone());
        let mut writer = DemoSource::new("demo", 7, &Portfolio::default()).with_desk(desk);
        let target = first
            .tickets
            .iter()
            .find(|t| t.is_open())
            .expect("an open ticket");
        let action = TrackerAction {
            ticket: target.id,
            key: target.key.to_string(),
            change: Change::Assign {
                login: "someone-new".into(),
            },
        };
        let before = writer.facts(target.id, &target.key).await.expect("facts");
        assert_eq!(before.status, target.status.as_str());
        writer.apply(&action).await.expect("written");
        running.fetch(Some("0".into()), now).await.expect("a step");
        let world = running.world.as_ref().expect("world");
        let held = world
            .data
            .tickets
            .iter()
            .find(|t| t.id == target.id)
            .expect("held");
        assert_eq!(held.assignee.as_deref(), Some("someone-new"));
    }

    #[tokio::test]
    async fn without_a_desk_the_demo_says_it_cannot_write() {
        let mut demo = DemoSource::new("demo", 7, &Portfolio::default());
        let err = demo.facts(1, "ATLAS-1").await.expect_err("read-only");
        assert!(err.to_string().contains("read-only"), "{err}");
    }
}
