//! Triage from the keyboard: assign, move, re-prioritise, label or comment on the selected
//! ticket, or on every marked one. A picker or a text line asks what (members with their work
//! in progress, the statuses the tracker allows, priorities), a confirmation shows exactly
//! what will be written where, and the writes go one by one through the write path (which
//! re-checks each ticket and honours read-only), counted off on screen and summed up at the
//! end: what succeeded, what failed and why.

use compact_str::CompactString;

use super::event::Effect;
use super::list_view::ListView;
use super::lists::selected_ticket;
use super::mode::{Mode, Prompt, PromptKind};
use super::outcome::Outcome;
use super::state::State;
use crate::domain::{Change, Priority, Seen, Ticket, TrackerAction};
use crate::keys::{Action, Command};
use crate::sync::{BulkProgress, BulkSummary, WriteRequest};
use crate::text::Clean;

/// Keys a confirmation lists before it says "and N more".
pub const LISTED: usize = 8;

/// What a picker chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Assign,
    Move,
    Priority,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Picker {
    pub purpose: Purpose,
    pub title: String,
    /// What each row shows, and the value the change takes.
    pub items: Vec<(String, String)>,
    pub list: ListView,
    /// The tickets the choice applies to.
    pub targets: Vec<TicketId>,
    /// Waiting for the tracker (the statuses a ticket may move to).
    pub loading: bool,
    pub error: Option<Clean>,
}

/// A change about to be written to `targets`, shown for confirmation.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub change: Change,
    /// What the confirmation says, e.g. "assign to Alice Smith (alice)".
    pub what: String,
    pub targets: Vec<TicketId>,
    /// Each target as the confirmation showed it: what the write is checked against.
    pub seen: Vec<Seen>,
}

/// A ticket by (source, id): what dialogs hold, so a reload that moves tickets around in the
/// portfolio while one is open never points a write at another ticket.
pub type TicketId = (CompactString, u64);

fn ids_of(state: &State, targets: &[usize]) -> Vec<TicketId> {
    let tickets = &state.portfolio.tickets;
    targets
        .iter()
        .map(|&i| (tickets[i].source.clone(), tickets[i].id))
        .collect()
}

/// The tickets still loaded among `ids`, as indices into the portfolio now.
pub fn resolve(state: &State, ids: &[TicketId]) -> Vec<usize> {
    ids.iter()
        .filter_map(|k| state.ticket_at.get(k).copied())
        .collect()
}

/// A bulk write on its way, then its summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bulk {
    pub what: String,
    pub total: usize,
    pub done: usize,
    /// One line per answered ticket: key and outcome.
    pub lines: Vec<(String, Result<(), Clean>)>,
    pub summary: Option<Clean>,
    pub scroll: usize,
    /// What was sent, by source: a summary names keys only.
    pub sent: Vec<(String, TrackerAction)>,
}

/// The tickets an action applies to: every marked ticket, or the selected one.
pub fn targets(state: &State) -> Vec<usize> {
    if state.marks.is_empty() {
        return selected_ticket(state).into_iter().collect();
    }
    let mut out: Vec<usize> = state
        .marks
        .iter()
        .filter_map(|k| state.ticket_at.get(k).copied())
        .collect();
    let tickets = &state.portfolio.tickets;
    out.sort_by(|&a, &b| {
        (tickets[a].source.as_str(), tickets[a].key.as_str())
            .cmp(&(tickets[b].source.as_str(), tickets[b].key.as_str()))
    });
    out
}

fn say(state: &mut State, text: String) -> Outcome {
    state.message = Some(Clean::new(text));
    Outcome::redraw()
}

