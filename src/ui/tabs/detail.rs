//! A project's tickets, opened with Enter from the Projects tab.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::widgets::{Cell, Row, Table, TableState};

use crate::analysis::stalled::format_days;
use crate::app::{ProjectDetail, State};
use crate::domain::StatusCategory;
use crate::keys::Action;
use crate::ui::{Theme, key_width, placeholder};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, detail: &ProjectDetail, theme: &Theme) {
    let tickets = &state.portfolio.tickets;
    // `open` counts the whole project: a filtered list says how many of it are shown.
    let shown = if detail.list.len() == detail.all.len() {
        String::new()
    } else {
        format!(", {} shown", detail.list.len())
    };
    let title = format!(
        " {}: {} open of {}{shown}{}, by {} ({} back) ",
        detail.key,
        detail.open,
        detail.all.len(),
        crate::ui::marked_note(state),
        state.ticket_sort.column.label(),
        state.keymap.hint(Action::Back)
    );
    let block = theme.block().title(title);
    if detail.list.is_empty() {
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let text = if state.loaded {
            "This project has no tickets"
        } else {
            "Loading tickets..."
        };
        placeholder(frame, inner, text, theme);
        return;
    }
    let now = state.analysis.now.unwrap_or_else(chrono::Utc::now);
    let marker = theme.glyphs().marker;
    let list = crate::app::freshness::SeenList::Project(detail.source.clone(), detail.key.clone());
    let changed_after = crate::app::freshness::changed_after(state, &list);
    // Only the rows on screen are built: a 50,000-ticket project costs what a page costs.
    let window = detail
        .list
        .window(block.inner(area).height.saturating_sub(1) as usize);
    let shown = &detail.list.rows[window.clone()];
    let rows = shown.iter().map(|&i| {
        let t = &tickets[i];
        let age = format_days(crate::analysis::flow::days(now - t.updated));
        let style = match t.category {
            StatusCategory::Done => theme.dim(),
            StatusCategory::InProgress => theme.ok(),
            StatusCategory::Todo => theme.tab(),
        };
        let advised = state.advice.marks(&t.source, t.id);
        let marked = state.marks.contains(&(t.source.clone(), t.id));
        Row::new(vec![
            Cell::from(crate::ui::mark_cell(state, marked, advised, marker)).style(theme.header()),
            Cell::from(t.key.as_str()),
            Cell::from(t.status.as_str()).style(style),
            Cell::from(t.assignee.as_deref().unwrap_or("-")),
            Cell::from(t.priority.label()),
            Cell::from(format!("{age:>5}")),
            Cell::from(t.title.as_str()),
        ])
        .style(if changed_after.is_some_and(|seen| t.updated > seen) {
            theme.changed()
        } else {
            ratatui::style::Style::new()
        })
    });
    let widths = [
        Constraint::Length(2),
        Constraint::Length(key_width(shown.iter().map(|&i| tickets[i].key.as_str()))),
        Constraint::Length(11),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(6),
        Constraint::Fill(1),
    ];
    let header =
        Row::new(["", "Key", "Status", "Assignee", "Prio", "Upd.", "Title"]).style(theme.header());
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .row_highlight_style(theme.selected());
    let mut table_state =
        TableState::default().with_selected(Some(detail.list.selected - window.start));
    frame.render_stateful_widget(table, area, &mut table_state);
}
