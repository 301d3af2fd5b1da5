//! The ticket lists (a project's tickets, the Stalled tab): their rows rebuilt once per
//! change of data, filter or sort, never while drawing; sorting by any column; marks; and
//! which ticket is selected wherever the user is.

use std::cmp::Ordering;
use std::collections::HashMap;

use compact_str::CompactString;

use super::mode::Mode;
use super::outcome::Outcome;
use super::state::{State, Tab};
use crate::analysis::StalledTicket;
use crate::domain::{StatusCategory, Ticket};
use crate::keys::{Action, Command};

/// Columns a ticket list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketSort {
    /// Work in progress, then to do, then done; newest update first within each.
    Open,
    Key,
    Status,
    Assignee,
    Priority,
    Updated,
    Created,
    Title,
}

impl TicketSort {
    pub const ALL: [TicketSort; 8] = [
        TicketSort::Open,
        TicketSort::Key,
        TicketSort::Status,
        TicketSort::Assignee,
        TicketSort::Priority,
        TicketSort::Updated,
        TicketSort::Created,
        TicketSort::Title,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TicketSort::Open => "open",
            TicketSort::Key => "key",
            TicketSort::Status => "status",
            TicketSort::Assignee => "assignee",
            TicketSort::Priority => "priority",
            TicketSort::Updated => "updated",
            TicketSort::Created => "created",
            TicketSort::Title => "title",
        }
    }

    /// Whether high values come first when this column is chosen.
    fn descending_first(self) -> bool {
        matches!(
            self,
            TicketSort::Priority | TicketSort::Updated | TicketSort::Created
        )
    }
}

/// Columns the Stalled tab sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StalledSort {
    /// The analysis' order: flagged first, longest past its project's norm first.
    Worst,
    Key,
    Title,
    Status,
    Assignee,
    InStatus,
    Project,
}

impl StalledSort {
    pub const ALL: [StalledSort; 7] = [
        StalledSort::Worst,
        StalledSort::Key,
        StalledSort::Title,
        StalledSort::Status,
        StalledSort::Assignee,
        StalledSort::InStatus,
        StalledSort::Project,
    ];

    pub fn label(self) -> &'static str {
        match self {
            StalledSort::Worst => "worst",
            StalledSort::Key => "key",
            StalledSort::Title => "title",
            StalledSort::Status => "status",
            StalledSort::Assignee => "assignee",
            StalledSort::InStatus => "in status",
            StalledSort::Project => "project",
        }
    }

    fn descending_first(self) -> bool {
        matches!(self, StalledSort::InStatus)
    }
}

/// How a list is sorted: a column and its direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sorting<C> {
    pub column: C,
    pub descending: bool,
}

fn rank(c: StatusCategory) -> u8 {
    match c {
        StatusCategory::InProgress => 0,
        StatusCategory::Todo => 1,
        StatusCategory::Done => 2,
    }
}

/// Ticket keys in their natural order: `CRUX-9` before `CRUX-10`.
fn key_order(a: &str, b: &str) -> Ordering {
    let split = |k: &str| {
        let (p, n) = k.rsplit_once('-').unwrap_or((k, ""));
        (p.to_string(), n.parse::<u64>().unwrap_or(u64::MAX))
    };
    split(a).cmp(&split(b)).then_with(|| a.cmp(b))
}

fn text_order(a: &str, b: &str) -> Ordering {
    a.to_lowercase().cmp(&b.to_lowercase())
}

