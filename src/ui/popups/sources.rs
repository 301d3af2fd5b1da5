//! The sources popup: every configured source with its kind, state, last good sync, next sync,
//! skipped records and rate budget; under the table, the selected source's whole failure.

use chrono::{DateTime, Local, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use super::centered;
use crate::app::{SourceStatus, State, SyncState};
use crate::keys::Action;
use crate::ui::Theme;

/// Rows under the table for the selected source's failure, wrapped.
const WHY: u16 = 3;

fn clock(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.with_timezone(&Local).format("%H:%M:%S").to_string())
        .unwrap_or_else(|| "-".to_string())
}

fn budget(s: &SourceStatus) -> String {
    match s.budget.and_then(|b| Some((b.remaining?, b.limit))) {
        Some((left, Some(limit))) => format!("{left}/{limit}"),
        Some((left, None)) => format!("{left} left"),
        None => "-".to_string(),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, selected: usize, theme: &Theme) {
    let height = state.sources.len() as u16 + 3 + WHY + 1;
    let popup = centered(frame, area, area.width.saturating_sub(2).min(110), height);
    let title = format!(
        " Sources: {} sync now  {} pause/resume  {} close ",
        state.keymap.hint(Action::SyncSource),
        state.keymap.hint(Action::PauseSource),
        state.keymap.hint(Action::Back)
    );
    let block = theme.block().title(title);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [table_area, why_area] =
        Layout::vertical([Constraint::Min(2), Constraint::Length(WHY)]).areas(inner);
    let rows = state.sources.iter().map(|s| {
        let (text, style) = if state.control.is_paused(&s.name) {
            ("paused".to_string(), theme.warn())
        } else {
            match &s.state {
                SyncState::Waiting => ("waiting".to_string(), theme.dim()),
                SyncState::Syncing => ("syncing".to_string(), theme.warn()),
                SyncState::Ok => ("ok".to_string(), theme.ok()),
                SyncState::Failed(f) => (format!("failed: {}", f.message.as_str()), theme.flag()),
            }
        };
        let next = if state.control.is_paused(&s.name) {
            "-".to_string()
        } else {
            clock(s.next)
        };
        Row::new(vec![
            Cell::from(s.name.as_str()),
            Cell::from(state.control.kind(&s.name).to_string()),
            Cell::from(text).style(style),
            Cell::from(clock(s.last_ok)),
            Cell::from(next),
            Cell::from(format!("{:>4}", s.warnings)),
            Cell::from(budget(s)),
        ])
    });
    let widths = [
        Constraint::Length(12),
        Constraint::Length(7),
        Constraint::Fill(1),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(4),
        Constraint::Length(11),
    ];
    let header = Row::new(["Source", "Kind", "State", "Last ok", "Next", "Skip", "API"])
        .style(theme.header());
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(theme.selected());
    let mut table_state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, table_area, &mut table_state);

    let why = match state
        .sources
        .get(selected)
        .and_then(|s| s.last_error.as_ref())
    {
        Some(e) => Line::from(vec![
            Span::styled("last failure: ", theme.header()),
            Span::raw(e.message.as_str()),
            Span::styled(format!(" ({})", e.kind.advice()), theme.dim()),
        ]),
        None => Line::styled("no failure this session", theme.dim()),
    };
    frame.render_widget(Paragraph::new(why).wrap(Wrap { trim: true }), why_area);
}
