//! The reason asked for when a suggestion is rejected: one of four on number keys, an
//! optional note, or nothing at all (Enter straight away).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::centered;
use crate::app::{State, TextLine};
use crate::domain::RejectReason;
use crate::ui::Theme;

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    id: &str,
    reason: Option<RejectReason>,
    note: &TextLine,
    theme: &Theme,
) {
    let subject = state
        .advice
        .find(id)
        .map(|s| s.subject.to_string())
        .unwrap_or_default();
    let mut lines = vec![Line::from(Span::styled(
        "Why? (optional: Enter alone rejects without a reason)",
        theme.dim(),
    ))];
    for (i, r) in RejectReason::ALL.iter().enumerate() {
        let chosen = reason == Some(*r);
        let mark = if chosen { "[x]" } else { "[ ]" };
        let style = if chosen {
            theme.selected()
        } else {
            theme.tab()
        };
        lines.push(Line::from(Span::styled(
            format!(" {} {mark} {}", i + 1, r.label()),
            style,
        )));
    }
    lines.push(Line::from(vec![
        Span::styled("note: ", theme.header()),
        Span::raw(note.value()),
        Span::styled("_", theme.dim()),
    ]));
    lines.push(Line::from(""));
    lines.push(Line::from("Enter reject   Esc cancel"));
    let popup = centered(frame, area, 64, lines.len() as u16 + 2);
    let block = theme.block().title(format!(" Reject: {subject} "));
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
