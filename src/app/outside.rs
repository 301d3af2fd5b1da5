//! What leaves the dashboard for the rest of the desktop: a ticket's address opened in a
//! browser (or shown, over SSH or without a display), its key or address copied to the
//! clipboard with OSC 52 (which travels through SSH and tmux to the user's terminal).
//!
//! `update` only asks; the event loop launches the browser and writes the sequence.

use super::event::Effect;
use super::lists::selected_ticket;
use super::outcome::Outcome;
use super::state::State;
use crate::keys::Action;
use crate::text::Clean;

pub fn on_action(state: &mut State, action: Action) -> Outcome {
    let Some(i) = selected_ticket(state) else {
        state.message = Some(Clean::new("select a ticket first"));
        return Outcome::redraw();
    };
    let t = &state.portfolio.tickets[i];
    let key = t.key.to_string();
    let url = t.url.clone();
    match (action, url) {
        (Action::Copy, _) => Outcome::with(Effect::Copy { text: key }),
        (Action::CopyUrl, Some(url)) => Outcome::with(Effect::Copy { text: url }),
        (Action::OpenUrl, Some(url)) => Outcome::with(Effect::OpenUrl { url }),
        (_, None) => {
            state.message = Some(Clean::new(format!("{key}: the tracker gave no address")));
            Outcome::redraw()
        }
        _ => Outcome::default(),
    }
}