/// Starts an action on the targets: with its data (`assign:@me`, `move:Done`) straight to the
/// confirmation, otherwise by asking.
pub fn start(state: &mut State, command: &Command) -> Outcome {
    let targets = targets(state);
    let Some(&first) = targets.first() else {
        return say(state, "select a ticket, or mark some with Space".into());
    };
    let tickets = &state.portfolio.tickets;
    let refused: Vec<String> = targets
        .iter()
        .map(|&i| tickets[i].source.to_string())
        .filter(|s| state.read_only_for(s))
        .collect();
    if let Some(source) = refused.first() {
        return say(
            state,
            format!(
                "{source} is read-only: nothing was sent (drop --read-only, or read_only = true, to allow writes)"
            ),
        );
    }
    let arg = command.arg.clone();
    let ids = ids_of(state, &targets);
    let tickets = &state.portfolio.tickets;
    match (command.action, arg) {
        (Action::Assign, Some(who)) => match resolve_person(state, first, &who) {
            Ok((login, name)) => confirm(
                state,
                Change::Assign {
                    login: login.clone(),
                },
                format!("assign to {name} ({login})"),
                ids,
            ),
            Err(why) => say(state, why),
        },
        (Action::Assign, None) => {
            let t = &tickets[first];
            let people =
                crate::analysis::assignable::assignable(&state.portfolio, &t.source, &t.project);
            if people.is_empty() {
                return say(
                    state,
                    format!("{} reports no members to assign to", t.project),
                );
            }
            let items = people
                .into_iter()
                .map(|(m, wip)| {
                    let label = if m.login == m.display_name {
                        format!("{:<28} {wip:>3} in progress", m.display_name)
                    } else {
                        format!("{:<28} {wip:>3} in progress  ({})", m.display_name, m.login)
                    };
                    (label, m.login.to_string())
                })
                .collect();
            let title = format!("Assign {} to", count(&targets, tickets));
            open_picker(state, Purpose::Assign, title, items, ids, false)
        }
        (Action::Move, Some(status)) => confirm(
            state,
            Change::Transition {
                status: status.clone(),
            },
            format!("move to {status:?}"),
            ids,
        ),
        (Action::Move, None) => {
            let t = &tickets[first];
            let effect = Effect::Statuses {
                source: t.source.to_string(),
                ticket: t.id,
                key: t.key.to_string(),
            };
            let title = format!("Move {} to", count(&targets, tickets));
            let out = open_picker(state, Purpose::Move, title, Vec::new(), ids, true);
            Outcome {
                redraw: out.redraw,
                effects: vec![effect],
            }
        }
        (Action::SetPriority, Some(p)) => match priority_named(&p) {
            Some(p) => confirm(
                state,
                Change::SetPriority {
                    priority: p.label().to_string(),
                },
                format!("set priority {}", p.label()),
                ids,
            ),
            None => say(
                state,
                format!(
                    "{p:?} is not a priority; priorities are lowest, low, medium, high, highest"
                ),
            ),
        },
        (Action::SetPriority, None) => {
            let items = Priority::ALL
                .iter()
                .rev()
                .map(|p| (p.label().to_string(), p.label().to_string()))
                .collect();
            let title = format!("Priority of {}", count(&targets, tickets));
            open_picker(state, Purpose::Priority, title, items, ids, false)
        }
        (Action::AddLabel, Some(label)) => label_order(state, &label, ids),
        (Action::Comment, Some(body)) => comment_order(state, &body, ids),
        (Action::AddLabel | Action::Comment, None) => {
            let kind = if command.action == Action::AddLabel {
                PromptKind::Label
            } else {
                PromptKind::Comment
            };
            let mut prompt = Prompt::new(kind, "");
            prompt.targets = ids;
            state.modes.push(Mode::Prompt(prompt));
            Outcome::redraw()
        }
        _ => Outcome::default(),
    }
}

/// "CRUX-12" for one ticket, "3 tickets" for several.
fn count(targets: &[usize], tickets: &[Ticket]) -> String {
    match targets {
        [one] => tickets[*one].key.to_string(),
        many => format!("{} tickets", many.len()),
    }
}

fn priority_named(name: &str) -> Option<Priority> {
    Priority::ALL
        .into_iter()
        .find(|p| p.label().eq_ignore_ascii_case(name.trim()))
}

