//! The confirmation before a write: exactly what will be written, to which tracker, and what
//! the ticket must still show for the write to happen. In read-only mode it says that nothing
//! will be sent.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::centered;
use crate::app::State;
use crate::domain::Change;
use crate::keys::Action;
use crate::ui::Theme;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, id: &str, theme: &Theme) {
    let Some(s) = state.advice.find(id) else {
        return;
    };
    let Some(p) = &s.proposal else {
        return;
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled("tracker: ", theme.header()),
            Span::raw(p.source.as_str()),
        ]),
        Line::from(vec![
            Span::styled("write:   ", theme.header()),
            Span::raw(p.action.to_string()),
        ]),
    ];
    if let Change::Comment { body } = &p.action.change {
        lines.extend(body.lines().map(|l| Line::from(format!("  | {l}"))));
    }
    let assignee = p.seen.assignee.as_deref().unwrap_or("nobody");
    lines.push(Line::from(vec![
        Span::styled("only if it still shows: ", theme.dim()),
        Span::raw(format!(
            "{}, {assignee}, {}",
            p.seen.status,
            p.seen.priority.label()
        )),
    ]));
    lines.push(Line::from(""));
    let (enter, esc) = (
        state.keymap.hint(Action::Open),
        state.keymap.hint(Action::Back),
    );
    if state.read_only_for(&p.source) {
        lines.push(Line::from(Span::styled(
            format!("read-only: nothing will be sent to {}", p.source),
            theme.flag(),
        )));
        lines.push(Line::from(format!("{enter} or {esc} close")));
    } else {
        lines.push(Line::from(format!("{enter} write   {esc} cancel")));
    }
    let height = lines.len() as u16 + 2;
    let popup = centered(frame, area, 72, height);
    let block = Block::bordered()
        .title(format!(" Accept: {} ", s.subject))
        .border_style(theme.border());
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}
