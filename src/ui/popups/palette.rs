//! The command palette: what is typed, then the matching commands with their keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::centered;
use crate::app::{PALETTE_ROWS, Prompt, State};
use crate::keys::Chord;
use crate::ui::Theme;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, prompt: &Prompt, theme: &Theme) {
    let shown = PALETTE_ROWS
        .min(area.height.saturating_sub(4) as usize)
        .max(1);
    let height = shown as u16 + 4;
    let popup = centered(frame, area, 72, height);
    let block = theme
        .block()
        .title(format!(" Commands ({} matching) ", prompt.matches.len()));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let width = inner.width.saturating_sub(2) as usize;
    let skip = prompt.line.scroll(width);
    let typed: String = prompt.line.value().chars().skip(skip).collect();
    let mut lines = vec![
        Line::from(vec![Span::styled(": ", theme.header()), Span::raw(typed)]),
        match &prompt.error {
            Some(e) => Line::from(Span::styled(e.clone(), theme.error())),
            None => Line::from(""),
        },
    ];
    // The chosen match stays in view: the list scrolls by whole pages.
    let first = prompt.chosen / shown * shown;
    for (n, &i) in prompt.matches.iter().enumerate().skip(first).take(shown) {
        let b = &state.keymap.bindings[i];
        let keys = b
            .keys
            .iter()
            .map(Chord::label)
            .collect::<Vec<_>>()
            .join(",");
        let style = if n == prompt.chosen {
            theme.selected()
        } else {
            theme.tab()
        };
        lines.push(
            Line::from(vec![
                Span::raw(format!("{:<22}", b.command.name())),
                Span::styled(format!("{keys:<12} "), theme.header()),
                Span::raw(b.description.clone()),
            ])
            .style(style),
        );
    }
    if prompt.matches.is_empty() {
        lines.push(Line::from(Span::styled(
            "no command matches; a command with data runs as typed (assign:alice)",
            theme.dim(),
        )));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    let x = inner.x + 2 + (prompt.line.cursor() - skip) as u16;
    frame.set_cursor_position((x.min(inner.right().saturating_sub(1)), inner.y));
}
