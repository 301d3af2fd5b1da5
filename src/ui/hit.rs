//! Where the focused table's rows are on screen, for mouse clicks: worked out from the terminal
//! size with the same layout the tabs draw with.

use ratatui::layout::Rect;

use crate::app::{State, Tab};

/// The rows of the focused table (below its border and header), or `None` when the focused
/// pane has no table a click can select in (Forecasts, Suggestions, an empty Stalled list).
pub fn list_rows(state: &State, width: u16, height: u16) -> Option<Rect> {
    let [_, body, _, _] = super::areas(Rect::new(0, 0, width, height), state);
    let table = if state.detail.is_some() {
        body
    } else {
        match state.tab {
            Tab::Projects => {
                let panel = super::tabs::project_panel::HEIGHT + 2;
                if body.height >= panel + 10 {
                    Rect {
                        height: body.height - panel,
                        ..body
                    }
                } else {
                    body
                }
            }
            Tab::Stalled if state.stalled.is_empty() => return None,
            Tab::Stalled if body.width >= super::tabs::stalled::WIDE => body,
            // The reason panel takes five rows under the table.
            Tab::Stalled => Rect {
                height: body.height.saturating_sub(5),
                ..body
            },
            Tab::Forecasts | Tab::Suggestions => return None,
        }
    };
    Some(Rect {
        x: table.x + 1,
        y: table.y + 2,
        width: table.width.saturating_sub(2),
        height: table.height.saturating_sub(3),
    })
}
