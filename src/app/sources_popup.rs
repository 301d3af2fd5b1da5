//! The sources popup (`S`): every configured source with its state, and keys to sync one now
//! (`r`) or pause and resume it (`p`). What the keys ask is carried out by the event loop
//! (`Effect::SyncSource`, `Effect::PauseSource`); the pause is also kept here, so the status
//! bar and the popup say "paused" and a pause asked before syncing starts still holds.

use super::event::Effect;
use super::list_view::moved;
use super::mode::Mode;
use super::outcome::Outcome;
use super::state::State;
use crate::keys::Action;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceControl {
    /// Each source's kind ("jira", "csv", ...) by name, as configured.
    pub kinds: Vec<(String, String)>,
    /// Sources the user paused.
    pub paused: Vec<String>,
}

impl SourceControl {
    pub fn kind(&self, name: &str) -> &str {
        self.kinds
            .iter()
            .find(|(n, _)| n == name)
            .map_or("-", |(_, k)| k.as_str())
    }

    pub fn is_paused(&self, name: &str) -> bool {
        self.paused.iter().any(|p| p == name)
    }
}

/// The selected row of the popup, when it is in front.
pub fn selected(state: &State) -> Option<usize> {
    match state.modes.last() {
        Some(Mode::Sources(i)) => Some(*i),
        _ => None,
    }
}

/// Opens the popup (`S`), or closes it when it is in front.
pub fn toggle(state: &mut State) -> Outcome {
    if selected(state).is_some() {
        state.modes.pop();
    } else {
        state.modes.push(Mode::Sources(0));
    }
    Outcome::redraw()
}

/// A command while the popup is in front.
pub fn on_action(state: &mut State, action: Action) -> Outcome {
    let Some(i) = selected(state) else {
        return Outcome::default();
    };
    let name = state.sources.get(i).map(|s| s.name.clone());
    match action {
        Action::Sources => toggle(state),
        Action::Down
        | Action::Up
        | Action::PageDown
        | Action::PageUp
        | Action::Top
        | Action::Bottom => {
            let to = moved(i, state.sources.len(), action);
            if let Some(Mode::Sources(sel)) = state.modes.last_mut() {
                *sel = to;
            }
            Outcome::redraw()
        }
        Action::SyncSource => {
            let Some(name) = name else {
                return Outcome::default();
            };
            if state.control.is_paused(&name) {
                let resume = state.keymap.hint(Action::PauseSource);
                state.message = Some(format!("{name} is paused; {resume} resumes it").into());
                return Outcome::redraw();
            }
            Outcome::with(Effect::SyncSource { source: name })
        }
        Action::PauseSource => {
            let Some(name) = name else {
                return Outcome::default();
            };
            let paused = !state.control.is_paused(&name);
            if paused {
                state.control.paused.push(name.clone());
            } else {
                state.control.paused.retain(|p| *p != name);
            }
            Outcome::with(Effect::PauseSource {
                source: name,
                paused,
            })
        }
        _ => Outcome::default(),
    }
}
