//! Sync reports in `update`: each source's state for the status bar, and the loads a sync
//! asks for (a few touched tickets are read back and patched in; more, or a deletion, reload
//! the store), which wait for a load in progress (`loop_state`).

use super::event::Effect;
use super::outcome::Outcome;
use super::state::{SourceStatus, State, SyncState};
use super::{loop_state, notify};
use crate::sync::SyncEvent;

fn status_mut<'a>(state: &'a mut State, name: &str) -> &'a mut SourceStatus {
    if let Some(i) = state.sources.iter().position(|s| s.name == name) {
        return &mut state.sources[i];
    }
    state.sources.push(SourceStatus {
        name: name.to_string(),
        state: SyncState::Waiting,
        last_ok: None,
        next: None,
        last_error: None,
        warnings: 0,
        budget: None,
    });
    let last = state.sources.len() - 1;
    &mut state.sources[last]
}

pub fn on_sync(state: &mut State, event: SyncEvent) -> Outcome {
    match event {
        SyncEvent::Started { source } => {
            status_mut(state, &source).state = SyncState::Syncing;
            Outcome::redraw()
        }
        SyncEvent::Synced {
            source,
            summary,
            warnings,
            at,
            next,
            budget,
        } => {
            notify::recovered(state, &source);
            let s = status_mut(state, &source);
            s.warnings = warnings.len();
            s.budget = budget;
            s.state = SyncState::Ok;
            s.last_ok = Some(at);
            s.next = Some(next);
            // Nothing new: the screen keeps its numbers (ages move on at the next change).
            if summary.is_empty() {
                return Outcome::redraw();
            }
            state.load_generation += 1;
            let generation = state.load_generation;
            match summary.touched {
                // A few tickets: read them back and patch what is shown.
                Some(tickets) if state.loaded => loop_state::request(
                    state,
                    Effect::Refresh {
                        generation,
                        source,
                        tickets,
                    },
                ),
                _ => {
                    tracing::debug!(source = %source, "reloading after sync: {}", summary.line());
                    loop_state::request(state, Effect::Reload { generation })
                }
            }
        }
        SyncEvent::Failed {
            source,
            failure,
            next,
            budget,
        } => {
            notify::failed(state, &source, &failure);
            let s = status_mut(state, &source);
            s.budget = budget.or(s.budget);
            s.state = SyncState::Failed(failure.clone());
            s.last_error = Some(failure);
            s.next = next;
            Outcome::redraw()
        }
    }
}
