//! Ticket and project detail views over the tab: opened with Enter on a ticket and `i` on a
//! project, scrolled, and rebuilt when the data under them changes (their lines are built
//! then, never per frame).

use chrono::Utc;
use compact_str::CompactString;

use super::list_view::moved;
use super::lists::selected_ticket;
use super::mode::{DetailView, Mode};
use super::outcome::Outcome;
use super::state::{State, selected_project};
use crate::keys::Action;
use crate::ui::Theme;
use crate::ui::detail::{project_lines, ticket_lines};

fn theme(state: &State) -> Theme {
    crate::ui::theme_of(state)
}

fn ticket_view(state: &State, ticket: usize) -> DetailView {
    let now = state.analysis.now.unwrap_or_else(Utc::now);
    let lines = ticket_lines(
        &state.portfolio,
        &state.analysis,
        &state.advice.list,
        ticket,
        now,
        &theme(state),
        state.unicode,
    );
    DetailView {
        ticket,
        project: None,
        lines,
        scroll: 0,
    }
}

fn project_view(state: &State, source: &str, key: &str) -> DetailView {
    let now = state.analysis.now.unwrap_or_else(Utc::now);
    let lines = project_lines(
        &state.portfolio,
        &state.analysis,
        source,
        key,
        now,
        &theme(state),
        state.unicode,
    );
    DetailView {
        ticket: 0,
        project: Some((source.to_string(), key.to_string())),
        lines,
        scroll: 0,
    }
}

/// Enter on a ticket: its detail.
pub fn open_ticket(state: &mut State) -> Outcome {
    let Some(i) = selected_ticket(state) else {
        return Outcome::default();
    };
    let view = ticket_view(state, i);
    state.modes.push(Mode::Ticket(view));
    Outcome::redraw()
}

/// `i` on a project: its detail.
pub fn open_project(state: &mut State) -> Outcome {
    let Some(p) = selected_project(state) else {
        return Outcome::default();
    };
    let (source, key) = (p.source.to_string(), p.key.to_string());
    let view = project_view(state, &source, &key);
    state.modes.push(Mode::Project(view));
    Outcome::redraw()
}

/// Scrolls the detail view in front; false when none is.
pub fn scroll(state: &mut State, action: Action) -> bool {
    // The last full page of the screen drawn last is as far as it goes, so a key back up
    // after `G` moves at once.
    let room = state.body_rows.get().saturating_sub(2);
    let Some(Mode::Ticket(v) | Mode::Project(v)) = state.modes.last_mut() else {
        return false;
    };
    let last = v.lines.len().saturating_sub(room);
    v.scroll = moved(v.scroll.min(last), last + 1, action);
    true
}

/// The tickets the open ticket views show, by (source, id): taken before a load replaces
/// the portfolio, so the views can find their tickets again.
pub fn shown_tickets(state: &State) -> Vec<Option<(CompactString, u64)>> {
    state
        .modes
        .iter()
        .map(|m| match m {
            Mode::Ticket(v) => state
                .portfolio
                .tickets
                .get(v.ticket)
                .map(|t| (t.source.clone(), t.id)),
            _ => None,
        })
        .collect()
}

/// Rebuilds every detail view on the new data, at the same scroll.
pub fn rebuild(state: &mut State, before: Vec<Option<(CompactString, u64)>>) {
    for (n, key) in before.into_iter().enumerate() {
        let rebuilt = match state.modes.get(n) {
            Some(Mode::Ticket(v)) => {
                let ticket = key
                    .and_then(|k| state.ticket_at.get(&k).copied())
                    .unwrap_or(usize::MAX);
                let mut fresh = ticket_view(state, ticket);
                fresh.scroll = v.scroll;
                Some(Mode::Ticket(fresh))
            }
            Some(Mode::Project(v)) => v.project.clone().map(|(s, k)| {
                let mut fresh = project_view(state, &s, &k);
                fresh.scroll = v.scroll;
                Mode::Project(fresh)
            }),
            _ => None,
        };
        if let Some(m) = rebuilt {
            state.modes[n] = m;
        }
    }
}
