//! The Suggestions tab's part of `update`: asking for advice after a load, taking the
//! advisor's list and the ledger's figures in (cleaned here, where they enter), the selection,
//! and what the other tabs learn from the list (which tickets carry a suggestion).
//!
//! Decisions (accept, reject, undo) and their popups are `decisions`' part.

use super::advice::{AiUsage, AuditEntry, HistoryLine, KindRate};
use super::event::Effect;
use super::outcome::Outcome;
use super::state::State;
use crate::domain::{Change, Decision, Field, Signal, Subject, Suggestion, SuggestionState};
use crate::keys::Action;
use crate::text::{Clean, clean_block_in_place, clean_in_place};

/// Status changes the detail pane shows for a ticket.
const HISTORY: usize = 6;

/// Asks for advice on what is now shown; an answer to an older request is dropped.
pub fn advise(state: &mut State) -> Effect {
    state.advice.generation += 1;
    Effect::Advise {
        generation: state.advice.generation,
    }
}

pub fn on_advised(
    state: &mut State,
    generation: u64,
    mut suggestions: Vec<Suggestion>,
    note: Option<String>,
    usage: Option<AiUsage>,
) -> Outcome {
    if generation != state.advice.generation {
        return Outcome::default();
    }
    let keep = state.advice.selected().map(|s| s.id.clone());
    for s in &mut suggestions {
        clean_suggestion(s);
        // A write on its way keeps the state it shows until its answer comes.
        if state.advice.in_flight(&s.id)
            && let Some(old) = state.advice.find(&s.id)
        {
            s.state = old.state;
        }
    }
    let advice = &mut state.advice;
    advice.list = suggestions;
    advice.ready = true;
    advice.note = note.map(Clean::new);
    if usage.is_some() {
        advice.usage = usage;
    }
    advice.selected = keep
        .and_then(|id| advice.list.iter().position(|s| s.id == id))
        .unwrap_or_else(|| advice.selected.min(advice.list.len().saturating_sub(1)));
    changed(state);
    Outcome::redraw()
}

/// The ledger's figures, after a decision was kept (or at start).
pub fn on_feedback(
    state: &mut State,
    rates: Vec<KindRate>,
    mut audit: Vec<AuditEntry>,
    last_undoable: Option<Decision>,
) -> Outcome {
    for entry in &mut audit {
        match entry {
            AuditEntry::Decision(d) => clean_decision(d),
            AuditEntry::Write { source, action, .. } => {
                clean_in_place(source);
                clean_change(&mut action.change);
                clean_in_place(&mut action.key);
            }
        }
    }
    let advice = &mut state.advice;
    advice.rates = rates;
    advice.audit = audit;
    if advice.undo.is_empty()
        && let Some(mut d) = last_undoable
    {
        clean_decision(&mut d);
        advice.undo.push(d);
    }
    Outcome::redraw()
}

/// Movement within the list.
pub fn on_move(state: &mut State, action: Action) -> Outcome {
    let advice = &mut state.advice;
    let at = advice
        .shown
        .iter()
        .position(|&i| i == advice.selected)
        .unwrap_or(0);
    let to = super::list_view::moved(at, advice.shown.len(), action);
    if let Some(&i) = advice.shown.get(to) {
        advice.selected = i;
    }
    history(state);
    Outcome::redraw()
}

/// Rebuilds the rows the filter shows, keeping the selection on a shown row.
pub fn reshow(state: &mut State) {
    let shown = super::filters::suggestions_shown(state);
    let advice = &mut state.advice;
    if !shown.contains(&advice.selected)
        && let Some(&first) = shown
            .iter()
            .find(|&&i| i > advice.selected)
            .or(shown.last())
    {
        advice.selected = first;
    }
    advice.shown = shown;
    history(state);
}

/// Recomputes what depends on the list or the portfolio: the markers the other tabs show and
/// the selected ticket's history. Called when either changes, never while drawing.
pub fn changed(state: &mut State) {
    super::filters::refresh_facets(state);
    reshow(state);
    let advice = &mut state.advice;
    advice.marked = advice
        .list
        .iter()
        .filter(|s| decidable(s.state))
        .filter_map(|s| match &s.subject {
            Subject::Ticket { source, id, .. } => Some((source.clone(), *id)),
            Subject::Project { .. } => None,
        })
        .collect();
    history(state);
}