/// `@me` (the config's `me`), a login or a display name of the ticket's project members.
fn resolve_person(state: &State, ticket: usize, who: &str) -> Result<(String, String), String> {
    let t = &state.portfolio.tickets[ticket];
    let people = crate::analysis::assignable::assignable(&state.portfolio, &t.source, &t.project);
    let names: Vec<String> = if who == "@me" {
        if state.me.is_empty() {
            return Err("@me needs `me = [\"your login\", \"Your Name\"]` in the config".into());
        }
        state.me.clone()
    } else {
        vec![who.to_string()]
    };
    people
        .iter()
        .find(|(m, _)| {
            names
                .iter()
                .any(|n| m.login.eq_ignore_ascii_case(n) || m.display_name.eq_ignore_ascii_case(n))
        })
        .map(|(m, _)| (m.login.to_string(), m.display_name.to_string()))
        .ok_or_else(|| format!("{who} is not a member of {}", t.project))
}

fn open_picker(
    state: &mut State,
    purpose: Purpose,
    title: String,
    items: Vec<(String, String)>,
    targets: Vec<TicketId>,
    loading: bool,
) -> Outcome {
    let list = ListView::new((0..items.len()).collect());
    state.modes.push(Mode::Picker(Picker {
        purpose,
        title,
        items,
        list,
        targets,
        loading,
        error: None,
    }));
    Outcome::redraw()
}

fn label_order(state: &mut State, label: &str, targets: Vec<TicketId>) -> Outcome {
    let label = label.trim();
    if label.is_empty() || label.chars().any(char::is_whitespace) {
        return say(
            state,
            format!("{label:?} is not a label: one word, no spaces"),
        );
    }
    confirm(
        state,
        Change::AddLabel {
            label: label.to_string(),
        },
        format!("add label {label:?}"),
        targets,
    )
}

fn comment_order(state: &mut State, body: &str, targets: Vec<TicketId>) -> Outcome {
    let body = body.trim();
    if body.is_empty() {
        return say(state, "an empty comment is not sent".into());
    }
    confirm(
        state,
        Change::Comment {
            body: body.to_string(),
        },
        format!("comment {body:?}"),
        targets,
    )
}

fn confirm(state: &mut State, change: Change, what: String, targets: Vec<TicketId>) -> Outcome {
    let tickets = &state.portfolio.tickets;
    let (targets, seen): (Vec<TicketId>, Vec<Seen>) = targets
        .into_iter()
        .filter_map(|k| {
            let i = *state.ticket_at.get(&k)?;
            Some((k, Seen::of(&tickets[i])))
        })
        .unzip();
    if targets.is_empty() {
        return say(
            state,
            "those tickets are no longer loaded: nothing to confirm".into(),
        );
    }
    state.modes.push(Mode::Confirm(Order {
        change,
        what,
        targets,
        seen,
    }));
    Outcome::redraw()
}

/// A label or comment typed in its text line.
pub fn on_text(state: &mut State, kind: PromptKind, text: &str, targets: Vec<TicketId>) -> Outcome {
    match kind {
        PromptKind::Label => label_order(state, text, targets),
        PromptKind::Comment => comment_order(state, text, targets),
        _ => Outcome::redraw(),
    }
}

/// Keys in a picker: move, Enter chooses, Esc cancels.
pub fn on_picker(state: &mut State, action: Action) -> Outcome {
    let Some(Mode::Picker(picker)) = state.modes.last_mut() else {
        return Outcome::default();
    };
    match action {
        Action::Confirm | Action::Open => {
            let Some((label, value)) = picker.list.current().map(|i| picker.items[i].clone())
            else {
                return Outcome::default();
            };
            let (purpose, targets) = (picker.purpose, picker.targets.clone());
            state.modes.pop();
            let name = label
                .split("  ")
                .next()
                .unwrap_or(&label)
                .trim()
                .to_string();
            let (change, what) = match purpose {
                Purpose::Assign => (
                    Change::Assign {
                        login: value.clone(),
                    },
                    format!("assign to {name}"),
                ),
                Purpose::Move => (
                    Change::Transition {
                        status: value.clone(),
                    },
                    format!("move to {value:?}"),
                ),
                Purpose::Priority => (
                    Change::SetPriority {
                        priority: value.clone(),
                    },
                    format!("set priority {value}"),
                ),
            };
            confirm(state, change, what, targets)
        }
        Action::Down
        | Action::Up
        | Action::PageDown
        | Action::PageUp
        | Action::Top
        | Action::Bottom => {
            picker.list.step(action);
            Outcome::redraw()
        }
        Action::Back => {
            state.modes.pop();
            Outcome::redraw()
        }
        _ => Outcome::default(),
    }
}

