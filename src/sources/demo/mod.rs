//! The built-in demo tracker: a deterministic, living portfolio that needs no network.
//!
//! The first sync builds the portfolio's history from the seed; each later sync advances it by
//! one step (new tickets, transitions), so the UI visibly refreshes. The cursor records the
//! step count; the tracker's state itself is rebuilt from the store on restart, as a real
//! tracker would still hold it on its server.

mod evolve;
mod history;
mod stories;
mod vocab;
mod world;

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;

pub use history::generate;
pub use stories::{Story, portfolio};
pub use world::{DONE, IN_PROGRESS, IN_REVIEW, TODO, World};

use super::{Source, SourceError};
use crate::domain::{ChangeSet, Portfolio};

pub struct DemoSource {
    name: String,
    seed: u64,
    world: Option<World>,
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
        }
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
        let result = self.sync(cursor.as_deref(), now);
        Box::pin(async move { result })
    }
}
