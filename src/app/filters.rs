//! The filter line applied to the focused list: Projects (a project shows when any of its
//! tickets matches), a project's tickets, and the Stalled tab. Each list keeps its own filter
//! for the session; what is typed is applied live, and text that does not parse leaves the
//! list as it was and says why.

use std::collections::HashSet;

use compact_str::CompactString;

use super::mode::{Mode, Prompt, PromptKind};
use super::outcome::Outcome;
use super::state::{State, Tab};
use crate::domain::Subject;
use crate::filter::{Context, Facets, Query, Row, parse, select};

/// The lists a filter applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FilterTarget {
    Projects,
    Tickets,
    Stalled,
    Suggestions,
}

/// A filter in force: its text and what it parsed to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    pub text: String,
    pub query: Query,
}

/// The list the filter line works on, where the user is.
pub fn target(state: &State) -> Option<FilterTarget> {
    if state.detail.is_some() {
        return Some(FilterTarget::Tickets);
    }
    match state.tab {
        Tab::Projects => Some(FilterTarget::Projects),
        Tab::Stalled => Some(FilterTarget::Stalled),
        Tab::Suggestions => Some(FilterTarget::Suggestions),
        Tab::Forecasts => None,
    }
}

pub fn text(state: &State, target: FilterTarget) -> &str {
    state
        .filters
        .get(&target)
        .map(|a| a.text.as_str())
        .unwrap_or("")
}

fn say(state: &mut State, text: &str) -> Outcome {
    state.message = Some(text.into());
    Outcome::redraw()
}

/// Opens the filter line on the focused list, holding its current filter.
pub fn open(state: &mut State) -> Outcome {
    let Some(target) = target(state) else {
        return say(
            state,
            "the filter works on the lists: Projects, a project's tickets, Stalled, Suggestions",
        );
    };
    let mut prompt = Prompt::new(PromptKind::Filter, text(state, target));
    prompt.shown = Some(shown(state, target));
    state.modes.push(Mode::Prompt(prompt));
    Outcome::redraw()
}

/// Applies `text` to the focused list now (`filter:stalled` from the palette or a key).
pub fn apply_text(state: &mut State, text: &str) -> Outcome {
    let Some(target) = target(state) else {
        return say(
            state,
            "the filter works on the lists: Projects, a project's tickets, Stalled, Suggestions",
        );
    };
    match set(state, target, text) {
        Ok(()) => Outcome::redraw(),
        Err(e) => say(state, &format!("filter not applied: {e}")),
    }
}

/// Clears the focused list's filter; false when it had none.
pub fn clear(state: &mut State) -> bool {
    let Some(target) = target(state) else {
        return false;
    };
    if text(state, target).is_empty() {
        return false;
    }
    let _ = set(state, target, "");
    true
}

/// Parses `text` and, when it parses, makes it the list's filter and rebuilds the list.
pub fn set(state: &mut State, target: FilterTarget, text: &str) -> Result<(), String> {
    let query = parse(text).map_err(|e| e.to_string())?;
    if query.is_empty() {
        state.filters.remove(&target);
    } else {
        state.filters.insert(
            target,
            Applied {
                text: text.trim().to_string(),
                query,
            },
        );
    }
    rebuild(state, target);
    Ok(())
}

/// Rebuilds one list with its filter.
pub fn rebuild(state: &mut State, target: FilterTarget) {
    match target {
        FilterTarget::Projects => super::update::resort(state),
        FilterTarget::Stalled => state.restall(),
        FilterTarget::Suggestions => super::suggestions::reshow(state),
        FilterTarget::Tickets => {
            let Some(d) = &state.detail else {
                return;
            };
            let keep = d.list.current();
            let rows = tickets_shown(state, &d.all);
            if let Some(d) = &mut state.detail {
                d.list.replace(rows, keep);
            }
        }
    }
}

/// Rebuilds every filtered list (after what the filter reads, like the suggestions, changed).
pub fn rebuild_all(state: &mut State) {
    let targets: Vec<FilterTarget> = state.filters.keys().copied().collect();
    for t in targets {
        rebuild(state, t);
    }
}

/// "12 of 4,000": the rows shown and the rows there are, for the filter line.
pub fn shown(state: &State, target: FilterTarget) -> (usize, usize) {
    match target {
        FilterTarget::Projects => (state.projects.len(), state.analysis.projects.len()),
        FilterTarget::Stalled => (state.stalled.len(), state.analysis.stalled.len()),
        FilterTarget::Suggestions => (state.advice.shown.len(), state.advice.list.len()),
        FilterTarget::Tickets => state
            .detail
            .as_ref()
            .map(|d| (d.list.len(), d.all.len()))
            .unwrap_or((0, 0)),
    }
}

