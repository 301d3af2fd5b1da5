//! The one place state changes: `update(&mut State, Event)` returns whether the screen needs a
//! redraw and the effects to run. No I/O happens here, so every key is testable without a
//! terminal.

use std::cmp::Ordering;

use compact_str::CompactString;

use super::event::{Effect, Event};
use super::list_view::{ListView, moved};
use super::mode::Mode;
use super::outcome::Outcome;
use super::state::selected_project;
use super::state::{InputKind, ProjectDetail, SortKey, State, Tab};
use super::sync_events::on_sync;
use super::{decisions, forecasts, loop_state, suggestions};
use super::{detail_views, filters, lists, outside, palette, route, triage};
use super::{export, freshness, mouse, notify, sources_popup};
use crate::analysis::ProjectSummary;
use crate::keys::{Action, Command};

pub fn update(state: &mut State, event: Event) -> Outcome {
    match event {
        Event::Key(key) => route::on_key(state, &key),
        Event::Forecasted { generation, result } => forecasts::on_result(state, generation, result),
        Event::Tracked { replayed } => forecasts::on_tracked(state, replayed),
        Event::Resize => Outcome::redraw(),
        Event::Clock(now) => freshness::on_clock(state, now),
        Event::Mouse { event, size } => mouse::on_mouse(state, event, size),
        Event::Sync(e) => on_sync(state, e),
        Event::ViewCached { analysis } => {
            if state.loaded {
                return Outcome::default();
            }
            let project = project_key(state);
            let stalled = state.stalled_key();
            state.analysis = analysis;
            resort_to(state, project);
            state.restall_to(stalled);
            Outcome::redraw()
        }
        Event::Loaded {
            generation,
            portfolio,
            analysis,
            snapshots,
        } => {
            let mut effects = loop_state::on_loaded(state);
            if generation <= state.shown_generation {
                return Outcome {
                    redraw: false,
                    effects,
                };
            }
            effects.push(Effect::Persist {
                analysis: analysis.clone(),
                snapshots,
            });
            state.shown_generation = generation;
            let ticket = state.detail.as_ref().and_then(|d| {
                let t = state.portfolio.tickets.get(d.list.current()?)?;
                Some((t.source.clone(), t.id))
            });
            // What was selected, by name: the rows' indices mean nothing in the new analysis.
            let project = project_key(state);
            let stalled = state.stalled_key();
            let views = detail_views::shown_tickets(state);
            state.ticket_at = lists::index_tickets(&portfolio.tickets);
            state.portfolio = portfolio;
            state.analysis = analysis;
            filters::refresh_facets(state);
            state.loaded = true;
            state.load_error = None;
            resort_to(state, project);
            state.restall_to(stalled);
            if let Some(d) = &state.detail {
                let (source, key, selected) = (d.source.clone(), d.key.clone(), d.list.selected);
                let mut detail = detail_of(state, &source, &key, selected);
                let tickets = &state.portfolio.tickets;
                // Keep the same ticket selected across a reload, wherever it moved.
                let keep = ticket.and_then(|(src, id)| {
                    detail
                        .list
                        .rows
                        .iter()
                        .copied()
                        .find(|&i| tickets[i].source == src && tickets[i].id == id)
                });
                let rows = std::mem::take(&mut detail.list.rows);
                detail.list.replace(rows, keep);
                state.detail = Some(detail);
            }
            detail_views::rebuild(state, views);
            effects.push(suggestions::advise(state));
            effects.push(Effect::Track {
                portfolio: state.portfolio.clone(),
            });
            suggestions::changed(state);
            forecasts::with_request(
                state,
                Outcome {
                    redraw: true,
                    effects,
                },
            )
        }
        Event::LoadFailed { generation, error } => {
            let effects = loop_state::on_load_failed(state, &error);
            if generation > state.shown_generation {
                state.load_error = Some(error.into());
            }
            Outcome {
                redraw: true,
                effects,
            }
        }
        Event::Advised {
            generation,
            suggestions,
            note,
            usage,
        } => {
            let out = suggestions::on_advised(state, generation, suggestions, note, usage);
            // `has:suggestion` reads the list that just changed.
            filters::rebuild_all(state);
            out
        }
        Event::Applied { suggestion, result } => decisions::on_applied(state, &suggestion, result),
        Event::Reverted { suggestion, result } => {
            decisions::on_reverted(state, &suggestion, result)
        }
        Event::Feedback {
            rates,
            audit,
            last_undoable,
        } => suggestions::on_feedback(state, rates, audit, last_undoable),
        Event::Statuses { ticket, result } => triage::on_statuses(state, &ticket, result),
        Event::BulkProgress(p) => triage::on_progress(state, p),
        Event::BulkDone(summary) => triage::on_done(state, summary),
        Event::Said(text) => {
            state.message = Some(text.into());
            Outcome::redraw()
        }
        Event::Terminate => apply(state, &Command::new(Action::Quit)),
    }
}

