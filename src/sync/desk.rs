//! The demo tracker's desk over the store: what the demo holds is what lookout stored of it,
//! so a change to the demo is a change to the store, logged for the demo sources that run on
//! the same store (in this process or a later one) to carry on.

use crate::domain::{ChangeSet, Ticket};
use crate::sources::demo::{Desk, DeskChange};
use crate::store::Store;
use crate::store::journal::DEMO_DESK;

pub struct StoreDesk {
    store: Store,
}

impl StoreDesk {
    pub fn new(store: &Store) -> StoreDesk {
        StoreDesk {
            store: store.clone(),
        }
    }
}

impl Desk for StoreDesk {
    fn ticket(&self, source: &str, id: u64) -> Result<Option<Ticket>, String> {
        let part = self
            .store
            .load_tickets(source, &[id])
            .map_err(|e| e.to_string())?;
        Ok(part.tickets.into_iter().next())
    }

    fn record(&self, change: &DeskChange) -> Result<(), String> {
        // Logged before it is stored: a demo step that reads the log in between then
        // carries the change on, where the other order could let the step overwrite it.
        self.store
            .append(DEMO_DESK, change)
            .map_err(|e| e.to_string())?;
        let mut set = ChangeSet::new(change.source.clone());
        set.tickets.push(change.ticket.clone());
        set.transitions = change.transitions.clone();
        set.notes = change.notes.clone();
        self.store.write(&set).map_err(|e| e.to_string())?;
        Ok(())
    }

    fn since(&self, after: u64) -> Result<Vec<(u64, DeskChange)>, String> {
        self.store
            .records(DEMO_DESK, after)
            .map_err(|e| e.to_string())
    }

    fn last(&self) -> Result<u64, String> {
        self.store.last_record(DEMO_DESK).map_err(|e| e.to_string())
    }
}
