//! Mouse input, when `[ui] mouse = true`: the wheel moves the focused list like `j`/`k`, and a
//! click on a row of the focused table selects it. Where the rows are comes from the same
//! layout drawing uses (`ui::hit`), given the terminal size the loop sent with the event.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::mode::Mode;
use super::outcome::Outcome;
use super::state::{State, Tab};
use super::{forecasts, freshness, update};
use crate::keys::{Action, Command};

pub fn on_mouse(state: &mut State, event: MouseEvent, size: (u16, u16)) -> Outcome {
    // Text lines and dialogs with their own keys take no mouse input.
    let busy = state.forecast.input.is_some()
        || state.advice.popup.is_some()
        || state.modes.iter().any(|m| matches!(m, Mode::Prompt(_)));
    if busy {
        return Outcome::default();
    }
    // A dialog in front takes the wheel for its own list; nothing behind it moves.
    if let Some(Mode::Picker(_) | Mode::Confirm(_) | Mode::Bulk(_)) = state.modes.last() {
        let action = match event.kind {
            MouseEventKind::ScrollDown => Action::Down,
            MouseEventKind::ScrollUp => Action::Up,
            _ => return Outcome::default(),
        };
        return match state.modes.last() {
            Some(Mode::Picker(_)) => super::triage::on_picker(state, action),
            Some(Mode::Bulk(_)) => super::triage::on_bulk(state, action),
            _ => Outcome::default(),
        };
    }
    match event.kind {
        MouseEventKind::ScrollDown => command(state, Action::Down),
        MouseEventKind::ScrollUp => command(state, Action::Up),
        MouseEventKind::Down(MouseButton::Left) if state.modes.is_empty() => {
            click(state, event.column, event.row, size)
        }
        _ => Outcome::default(),
    }
}

fn command(state: &mut State, action: Action) -> Outcome {
    let before = freshness::list_in_front(state);
    let out = update::apply(state, &Command::new(action));
    freshness::after_command(state, before, action);
    out
}

fn click(state: &mut State, column: u16, row: u16, size: (u16, u16)) -> Outcome {
    let Some(rows) = crate::ui::hit::list_rows(state, size.0, size.1) else {
        return Outcome::default();
    };
    let inside = (rows.x..rows.x + rows.width).contains(&column)
        && (rows.y..rows.y + rows.height).contains(&row);
    if !inside {
        return Outcome::default();
    }
    let on_screen = (row - rows.y) as usize;
    let before = freshness::list_in_front(state);
    let list = if let Some(d) = &mut state.detail {
        &mut d.list
    } else if state.tab == Tab::Stalled {
        &mut state.stalled
    } else {
        &mut state.projects
    };
    let target = list.first_drawn() + on_screen;
    if target >= list.len() || target == list.selected {
        return Outcome::default();
    }
    list.select(target);
    if let Some(list) = before {
        freshness::mark_seen(state, list);
    }
    forecasts::with_request(state, Outcome::redraw())
}