/// Runs a command in the context in front of the user.
pub(super) fn apply(state: &mut State, command: &Command) -> Outcome {
    let action = command.action;
    // A detail view covers its list: what works on a whole list does nothing behind it.
    let covered = matches!(state.modes.last(), Some(Mode::Ticket(_) | Mode::Project(_)));
    if covered
        && matches!(
            action,
            Action::Filter
                | Action::ClearFilter
                | Action::SortNext
                | Action::SortReverse
                | Action::Sort
                | Action::MarkAll
                | Action::FilterProject
        )
    {
        return Outcome::default();
    }
    match action {
        Action::Quit => {
            state.quit = true;
            Outcome::with(Effect::Quit)
        }
        Action::Help => {
            if state.showing_help() {
                state.modes.retain(|m| !matches!(m, Mode::Help(_)));
            } else {
                state.modes.push(Mode::Help(0));
            }
            Outcome::redraw()
        }
        Action::Back => {
            if state.modes.pop().is_some() {
            } else if state.forecast.input.is_some() {
                state.forecast.input = None;
            } else if filters::clear(state) {
                // A filtered list is first shown whole again; the next Esc leaves it.
            } else if state.detail.is_some() {
                state.detail = None;
            } else {
                return notify::dismiss(state);
            }
            Outcome::redraw()
        }
        Action::Refresh => Outcome::with(Effect::SyncNow),
        Action::Palette => palette::open(state),
        Action::Down
        | Action::Up
        | Action::PageDown
        | Action::PageUp
        | Action::Top
        | Action::Bottom
            if state.showing_help() =>
        {
            // Bounded by what the overlay can scroll on the screen drawn last, so a key back
            // up after `G` moves at once.
            let room = state.body_rows.get().saturating_sub(2);
            let last = crate::ui::help_lines(state).saturating_sub(room);
            if let Some(Mode::Help(scroll)) = state.modes.last_mut() {
                *scroll = moved((*scroll).min(last), last + 1, action);
            }
            Outcome::redraw()
        }
        _ if state.showing_help() => Outcome::default(),
        Action::Dismiss => notify::dismiss(state),
        _ if sources_popup::selected(state).is_some() => sources_popup::on_action(state, action),
        Action::Sources => sources_popup::toggle(state),
        Action::NextTab
        | Action::PrevTab
        | Action::TabProjects
        | Action::TabStalled
        | Action::TabForecasts
        | Action::TabSuggestions => {
            let i = Tab::ALL.iter().position(|t| *t == state.tab).unwrap_or(0);
            let n = Tab::ALL.len();
            state.tab = match action {
                Action::NextTab => Tab::ALL[(i + 1) % n],
                Action::PrevTab => Tab::ALL[(i + n - 1) % n],
                Action::TabProjects => Tab::Projects,
                Action::TabStalled => Tab::Stalled,
                Action::TabForecasts => Tab::Forecasts,
                _ => Tab::Suggestions,
            };
            state.detail = None;
            state
                .modes
                .retain(|m| !matches!(m, Mode::Ticket(_) | Mode::Project(_)));
            forecasts::with_request(state, Outcome::redraw())
        }
        Action::FilterProject => {
            if state.tab != Tab::Stalled {
                return Outcome::default();
            }
            // Cycle through the projects that have stalled work, then back to all.
            let mut projects = Vec::new();
            for s in &state.analysis.stalled {
                let p = (s.source.to_string(), s.project.to_string());
                if !projects.contains(&p) {
                    projects.push(p);
                }
            }
            projects.sort();
            state.stalled_filter = match &state.stalled_filter {
                None => projects.first().cloned(),
                Some(current) => {
                    let i = projects.iter().position(|p| p == current);
                    i.and_then(|i| projects.get(i + 1)).cloned()
                }
            };
            state.restall();
            state.stalled.select(0);
            Outcome::redraw()
        }
        Action::AskItems | Action::AskDate if state.tab == Tab::Forecasts => {
            let kind = if action == Action::AskItems {
                InputKind::Items
            } else {
                InputKind::Date
            };
            forecasts::start_input(state, kind)
        }
        Action::ToggleMethod if state.tab == Tab::Forecasts => forecasts::toggle_method(state),
        Action::AskItems | Action::AskDate | Action::ToggleMethod => Outcome::default(),
        Action::Accept | Action::Reject | Action::Undo | Action::AuditLog
            if state.tab == Tab::Suggestions =>
        {
            decisions::on_action(state, action)
        }
        Action::Accept | Action::Reject | Action::Undo | Action::AuditLog => Outcome::default(),
        Action::Down
        | Action::Up
        | Action::PageDown
        | Action::PageUp
        | Action::Top
        | Action::Bottom => {
            if detail_views::scroll(state, action) {
                return Outcome::redraw();
            }
            if let Some(d) = &mut state.detail {
                d.list.step(action);
            } else if state.tab == Tab::Suggestions {
                return suggestions::on_move(state, action);
            } else if state.tab == Tab::Stalled {
                state.stalled.step(action);
            } else {
                // Projects and Forecasts share the project selection.
                state.projects.step(action);
                return forecasts::with_request(state, Outcome::redraw());
            }
            Outcome::redraw()
        }
        Action::Open => {
            if matches!(state.modes.last(), Some(Mode::Ticket(_) | Mode::Project(_))) {
                return Outcome::default();
            }
            if state.detail.is_some() || state.tab == Tab::Stalled {
                return detail_views::open_ticket(state);
            }
            if state.tab != Tab::Projects {
                return Outcome::default();
            }
            let Some(p) = selected_project(state) else {
                return Outcome::default();
            };
            let (source, key) = (p.source.clone(), p.key.clone());
            state.detail = Some(detail_of(state, &source, &key, 0));
            Outcome::redraw()
        }
        Action::Mark | Action::MarkAll | Action::ClearMarks => lists::on_mark(state, action),
        Action::SortNext | Action::SortReverse | Action::Sort
            if state.detail.is_some() || state.tab == Tab::Stalled =>
        {
            lists::on_sort(state, command)
        }
        Action::Sort => Outcome::default(),
        Action::Assign
        | Action::Move
        | Action::SetPriority
        | Action::AddLabel
        | Action::Comment => triage::start(state, command),
        Action::Filter => match &command.arg {
            Some(text) => filters::apply_text(state, text),
            None => filters::open(state),
        },
        Action::ClearFilter => {
            if filters::clear(state) {
                Outcome::redraw()
            } else {
                Outcome::default()
            }
        }
        Action::Info if state.tab == Tab::Projects && state.detail.is_none() => {
            detail_views::open_project(state)
        }
        Action::OpenUrl | Action::Copy | Action::CopyUrl => outside::on_action(state, action),
        Action::Export => export::on_command(state, command),
        // Info outside the Projects list; the sources popup's keys, a text line's and a
        // dialog's, outside them.
        Action::Info
        | Action::SyncSource
        | Action::PauseSource
        | Action::Confirm
        | Action::Complete => Outcome::default(),
        Action::SortNext | Action::SortReverse => {
            if state.tab != Tab::Projects {
                return Outcome::default();
            }
            if action == Action::SortReverse {
                state.sort_descending = !state.sort_descending;
            } else {
                let i = SortKey::ALL
                    .iter()
                    .position(|k| *k == state.sort)
                    .unwrap_or(0);
                state.sort = SortKey::ALL[(i + 1) % SortKey::ALL.len()];
                state.sort_descending = state.sort != SortKey::Name;
            }
            resort(state);
            Outcome::redraw()
        }
    }
}

