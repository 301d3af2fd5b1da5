//! The Projects tab: one row per project with its flow at a glance.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use super::project_panel;
use ratatui::widgets::{Cell, Row, Table, TableState};

use crate::analysis::stalled::format_days;
use crate::app::{SortKey, State};
use crate::ui::{Theme, placeholder};

const COLUMNS: [(&str, SortKey); 6] = [
    ("Project", SortKey::Name),
    ("Open", SortKey::Todo),
    ("WIP", SortKey::InProgress),
    ("Done30d", SortKey::Done30),
    ("Stalled", SortKey::Stalled),
    ("Oldest", SortKey::OldestWip),
];

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let order = if state.sort_descending {
        "high first"
    } else {
        "low first"
    };
    let title = format!(" Projects, sorted by {} ({order}) ", state.sort.label());
    let block = theme.block().title(title);
    if state.projects.is_empty() {
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let text = if state.loaded {
            "No projects yet: waiting for the first sync"
        } else {
            "Opening the store..."
        };
        placeholder(frame, inner, text, theme);
        return;
    }
    let show_source = state.sources.len() > 1 && area.width >= 100;
    let mut header: Vec<Cell> = Vec::new();
    for (i, (name, key)) in COLUMNS.iter().enumerate() {
        let cell = Cell::from(*name);
        header.push(if *key == state.sort {
            cell.style(theme.sorted())
        } else {
            cell
        });
        if i == 0 && show_source {
            header.push(Cell::from("Source"));
        }
    }
    // The selected project's health under the table, when the table keeps a useful height.
    let panel = project_panel::HEIGHT + 2;
    let (table_area, panel_area) = if area.height >= panel + 10 {
        let [t, p] = Layout::vertical([Constraint::Min(0), Constraint::Length(panel)]).areas(area);
        (t, Some(p))
    } else {
        (area, None)
    };
    let window = state
        .projects
        .window(block.inner(table_area).height.saturating_sub(1) as usize);
    let rows = state.projects.rows[window.clone()].iter().map(|&i| {
        let p = &state.analysis.projects[i];
        let mut cells = vec![Cell::from(format!("{} {}", p.key, p.name))];
        if show_source {
            cells.push(Cell::from(p.source.as_str()));
        }
        let stalled_style = if p.stalled > 0 {
            theme.flag()
        } else {
            theme.ok()
        };
        cells.extend([
            Cell::from(format!("{:>4}", p.todo)),
            Cell::from(format!("{:>4}", p.in_progress)),
            Cell::from(format!("{:>7}", p.done_30d)),
            Cell::from(format!("{:>7}", p.stalled)).style(stalled_style),
            Cell::from(format!(
                "{:>6}",
                p.oldest_wip_days
                    .map(format_days)
                    .unwrap_or_else(|| "-".into())
            )),
        ]);
        Row::new(cells)
    });
    let mut widths = vec![Constraint::Fill(1)];
    if show_source {
        widths.push(Constraint::Length(10));
    }
    widths.extend([
        Constraint::Length(5),
        Constraint::Length(5),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(7),
    ]);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.header()))
        .block(block)
        .row_highlight_style(theme.selected());
    let mut table_state =
        TableState::default().with_selected(Some(state.projects.selected - window.start));
    frame.render_stateful_widget(table, table_area, &mut table_state);
    if let (Some(panel_area), Some(p)) = (panel_area, crate::app::selected_project(state)) {
        project_panel::draw(frame, panel_area, p, theme);
    }
}