/// The statuses the tracker allows, for the move picker.
pub fn on_statuses(
    state: &mut State,
    ticket: &(String, u64),
    result: Result<Vec<String>, String>,
) -> Outcome {
    // Only the picker that asked about this ticket: an answer for a picker closed since, and
    // another opened for another ticket, must not offer that ticket's workflow.
    let asked = |p: &Picker| {
        p.purpose == Purpose::Move
            && p.loading
            && p.targets
                .first()
                .is_some_and(|(s, id)| s.as_str() == ticket.0 && *id == ticket.1)
    };
    let Some(Mode::Picker(picker)) = state
        .modes
        .iter_mut()
        .rev()
        .find(|m| matches!(m, Mode::Picker(p) if asked(p)))
    else {
        return Outcome::default();
    };
    picker.loading = false;
    match result {
        Ok(statuses) if statuses.is_empty() => {
            picker.error = Some(Clean::new("the tracker allows no move from here"));
        }
        Ok(statuses) => {
            picker.items = statuses
                .into_iter()
                .map(|s| {
                    let s = Clean::new(s).into_string();
                    (s.clone(), s)
                })
                .collect();
            picker.list = ListView::new((0..picker.items.len()).collect());
        }
        Err(why) => picker.error = Some(Clean::new(why)),
    }
    Outcome::redraw()
}

/// Keys in the confirmation: Enter sends, Esc cancels.
pub fn on_confirm(state: &mut State, action: Action) -> Outcome {
    match action {
        Action::Confirm | Action::Open => {
            let Some(Mode::Confirm(order)) = state.modes.pop() else {
                return Outcome::default();
            };
            let tickets = &state.portfolio.tickets;
            let mut gone = 0;
            let mut requests = Vec::new();
            for (k, seen) in order.targets.iter().zip(&order.seen) {
                let Some(&i) = state.ticket_at.get(k) else {
                    gone += 1;
                    continue;
                };
                let t = &tickets[i];
                requests.push(WriteRequest {
                    source: t.source.to_string(),
                    action: TrackerAction {
                        ticket: t.id,
                        key: t.key.to_string(),
                        change: order.change.clone(),
                    },
                    // What the confirmation showed: a ticket that moved since is not written.
                    seen: seen.clone(),
                });
            }
            if gone > 0 {
                state.message = Some(Clean::new(format!(
                    "{gone} of the tickets are no longer loaded: not sent"
                )));
            }
            if requests.is_empty() {
                return Outcome::redraw();
            }
            state.modes.push(Mode::Bulk(Bulk {
                what: order.what.clone(),
                total: requests.len(),
                done: 0,
                lines: Vec::new(),
                summary: None,
                scroll: 0,
                sent: requests
                    .iter()
                    .map(|r| (r.source.clone(), r.action.clone()))
                    .collect(),
            }));
            Outcome {
                redraw: true,
                effects: vec![Effect::Bulk { requests }],
            }
        }
        Action::Back => {
            state.modes.pop();
            Outcome::redraw()
        }
        _ => Outcome::default(),
    }
}

/// Keys in the progress and summary view: scroll; Esc or Enter closes once it is done.
pub fn on_bulk(state: &mut State, action: Action) -> Outcome {
    let Some(Mode::Bulk(bulk)) = state.modes.last_mut() else {
        return Outcome::default();
    };
    match action {
        Action::Back | Action::Confirm | Action::Open if bulk.summary.is_some() => {
            state.modes.pop();
            Outcome::redraw()
        }
        Action::Down
        | Action::Up
        | Action::PageDown
        | Action::PageUp
        | Action::Top
        | Action::Bottom => {
            bulk.scroll = super::list_view::moved(bulk.scroll, bulk.lines.len(), action);
            Outcome::redraw()
        }
        _ => Outcome::default(),
    }
}