fn compare(a: &ProjectSummary, b: &ProjectSummary, key: SortKey) -> Ordering {
    match key {
        SortKey::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
        SortKey::Todo => a.todo.cmp(&b.todo),
        SortKey::InProgress => a.in_progress.cmp(&b.in_progress),
        SortKey::Done30 => a.done_30d.cmp(&b.done_30d),
        SortKey::Stalled => a.stalled.cmp(&b.stalled),
        SortKey::OldestWip => a
            .oldest_wip_days
            .unwrap_or(-1.0)
            .total_cmp(&b.oldest_wip_days.unwrap_or(-1.0)),
    }
}

/// Re-sorts the project rows, keeping the same project selected.
/// Re-sorts (and re-filters) the project rows, keeping the same project selected.
pub(super) fn resort(state: &mut State) {
    let keep = project_key(state);
    resort_to(state, keep);
}

fn project_key(state: &State) -> Option<(String, String)> {
    selected_project(state).map(|p| (p.source.to_string(), p.key.to_string()))
}

/// Re-sorts the project rows, selecting `keep` (source, key) wherever it is now.
fn resort_to(state: &mut State, keep: Option<(String, String)>) {
    let projects = &state.analysis.projects;
    let mut order: Vec<usize> = (0..projects.len()).collect();
    order.sort_by(|&a, &b| {
        let primary = compare(&projects[a], &projects[b], state.sort);
        let primary = if state.sort_descending {
            primary.reverse()
        } else {
            primary
        };
        primary.then_with(|| projects[a].name.cmp(&projects[b].name))
    });
    if let Some(shown) = super::filters::projects_shown(state) {
        order.retain(|&i| {
            let key = (
                CompactString::from(projects[i].source.as_str()),
                CompactString::from(projects[i].key.as_str()),
            );
            shown.contains(&key)
        });
    }
    let keep = keep.and_then(|(s, k)| {
        order
            .iter()
            .copied()
            .find(|&i| projects[i].source == s && projects[i].key == k)
    });
    state.projects.replace(order, keep);
}

fn detail_of(state: &State, source: &str, key: &str, selected: usize) -> ProjectDetail {
    let tickets = &state.portfolio.tickets;
    let mut rows: Vec<usize> = (0..tickets.len())
        .filter(|&i| tickets[i].source == source && tickets[i].project == key)
        .collect();
    lists::sort_tickets(&mut rows, tickets, state.ticket_sort);
    let open = rows.iter().filter(|&&i| tickets[i].is_open()).count();
    let mut list = ListView::new(super::filters::tickets_shown(state, &rows));
    list.select(selected);
    ProjectDetail {
        source: source.to_string(),
        key: key.to_string(),
        all: rows,
        list,
        open,
    }
}
