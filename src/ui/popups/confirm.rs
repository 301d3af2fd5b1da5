//! The confirmation before a write: exactly what will be written, to which tracker, and what
//! the ticket must still show for the write to happen. In read-only mode it says that nothing
//! will be sent.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

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
    let (enter, esc) = (
        state.keymap.hint(Action::Open),
        state.keymap.hint(Action::Back),
    );
    // The keys sit in their own footer so a long comment, however it wraps, never hides them.
    let mut footer = Vec::new();
    if state.read_only_for(&p.source) {
        footer.push(Line::from(Span::styled(
            format!("read-only: nothing will be sent to {}", p.source),
            theme.flag(),
        )));
        footer.push(Line::from(format!("{enter} or {esc} close")));
    } else {
        footer.push(Line::from(format!("{enter} write   {esc} cancel")));
    }
    let inner = usize::from(WIDTH.min(area.width).saturating_sub(2).max(1));
    let body_rows: usize = lines.iter().map(|l| wrapped_rows(l.width(), inner)).sum();
    let footer_rows = footer.len() as u16;
    let height = (body_rows as u16).saturating_add(footer_rows + 3);
    let popup = centered(frame, area, WIDTH, height);
    let block = theme.block().title(format!(" Accept: {} ", s.subject));
    let inside = block.inner(popup);
    frame.render_widget(block, popup);
    let [body, _, keys] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(footer_rows),
    ])
    .areas(inside);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), body);
    frame.render_widget(Paragraph::new(footer), keys);
}

const WIDTH: u16 = 72;

/// Rows a line takes when wrapped at `width` columns; word wrapping may break a little
/// earlier than the last column, hence the allowance.
fn wrapped_rows(line_width: usize, width: usize) -> usize {
    let with_slack = line_width + line_width / 8;
    with_slack.div_ceil(width).max(1)
}
