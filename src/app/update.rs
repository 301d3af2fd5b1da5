//! The one place state changes: `update(&mut State, Event)` returns whether the screen needs a
//! redraw and the effects to run. No I/O happens here, so every key is testable without a
//! terminal.

use std::cmp::Ordering;

use super::event::{Effect, Event};
use super::outcome::Outcome;
use super::state::selected_project;
use super::state::{InputKind, ProjectDetail, SortKey, State, Tab};
use super::sync_events::on_sync;
use super::{decisions, forecasts, loop_state, suggestions};
use crate::analysis::ProjectSummary;
use crate::domain::StatusCategory;
use crate::keys::Action;

/// How far page keys move.
const PAGE: usize = 10;

pub fn update(state: &mut State, event: Event) -> Outcome {
    match event {
        Event::Key(key) if state.advice.popup.is_some() => decisions::on_popup_key(state, &key),
        Event::Key(key) if state.forecast.input.is_some() => {
            let today = state
                .analysis
                .now
                .unwrap_or_else(chrono::Utc::now)
                .date_naive();
            forecasts::on_input_key(state, &key, today)
        }
        Event::Key(key) => match state.keymap.action_for(&key) {
            // A message stays until the user does something else.
            Some(action) if state.message.is_some() => {
                state.message = None;
                let mut out = apply(state, action);
                out.redraw = true;
                out
            }
            Some(action) => apply(state, action),
            None => Outcome::default(),
        },
        Event::Forecasted { generation, result } => forecasts::on_result(state, generation, result),
        Event::Resize => Outcome::redraw(),
        Event::Sync(e) => on_sync(state, e),
        Event::ViewCached { analysis } => {
            if state.loaded {
                return Outcome::default();
            }
            state.analysis = analysis;
            resort(state);
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
            let stalled = state.selected_stalled().map(|s| (s.source.clone(), s.id));
            let ticket = state.detail.as_ref().and_then(|d| {
                let t = &state.portfolio.tickets.get(*d.tickets.get(d.selected)?)?;
                Some((t.source.clone(), t.id))
            });
            state.portfolio = portfolio;
            state.analysis = analysis;
            state.loaded = true;
            state.load_error = None;
            resort(state);
            // Keep the same ticket selected across a reload, wherever it moved.
            let list = &state.analysis.stalled;
            let rows = state.visible_stalled();
            state.stalled_selected = stalled
                .and_then(|(src, id)| {
                    rows.iter()
                        .position(|&i| list[i].source == src && list[i].id == id)
                })
                .unwrap_or_else(|| clamp(state.stalled_selected, rows.len()));
            if let Some(d) = &state.detail {
                let (source, key, selected) = (d.source.clone(), d.key.clone(), d.selected);
                let mut detail = detail_of(state, &source, &key, selected);
                let tickets = &state.portfolio.tickets;
                if let Some(i) = ticket.and_then(|(src, id)| {
                    detail
                        .tickets
                        .iter()
                        .position(|&i| tickets[i].source == src && tickets[i].id == id)
                }) {
                    detail.selected = i;
                }
                state.detail = Some(detail);
            }
            effects.push(suggestions::advise(state));
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
        } => suggestions::on_advised(state, generation, suggestions, note, usage),
        Event::Applied { suggestion, result } => decisions::on_applied(state, &suggestion, result),
        Event::Reverted { suggestion, result } => {
            decisions::on_reverted(state, &suggestion, result)
        }
        Event::Feedback {
            rates,
            audit,
            last_undoable,
        } => suggestions::on_feedback(state, rates, audit, last_undoable),
        Event::Terminate => apply(state, Action::Quit),
    }
}

pub(super) fn clamp(selected: usize, len: usize) -> usize {
    selected.min(len.saturating_sub(1))
}

/// Moves a selection by a signed step within `len` rows.
pub(super) fn moved(selected: usize, len: usize, action: Action) -> usize {
    let last = len.saturating_sub(1);
    match action {
        Action::Down => (selected + 1).min(last),
        Action::Up => selected.saturating_sub(1),
        Action::PageDown => (selected + PAGE).min(last),
        Action::PageUp => selected.saturating_sub(PAGE),
        Action::Top => 0,
        Action::Bottom => last,
        _ => selected,
    }
}

fn apply(state: &mut State, action: Action) -> Outcome {
    match action {
        Action::Quit => {
            state.quit = true;
            Outcome::with(Effect::Quit)
        }
        Action::Help => {
            state.help = !state.help;
            Outcome::redraw()
        }
        Action::Back => {
            if state.forecast.input.is_some() {
                state.forecast.input = None;
            } else if state.help {
                state.help = false;
            } else if state.detail.is_some() {
                state.detail = None;
            } else {
                return Outcome::default();
            }
            Outcome::redraw()
        }
        Action::Refresh => Outcome::with(Effect::SyncNow),
        _ if state.help => Outcome::default(),
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
            state.stalled_selected = 0;
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
            if let Some(d) = &mut state.detail {
                d.selected = moved(d.selected, d.tickets.len(), action);
            } else if state.tab == Tab::Suggestions {
                return suggestions::on_move(state, action);
            } else if state.tab == Tab::Stalled {
                let rows = state.visible_stalled().len();
                state.stalled_selected = moved(state.stalled_selected, rows, action);
            } else {
                // Projects and Forecasts share the project selection.
                state.project_selected =
                    moved(state.project_selected, state.project_order.len(), action);
                return forecasts::with_request(state, Outcome::redraw());
            }
            Outcome::redraw()
        }
        Action::Open => {
            if state.tab != Tab::Projects || state.detail.is_some() {
                return Outcome::default();
            }
            let Some(p) = selected_project(state) else {
                return Outcome::default();
            };
            let (source, key) = (p.source.clone(), p.key.clone());
            state.detail = Some(detail_of(state, &source, &key, 0));
            Outcome::redraw()
        }
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
fn resort(state: &mut State) {
    let keep = selected_project(state).map(|p| (p.source.clone(), p.key.clone()));
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
    state.project_order = order;
    state.project_selected = keep
        .and_then(|(s, k)| {
            state
                .project_order
                .iter()
                .position(|&i| projects[i].source == s && projects[i].key == k)
        })
        .unwrap_or_else(|| clamp(state.project_selected, projects.len()));
}

fn detail_of(state: &State, source: &str, key: &str, selected: usize) -> ProjectDetail {
    let tickets = &state.portfolio.tickets;
    let mut rows: Vec<usize> = (0..tickets.len())
        .filter(|&i| tickets[i].source == source && tickets[i].project == key)
        .collect();
    let rank = |c: StatusCategory| match c {
        StatusCategory::InProgress => 0,
        StatusCategory::Todo => 1,
        StatusCategory::Done => 2,
    };
    rows.sort_by(|&a, &b| {
        let (a, b) = (&tickets[a], &tickets[b]);
        rank(a.category)
            .cmp(&rank(b.category))
            .then(b.updated.cmp(&a.updated))
    });
    let selected = clamp(selected, rows.len());
    ProjectDetail {
        source: source.to_string(),
        key: key.to_string(),
        tickets: rows,
        selected,
    }
}
