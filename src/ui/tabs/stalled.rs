//! The Stalled tab: work that stopped moving, worst first, each with the reason.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use crate::analysis::StalledTicket;
use crate::analysis::stalled::{Severity, format_days};
use crate::app::State;
use crate::keys::Action;
use crate::ui::{Theme, key_width, placeholder};

/// From this width on the reason gets its own column; below it, the panel under the table.
pub(crate) const WIDE: u16 = 140;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let all = &state.analysis.stalled;
    let list = &state.stalled;
    let flagged = state.stalled_flagged;
    let scope = match &state.stalled_filter {
        Some((_, project)) => format!(" in {project}"),
        None => String::new(),
    };
    let title = format!(
        " Stalled{scope}: {flagged} flagged, {} warnings{}, by {} ({}: project) ",
        list.len() - flagged,
        crate::ui::marked_note(state),
        state.stalled_sort.column.label(),
        state.keymap.hint(Action::FilterProject)
    );
    let block = theme.block().title(title);
    if list.is_empty() {
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let text = if state.loaded {
            "Nothing has stalled: every ticket in progress is moving"
        } else {
            "Opening the store..."
        };
        placeholder(frame, inner, text, theme);
        return;
    }
    let wide = area.width >= WIDE;
    let (table_area, why_area) = if wide {
        (area, None)
    } else {
        let [t, w] = Layout::vertical([Constraint::Min(3), Constraint::Length(5)]).areas(area);
        (t, Some(w))
    };
    let marker = theme.glyphs().marker;
    let mut header = vec!["", "Key", "Title", "Status", "Assignee", "In st."];
    if wide {
        header.push("Reason");
    }
    // Only the rows on screen are built.
    let window = list.window(block.inner(table_area).height.saturating_sub(1) as usize);
    let stalled: Vec<&StalledTicket> = list.rows[window.clone()].iter().map(|&i| &all[i]).collect();
    // Rows whose ticket changed since the user last looked at this list: a lookup each for
    // the rows on screen only.
    let seen =
        crate::app::freshness::changed_after(state, &crate::app::freshness::SeenList::Stalled);
    let tickets = &state.portfolio.tickets;
    let rows = stalled.iter().map(|s| {
        let changed = seen.is_some_and(|seen| {
            state
                .ticket_at
                .get(&(s.source.clone(), s.id))
                .is_some_and(|&i| tickets[i].updated > seen)
        });
        let mark = if s.severity == Severity::Flag {
            theme.flag()
        } else {
            theme.warn()
        };
        let advised = state.advice.marks(&s.source, s.id);
        let marked = state.marks.contains(&(s.source.clone(), s.id));
        let mut cells = vec![
            Cell::from(crate::ui::mark_cell(state, marked, advised, marker)).style(theme.header()),
            Cell::from(s.key.as_str()).style(mark),
            Cell::from(s.title.as_str()),
            Cell::from(s.status.as_str()),
            Cell::from(s.assignee.as_deref().unwrap_or("-")),
            Cell::from(format!("{:>5}", format_days(s.in_status_days))).style(mark),
        ];
        if wide {
            cells.push(Cell::from(s.reason.as_str()));
        }
        let row = Row::new(cells);
        if changed {
            row.style(theme.changed())
        } else {
            row
        }
    });
    let mut widths = vec![
        Constraint::Length(2),
        Constraint::Length(key_width(stalled.iter().map(|s| s.key.as_str()))),
        Constraint::Fill(2),
        Constraint::Length(11),
        Constraint::Length(8),
        Constraint::Length(6),
    ];
    if wide {
        widths.push(Constraint::Fill(3));
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.header()))
        .block(block)
        .row_highlight_style(theme.selected());
    let mut table_state = TableState::default().with_selected(Some(list.selected - window.start));
    frame.render_stateful_widget(table, table_area, &mut table_state);

    if let (Some(area), Some(s)) = (why_area, state.selected_stalled()) {
        // The reason first (it may wrap onto two lines), then the title: a long title must
        // never push the reason out of the panel.
        let lines = vec![
            Line::from(vec![
                Span::styled("Why: ", theme.header()),
                Span::raw(s.reason.as_str()),
            ]),
            Line::from(vec![
                Span::styled(format!("{} ", s.key), theme.header()),
                Span::raw(s.title.as_str()),
            ]),
        ];
        let block = theme.block();
        frame.render_widget(
            Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
            area,
        );
    }
}
