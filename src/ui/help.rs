//! The help overlay, generated from the keymap so it can never disagree with the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::Theme;
use crate::app::{Action, State};
use crate::config::{Chord, Context};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let bindings = state.keymap.bindings.len() as u16;
    // Section headings only when everything fits with them (a tmux status line costs a row).
    let headings = bindings + 3 + 2 <= area.height;
    let mut lines = Vec::new();
    for context in [Context::Global, Context::List, Context::Projects] {
        if headings {
            lines.push(Line::from(Span::styled(context.title(), theme.header())));
        }
        for b in state
            .keymap
            .bindings
            .iter()
            .filter(|b| b.context == context)
        {
            let keys = b
                .keys
                .iter()
                .map(Chord::label)
                .collect::<Vec<_>>()
                .join(", ");
            lines.push(Line::from(vec![
                Span::raw(format!("  {keys:<16} ")),
                Span::raw(b.description.clone()),
            ]));
        }
    }
    let width = area.width.min(64);
    let height = area.height.min(lines.len() as u16 + 2);
    let [_, col, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(width),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, popup, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height),
        Constraint::Fill(1),
    ])
    .areas(col);
    frame.render_widget(Clear, popup);
    let title = format!(
        " Help: keys ({} to close) ",
        state.keymap.hint(Action::Back)
    );
    let block = Block::bordered().title(title).border_style(theme.border());
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}
