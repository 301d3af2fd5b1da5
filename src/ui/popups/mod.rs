//! Popups drawn over a tab: each clears its rectangle and draws only from `State`.

pub mod audit;
pub mod confirm;
pub mod reject;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Clear;

use crate::app::{Popup, State};
use crate::ui::Theme;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    match &state.advice.popup {
        Some(Popup::Confirm { suggestion }) => confirm::draw(frame, area, state, suggestion, theme),
        Some(Popup::Reject {
            suggestion,
            reason,
            note,
        }) => reject::draw(frame, area, state, suggestion, *reason, note, theme),
        Some(Popup::Audit { scroll }) => audit::draw(frame, area, state, *scroll, theme),
        None => {}
    }
}

/// A cleared rectangle of at most `width` x `height` in the middle of `area`.
pub(crate) fn centered(frame: &mut Frame, area: Rect, width: u16, height: u16) -> Rect {
    let [_, col, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(width.min(area.width)),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, popup, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height.min(area.height)),
        Constraint::Fill(1),
    ])
    .areas(col);
    frame.render_widget(Clear, popup);
    popup
}
