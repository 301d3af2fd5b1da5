//! The notification line above the status bar: sources whose sync failed, until dismissed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::app::State;
use crate::keys::Action;
use crate::text::Clean;

pub fn draw(frame: &mut Frame, area: Rect, line: &Clean, state: &State, theme: &Theme) {
    let keys = format!(
        " {} dismiss  {} sources ",
        state.keymap.hint(Action::Dismiss),
        state.keymap.hint(Action::Sources)
    );
    let text = Line::from(vec![
        Span::styled(format!(" ! {}", line.as_str()), theme.flag()),
        Span::styled(keys, theme.dim()),
    ]);
    frame.render_widget(Paragraph::new(text), area);
}