fn context(state: &State) -> Context<'_> {
    Context {
        me: &state.me,
        members: &state.portfolio.members,
        now: state.analysis.now.unwrap_or_else(chrono::Utc::now),
    }
}

fn facets(state: &State) -> &Facets {
    &state.facets
}

/// What `stalled` and `has:suggestion` read, worked out again when the analysis or the
/// suggestions change (not on every keystroke of the filter line).
pub fn refresh_facets(state: &mut State) {
    state.facets = Facets::of(&state.analysis.stalled, &state.advice.list);
}

/// The rows of `all` (indices into the tickets) the Tickets filter lets through.
pub fn tickets_shown(state: &State, all: &[usize]) -> Vec<usize> {
    match state.filters.get(&FilterTarget::Tickets) {
        Some(f) => select(
            &state.portfolio,
            all,
            &f.query,
            &context(state),
            facets(state),
        ),
        None => all.to_vec(),
    }
}

/// The Stalled rows (indices into `analysis.stalled`) the Stalled filter lets through. Every
/// row is stalled; a row whose ticket is not loaded (a cached view) shows only unfiltered.
pub fn stalled_shown(state: &State, rows: Vec<usize>) -> Vec<usize> {
    let Some(f) = state.filters.get(&FilterTarget::Stalled) else {
        return rows;
    };
    let cx = context(state);
    let facets = facets(state);
    let m = f.query.matcher(&cx);
    let all = &state.analysis.stalled;
    let tickets = &state.portfolio.tickets;
    rows.into_iter()
        .filter(|&i| {
            let s = &all[i];
            state
                .ticket_at
                .get(&(s.source.clone(), s.id))
                .is_some_and(|&t| {
                    let ticket = &tickets[t];
                    m.matches(&Row {
                        ticket,
                        stalled: true,
                        has_suggestion: facets.has_suggestion(ticket),
                    })
                })
        })
        .collect()
}

/// The suggestions (indices into the advisor's list) the Suggestions filter lets through: one
/// about a ticket when its ticket matches, one about a project when any of the project's
/// tickets does.
pub fn suggestions_shown(state: &State) -> Vec<usize> {
    let list = &state.advice.list;
    let Some(f) = state.filters.get(&FilterTarget::Suggestions) else {
        return (0..list.len()).collect();
    };
    let cx = context(state);
    let facets = facets(state);
    let m = f.query.matcher(&cx);
    let tickets = &state.portfolio.tickets;
    let hit = |t: &crate::domain::Ticket| {
        m.matches(&Row {
            ticket: t,
            stalled: facets.is_stalled(t),
            has_suggestion: facets.has_suggestion(t),
        })
    };
    let mut projects: Option<HashSet<(CompactString, CompactString)>> = None;
    (0..list.len())
        .filter(|&i| match &list[i].subject {
            Subject::Ticket { source, id, .. } => state
                .ticket_at
                .get(&(CompactString::from(source.as_str()), *id))
                .is_some_and(|&t| hit(&tickets[t])),
            Subject::Project { source, key, .. } => projects
                .get_or_insert_with(|| {
                    tickets
                        .iter()
                        .filter(|t| hit(t))
                        .map(|t| (t.source.clone(), t.project.clone()))
                        .collect()
                })
                .contains(&(
                    CompactString::from(source.as_str()),
                    CompactString::from(key.as_str()),
                )),
        })
        .collect()
}

/// The projects (source, key) with a ticket the Projects filter lets through; `None` when
/// there is no filter.
pub fn projects_shown(state: &State) -> Option<HashSet<(CompactString, CompactString)>> {
    let f = state.filters.get(&FilterTarget::Projects)?;
    let p = &state.portfolio;
    let all: Vec<usize> = (0..p.tickets.len()).collect();
    let hits = select(p, &all, &f.query, &context(state), facets(state));
    Some(
        hits.into_iter()
            .map(|i| (p.tickets[i].source.clone(), p.tickets[i].project.clone()))
            .collect(),
    )
}

/// A keystroke in the filter line: applied when it parses, else the error is shown and the
/// list stays as it was.
pub fn on_edit(state: &mut State) {
    let (Some(target), Some(Mode::Prompt(p))) = (target(state), state.modes.last()) else {
        return;
    };
    let text = p.line.value().to_string();
    let result = set(state, target, &text);
    let counts = shown(state, target);
    if let Some(Mode::Prompt(p)) = state.modes.last_mut() {
        p.error = result.err();
        p.shown = Some(counts);
    }
}

/// Esc in the filter line: the filter it was opened with comes back.
pub fn on_cancel(state: &mut State, before: &str) {
    if let Some(target) = target(state) {
        let _ = set(state, target, before);
    }
}
