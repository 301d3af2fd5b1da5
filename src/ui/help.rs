//! The help overlay, generated from the keymap so it can never disagree with the keys.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::Theme;
use crate::app::State;
use crate::keys::Action;
use crate::keys::{Chord, Context};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let contexts = [
        Context::Global,
        Context::List,
        Context::Projects,
        Context::Stalled,
        Context::Forecasts,
        Context::Suggestions,
    ];
    let section = |context: Context, keys_width: usize| -> Vec<Line> {
        let mut lines = vec![Line::from(Span::styled(context.title(), theme.header()))];
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
                Span::raw(format!(" {keys:<keys_width$} ")),
                Span::raw(b.description.clone()),
            ]));
        }
        lines
    };
    // One column when it fits; two side by side on short terminals (80x24 in tmux).
    let one: Vec<Line> = contexts.iter().flat_map(|c| section(*c, 16)).collect();
    let columns: Vec<Vec<Line>> = if one.len() as u16 + 2 <= area.height {
        vec![one]
    } else {
        let left: Vec<Line> = contexts[..2].iter().flat_map(|c| section(*c, 12)).collect();
        let right: Vec<Line> = contexts[2..].iter().flat_map(|c| section(*c, 6)).collect();
        vec![left, right]
    };
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0) as u16;
    let width = if columns.len() == 1 {
        area.width.min(64)
    } else {
        area.width
    };
    let height = area.height.min(tallest + 2);
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
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let parts = Layout::horizontal(vec![Constraint::Fill(1); columns.len()]).split(inner);
    for (lines, part) in columns.into_iter().zip(parts.iter()) {
        frame.render_widget(Paragraph::new(lines), *part);
    }
}
