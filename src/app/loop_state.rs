//! The event loop's own rules, as state: one store load at a time (a reload asked for while
//! one runs waits, then runs once), syncing starts after the first load is shown, and a
//! store that cannot be read at start ends the program with the reason.
//!
//! Kept here rather than in `run` so they are tested like the rest of `update`; `run` only
//! carries out the effects this returns.

use super::event::Effect;
use super::outcome::Outcome;
use super::state::State;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopState {
    /// A load (full or refresh) is running.
    pub loading: bool,
    /// The generation of a reload asked for while a load ran.
    pub pending: Option<u64>,
    /// The sync tasks were started.
    pub syncing: bool,
}

impl LoopState {
    /// The state at start: the first load is asked for as the app starts.
    pub fn starting() -> LoopState {
        LoopState {
            loading: true,
            pending: None,
            syncing: false,
        }
    }
}

/// Asks for a load (`Effect::Reload` or `Effect::Refresh`): run now, or once the load in
/// progress ends. A patch is only right on top of the newest load, so one that has to wait
/// becomes a full reload.
pub fn request(state: &mut State, load: Effect) -> Outcome {
    let generation = match &load {
        Effect::Reload { generation } | Effect::Refresh { generation, .. } => *generation,
        _ => return Outcome::with(load),
    };
    if state.run.loading {
        state.run.pending = Some(generation);
        return Outcome::redraw();
    }
    state.run.loading = true;
    Outcome::with(load)
}

/// A load ended (shown or dropped as stale): the first one starts syncing, and a reload that
/// waited for it runs now.
pub fn on_loaded(state: &mut State) -> Vec<Effect> {
    state.run.loading = false;
    let mut effects = Vec::new();
    if !state.run.syncing {
        state.run.syncing = true;
        effects.push(Effect::StartSync);
    }
    effects.extend(run_pending(state));
    effects
}

/// A load failed. Before anything was shown there is nothing to fall back on, so lookout
/// ends with the reason; later, the screen keeps what it shows and says why.
pub fn on_load_failed(state: &mut State, error: &str) -> Vec<Effect> {
    state.run.loading = false;
    if !state.run.syncing {
        state.quit = true;
        return vec![Effect::Fail {
            message: format!("cannot read the store: {error}"),
        }];
    }
    run_pending(state)
}

fn run_pending(state: &mut State) -> Vec<Effect> {
    match state.run.pending.take() {
        Some(generation) => {
            state.run.loading = true;
            vec![Effect::Reload { generation }]
        }
        None => Vec::new(),
    }
}