fn bulk_mut(state: &mut State) -> Option<&mut Bulk> {
    state.modes.iter_mut().rev().find_map(|m| match m {
        Mode::Bulk(b) => Some(b),
        _ => None,
    })
}

pub fn on_progress(state: &mut State, progress: BulkProgress) -> Outcome {
    let Some(bulk) = bulk_mut(state) else {
        return Outcome::default();
    };
    bulk.done = progress.done;
    bulk.total = progress.total;
    let (key, result) = progress.last;
    bulk.lines.push((key, result.map_err(Clean::new)));
    Outcome::redraw()
}

/// The bulk write ended: the summary stays on screen and in the status bar; tickets written
/// are unmarked, the failed ones stay marked for another try.
pub fn on_done(state: &mut State, summary: BulkSummary) -> Outcome {
    let line = Clean::new(summary.to_string());
    let written: Vec<&str> = summary.succeeded.iter().map(|(k, _)| k.as_str()).collect();
    // Keys are unique within a source only: a ticket is unmarked when its source and key were
    // sent and its key was written.
    let sent: Vec<(String, TrackerAction)> =
        bulk_mut(state).map(|b| b.sent.clone()).unwrap_or_default();
    let tickets = &state.portfolio.tickets;
    state.marks.retain(|k| {
        state.ticket_at.get(k).is_none_or(|&i| {
            let t = &tickets[i];
            let was_sent = sent
                .iter()
                .any(|(s, a)| s.as_str() == t.source.as_str() && a.key.as_str() == t.key.as_str());
            !(was_sent && written.contains(&t.key.as_str()))
        })
    });
    // The audit log on screen shows these writes at once (the stored log has them too).
    let at = chrono::Utc::now();
    for ((source, action), result) in crate::sync::bulk_results(&sent, |(_, a)| &a.key, &summary) {
        state.advice.audit.insert(
            0,
            super::advice::AuditEntry::Write {
                at,
                source: source.clone(),
                action: action.clone(),
                result: result.map(|_| ()).map_err(Clean::new),
            },
        );
    }
    let refresh = reread_written(state, &sent, &written);
    if let Some(bulk) = bulk_mut(state) {
        // Every ticket ends in the list, even one whose progress report never came.
        for (key, why) in &summary.failed {
            if !bulk.lines.iter().any(|(k, _)| k == key) {
                bulk.lines.push((key.clone(), Err(Clean::new(why))));
            }
        }
        for (key, _) in &summary.succeeded {
            if !bulk.lines.iter().any(|(k, _)| k == key) {
                bulk.lines.push((key.clone(), Ok(())));
            }
        }
        bulk.done = bulk.total;
        bulk.summary = Some(line.clone());
    }
    state.message = Some(line);
    refresh
}

/// Reads the written tickets back from the store, so the lists show the change now: a
/// tracker's next sync brings it too, but the demo tracker keeps its tickets in the store
/// itself, and a sync then finds nothing new to report.
pub fn reread_written(
    state: &mut State,
    sent: &[(String, TrackerAction)],
    written: &[&str],
) -> Outcome {
    let mut by_source: Vec<(String, Vec<u64>)> = Vec::new();
    for (source, action) in sent
        .iter()
        .filter(|(_, a)| written.contains(&a.key.as_str()))
    {
        match by_source.iter_mut().find(|(s, _)| s == source) {
            Some((_, ids)) => ids.push(action.ticket),
            None => by_source.push((source.clone(), vec![action.ticket])),
        }
    }
    let mut out = Outcome::redraw();
    for (source, tickets) in by_source {
        state.load_generation += 1;
        let generation = state.load_generation;
        let asked = super::loop_state::request(
            state,
            Effect::Refresh {
                generation,
                source,
                tickets,
            },
        );
        out.effects.extend(asked.effects);
    }
    out
}

/// Text for the picker, confirmation and progress views: the keys of `targets`.
pub fn keys_of(state: &State, targets: &[TicketId]) -> Vec<String> {
    resolve(state, targets)
        .into_iter()
        .map(|i| {
            let t = &state.portfolio.tickets[i];
            format!("{} {}", t.key, t.title)
        })
        .collect()
}