pub fn compare_tickets(a: &Ticket, b: &Ticket, column: TicketSort) -> Ordering {
    match column {
        TicketSort::Open => rank(a.category)
            .cmp(&rank(b.category))
            .then(b.updated.cmp(&a.updated)),
        TicketSort::Key => key_order(&a.key, &b.key),
        TicketSort::Status => text_order(&a.status, &b.status),
        TicketSort::Assignee => {
            // Nobody assigned sorts last either way round.
            match (&a.assignee, &b.assignee) {
                (Some(x), Some(y)) => text_order(x, y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        }
        TicketSort::Priority => a.priority.cmp(&b.priority),
        TicketSort::Updated => a.updated.cmp(&b.updated),
        TicketSort::Created => a.created.cmp(&b.created),
        TicketSort::Title => text_order(&a.title, &b.title),
    }
}

pub fn sort_tickets(rows: &mut [usize], tickets: &[Ticket], sorting: Sorting<TicketSort>) {
    rows.sort_by(|&a, &b| {
        let (x, y) = (&tickets[a], &tickets[b]);
        let o = compare_tickets(x, y, sorting.column);
        let o = if sorting.descending { o.reverse() } else { o };
        o.then_with(|| key_order(&x.key, &y.key))
    });
}

fn compare_stalled(a: &StalledTicket, b: &StalledTicket, column: StalledSort) -> Ordering {
    match column {
        StalledSort::Worst => Ordering::Equal,
        StalledSort::Key => key_order(&a.key, &b.key),
        StalledSort::Title => text_order(&a.title, &b.title),
        StalledSort::Status => text_order(&a.status, &b.status),
        StalledSort::Assignee => text_order(
            a.assignee.as_deref().unwrap_or("\u{10FFFF}"),
            b.assignee.as_deref().unwrap_or("\u{10FFFF}"),
        ),
        StalledSort::InStatus => a.in_status_days.total_cmp(&b.in_status_days),
        StalledSort::Project => text_order(&a.project, &b.project),
    }
}

pub fn sort_stalled(rows: &mut [usize], all: &[StalledTicket], sorting: Sorting<StalledSort>) {
    // A stable sort keeps the analysis' worst-first order among equals.
    rows.sort_by(|&a, &b| {
        let o = compare_stalled(&all[a], &all[b], sorting.column);
        if sorting.descending { o.reverse() } else { o }
    });
}

/// Where each ticket is in the portfolio, by (source, id): built once per load so the Stalled
/// tab and the marks find a ticket without a scan.
pub fn index_tickets(tickets: &[Ticket]) -> HashMap<(CompactString, u64), usize> {
    tickets
        .iter()
        .enumerate()
        .map(|(i, t)| ((t.source.clone(), t.id), i))
        .collect()
}

/// The ticket the user has selected, as an index into the portfolio's tickets: in a ticket's
/// detail, a project's ticket list, or the Stalled tab.
pub fn selected_ticket(state: &State) -> Option<usize> {
    for mode in state.modes.iter().rev() {
        if let Mode::Ticket(view) = mode {
            // A ticket gone in a reload leaves its view saying so, with nothing to act on.
            return (view.ticket < state.portfolio.tickets.len()).then_some(view.ticket);
        }
    }
    if let Some(d) = &state.detail {
        return d.list.current();
    }
    if state.tab == Tab::Stalled {
        let s = state.selected_stalled()?;
        return state.ticket_at.get(&(s.source.clone(), s.id)).copied();
    }
    None
}

/// The tickets of the focused list, in screen order (what "mark all" marks).
fn focused_tickets(state: &State) -> Vec<usize> {
    if let Some(d) = &state.detail {
        return d.list.rows.clone();
    }
    if state.tab == Tab::Stalled {
        let all = &state.analysis.stalled;
        return state
            .stalled
            .rows
            .iter()
            .filter_map(|&i| {
                state
                    .ticket_at
                    .get(&(all[i].source.clone(), all[i].id))
                    .copied()
            })
            .collect();
    }
    Vec::new()
}

/// Marks, for bulk actions: toggle the selected ticket, mark the whole list, clear.
pub fn on_mark(state: &mut State, action: Action) -> Outcome {
    let tickets = &state.portfolio.tickets;
    let key = |i: usize| (tickets[i].source.clone(), tickets[i].id);
    match action {
        Action::Mark => {
            let Some(i) = selected_ticket(state) else {
                return Outcome::default();
            };
            let k = key(i);
            if !state.marks.remove(&k) {
                state.marks.insert(k);
            }
        }
        Action::MarkAll => {
            let all: Vec<_> = focused_tickets(state).into_iter().map(key).collect();
            if all.is_empty() {
                return Outcome::default();
            }
            state.marks.extend(all);
        }
        Action::ClearMarks if !state.marks.is_empty() => state.marks.clear(),
        _ => return Outcome::default(),
    }
    Outcome::redraw()
}

/// Sorting of the focused ticket list: the next column, the other direction, or a column by
/// name (`sort:assignee`, from the palette).
pub fn on_sort(state: &mut State, command: &Command) -> Outcome {
    if let Some(d) = &state.detail {
        let keep = d.list.current();
        let mut sorting = state.ticket_sort;
        if !step(
            &mut sorting,
            &TicketSort::ALL,
            TicketSort::label,
            TicketSort::descending_first,
            command,
        ) {
            return unknown_column(state, command, &TicketSort::ALL.map(TicketSort::label));
        }
        state.ticket_sort = sorting;
        let tickets = &state.portfolio.tickets;
        if let Some(d) = &mut state.detail {
            sort_tickets(&mut d.all, tickets, sorting);
        }
        let all = state
            .detail
            .as_ref()
            .map(|d| d.all.clone())
            .unwrap_or_default();
        let rows = super::filters::tickets_shown(state, &all);
        if let Some(d) = &mut state.detail {
            d.list.replace(rows, keep);
        }
        return Outcome::redraw();
    }
    if state.tab == Tab::Stalled {
        let mut sorting = state.stalled_sort;
        if !step(
            &mut sorting,
            &StalledSort::ALL,
            StalledSort::label,
            StalledSort::descending_first,
            command,
        ) {
            return unknown_column(state, command, &StalledSort::ALL.map(StalledSort::label));
        }
        state.stalled_sort = sorting;
        state.restall();
        return Outcome::redraw();
    }
    Outcome::default()
}

fn unknown_column(state: &mut State, command: &Command, columns: &[&str]) -> Outcome {
    state.message = Some(
        format!(
            "{}: no such column here; columns are {}",
            command.name(),
            columns.join(", ")
        )
        .into(),
    );
    Outcome::redraw()
}

/// Applies a sort command to `sorting`; false when it names a column the list lacks.
fn step<C: Copy + PartialEq>(
    sorting: &mut Sorting<C>,
    all: &[C],
    label: fn(C) -> &'static str,
    descending_first: fn(C) -> bool,
    command: &Command,
) -> bool {
    match (command.action, command.arg.as_deref()) {
        (Action::SortReverse, _) => sorting.descending = !sorting.descending,
        (Action::Sort, Some(name)) => {
            let name = name.trim().to_lowercase();
            let Some(c) = all.iter().copied().find(|c| label(*c) == name) else {
                return false;
            };
            sorting.column = c;
            sorting.descending = descending_first(c);
        }
        _ => {
            let i = all.iter().position(|c| *c == sorting.column).unwrap_or(0);
            sorting.column = all[(i + 1) % all.len()];
            sorting.descending = descending_first(sorting.column);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_by_their_number() {
        let mut keys = vec!["CRUX-10", "CRUX-9", "ABC-100", "CRUX-1"];
        keys.sort_by(|a, b| key_order(a, b));
        assert_eq!(keys, ["ABC-100", "CRUX-1", "CRUX-9", "CRUX-10"]);
    }

    #[test]
    fn a_sort_by_name_picks_its_column_and_direction() {
        let mut s = Sorting {
            column: TicketSort::Open,
            descending: false,
        };
        let ok = step(
            &mut s,
            &TicketSort::ALL,
            TicketSort::label,
            TicketSort::descending_first,
            &Command::with(Action::Sort, "Updated"),
        );
        assert!(ok);
        assert_eq!(s.column, TicketSort::Updated);
        assert!(s.descending, "newest first");
        let unknown = Command::with(Action::Sort, "colour");
        assert!(!step(
            &mut s,
            &TicketSort::ALL,
            TicketSort::label,
            TicketSort::descending_first,
            &unknown
        ));
        step(
            &mut s,
            &TicketSort::ALL,
            TicketSort::label,
            TicketSort::descending_first,
            &Command::new(Action::SortNext),
        );
        assert_eq!(s.column, TicketSort::Created);
    }
}
