//! Which key scopes are in front of the user, and where a key press goes: a text line takes
//! it as text unless its scope binds it; otherwise the keymap, asked in the order of the
//! scopes in front, names the command.

use crossterm::event::KeyEvent;

use super::advice::Popup;
use super::mode::Mode;
use super::outcome::Outcome;
use super::state::{State, Tab};
use super::{decisions, forecasts, freshness, prompt, triage, update};
use crate::keys::{Action, Command, Scope};

/// The scopes a key is looked up in, front first.
pub fn scopes(state: &State) -> Vec<Scope> {
    if let Some(mode) = state.modes.last() {
        return mode.scopes().to_vec();
    }
    beneath_modes(state)
}

/// The scopes of what is under the modes: the tab, its popup or list; what the help overlay
/// lists first.
pub fn beneath_modes(state: &State) -> Vec<Scope> {
    if state.forecast.input.is_some() {
        return vec![Scope::Input];
    }
    match &state.advice.popup {
        Some(Popup::Reject { .. }) => return vec![Scope::Input],
        Some(_) => return vec![Scope::Popup, Scope::List, Scope::Global],
        None => {}
    }
    if state.detail.is_some() {
        return vec![Scope::Ticket, Scope::List, Scope::Global];
    }
    let tab = match state.tab {
        Tab::Projects => Scope::Projects,
        Tab::Stalled => Scope::Stalled,
        Tab::Forecasts => Scope::Forecasts,
        Tab::Suggestions => Scope::Suggestions,
    };
    if state.tab == Tab::Stalled {
        vec![tab, Scope::Ticket, Scope::List, Scope::Global]
    } else {
        vec![tab, Scope::List, Scope::Global]
    }
}

pub fn on_key(state: &mut State, key: &KeyEvent) -> Outcome {
    let scopes = scopes(state);
    let command = state.keymap.command_for(key, &scopes).cloned();
    match state.modes.last() {
        Some(Mode::Prompt(_)) => return prompt::on_key(state, key, command),
        Some(Mode::Picker(_) | Mode::Confirm(_) | Mode::Bulk(_)) => {
            let Some(action) = command.map(|c| c.action) else {
                return Outcome::default();
            };
            if action == Action::Quit {
                // Leaving in the middle of a bulk write would lose its summary: what was
                // written and what failed. Signals (SIGTERM, SIGHUP) still end lookout.
                if let Some(Mode::Bulk(b)) = state.modes.last()
                    && b.summary.is_none()
                {
                    state.message = Some("writes are on their way: quit once they end".into());
                    return Outcome::redraw();
                }
                return update::apply(state, &Command::new(Action::Quit));
            }
            return match state.modes.last() {
                Some(Mode::Picker(_)) => triage::on_picker(state, action),
                Some(Mode::Confirm(_)) => triage::on_confirm(state, action),
                _ => triage::on_bulk(state, action),
            };
        }
        _ => {}
    }
    if state.forecast.input.is_some() {
        let today = state
            .analysis
            .now
            .unwrap_or_else(chrono::Utc::now)
            .date_naive();
        return forecasts::on_input_key(state, key, command, today);
    }
    if state.advice.popup.is_some() {
        return decisions::on_popup_key(state, key, command);
    }
    let Some(command) = command else {
        return Outcome::default();
    };
    // A message stays until the user does something else.
    let had_message = state.message.take().is_some();
    let seen = freshness::list_in_front(state);
    let mut out = update::apply(state, &command);
    freshness::after_command(state, seen, command.action);
    out.redraw |= had_message;
    out
}