/// A suggestion the user can still act on.
pub fn decidable(s: SuggestionState) -> bool {
    matches!(
        s,
        SuggestionState::Pending | SuggestionState::Failed | SuggestionState::Undone
    )
}

fn history(state: &mut State) {
    let Some(Subject::Ticket { source, id, .. }) = state.advice.selected().map(|s| &s.subject)
    else {
        state.advice.history.clear();
        return;
    };
    let mut lines: Vec<HistoryLine> = state
        .portfolio
        .transitions
        .iter()
        .filter(|t| t.ticket == *id && t.field == Field::Status && *t.source == **source)
        .map(|t| HistoryLine {
            at: t.at,
            from: t.from.as_deref().map(str::to_string),
            to: t.to.as_deref().map(str::to_string),
        })
        .collect();
    lines.sort_by_key(|l| l.at);
    let skip = lines.len().saturating_sub(HISTORY);
    state.advice.history = lines.split_off(skip);
}

/// The advisor's text reaches the screen, the log and the ledger from here: the model may
/// have reworded the rationale, and the rules quote tracker names.
fn clean_suggestion(s: &mut Suggestion) {
    clean_in_place(&mut s.id);
    clean_in_place(&mut s.rationale);
    clean_subject(&mut s.subject);
    if let Some(r) = &mut s.related {
        clean_subject(r);
    }
    for e in &mut s.evidence {
        match &mut e.signal {
            Signal::InStatus { status } | Signal::Blocked { status } => clean_in_place(status),
            Signal::Wip { member } => clean_in_place(member),
            Signal::Similarity { other } => clean_in_place(other),
            Signal::Health { component } => clean_in_place(component),
            Signal::Backlog { above } => clean_in_place(above),
            Signal::Age
            | Signal::Inactive
            | Signal::Reopened
            | Signal::Estimate
            | Signal::LongRunning
            | Signal::TargetChance
            | Signal::Throughput
            | Signal::ScopeGrowth
            | Signal::Blocks
            | Signal::DueDate => {}
        }
    }
    if let Some(p) = &mut s.proposal {
        clean_in_place(&mut p.source);
        clean_in_place(&mut p.action.key);
        clean_change(&mut p.action.change);
        for c in &mut p.alternatives {
            clean_change(c);
        }
        clean_in_place(&mut p.seen.status);
        if let Some(a) = &mut p.seen.assignee {
            clean_in_place(a);
        }
    }
}

fn clean_decision(d: &mut Decision) {
    clean_in_place(&mut d.suggestion);
    clean_subject(&mut d.subject);
    if let Some(n) = &mut d.note {
        clean_in_place(n);
    }
    if let Some((action, facts)) = &mut d.write {
        clean_in_place(&mut action.key);
        clean_change(&mut action.change);
        clean_in_place(&mut facts.status);
        clean_in_place(&mut facts.priority_name);
        for s in [&mut facts.assignee, &mut facts.assignee_login]
            .into_iter()
            .flatten()
        {
            clean_in_place(s);
        }
    }
}

fn clean_subject(s: &mut Subject) {
    match s {
        Subject::Ticket {
            source,
            key,
            project,
            ..
        } => {
            clean_in_place(source);
            clean_in_place(key);
            clean_in_place(project);
        }
        Subject::Project { source, key } => {
            clean_in_place(source);
            clean_in_place(key);
        }
    }
}

fn clean_change(c: &mut Change) {
    match c {
        Change::Assign { login } => clean_in_place(login),
        Change::Unassign => {}
        Change::Transition { status } => clean_in_place(status),
        Change::SetPriority { priority } => clean_in_place(priority),
        Change::AddLabel { label } => clean_in_place(label),
        // A comment keeps its lines: it is written as the user saw it in the popup.
        Change::Comment { body } => clean_block_in_place(body),
    }
}
