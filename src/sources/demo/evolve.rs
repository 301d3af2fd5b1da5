//! The demo tracker moving on while lookout watches: each sync, a few new tickets and a few
//! status changes, stamped with the sync's own time.

use chrono::{DateTime, Utc};

use super::vocab::{NOTES, OBJECTS, VERBS, title};
use super::world::{DONE, IN_PROGRESS, IN_REVIEW, TODO, World, category_of};
use crate::domain::{ChangeSet, Field, Note, Priority, Ticket, Transition};
use crate::rng::Rng;

/// Where new work lands: growing and new projects get more, the finishing one none.
const INTAKE: &[(&str, u64)] = &[
    ("ATLAS", 2),
    ("BORE", 2),
    ("CRUX", 1),
    ("DUNE", 2),
    ("EMBER", 5),
    ("GLINT", 3),
    ("HALO", 4),
    ("IRIS", 1),
];

/// Advances the world by one step; returns exactly what changed.
pub fn step(world: &mut World, seed: u64, step: u64, now: DateTime<Utc>) -> ChangeSet {
    let mut rng = Rng::new(seed ^ step.wrapping_mul(0xA24B_AED4_963E_E407));
    let mut changes = ChangeSet::new(world.source.clone());
    if rng.chance(0.7) {
        let ticket = new_ticket(world, &mut rng, now);
        changes.tickets.push(ticket.clone());
        world.push_ticket(ticket);
    }
    for _ in 0..1 + rng.below(3) {
        if let Some(index) = pick_movable(world, &mut rng) {
            advance(world, &mut rng, index, now, &mut changes);
        }
    }
    changes
}

fn new_ticket(world: &mut World, rng: &mut Rng, now: DateTime<Utc>) -> Ticket {
    let total: u64 = INTAKE.iter().map(|(_, w)| w).sum();
    let mut roll = rng.below(total);
    let project = INTAKE
        .iter()
        .find(|(_, w)| {
            let hit = roll < *w;
            roll = roll.saturating_sub(*w);
            hit
        })
        .map(|(p, _)| *p)
        .unwrap_or("ATLAS");
    let id = world.next_id();
    Ticket {
        source: world.source.as_str().into(),
        id,
        project: project.into(),
        key: compact_str::format_compact!("{project}-{}", world.count_in(project) + 1),
        title: title(
            rng.pick(VERBS).copied().unwrap_or("Fix"),
            rng.pick(OBJECTS).copied().unwrap_or("bug"),
            id,
        ),
        status: TODO.into(),
        category: category_of(TODO),
        assignee: None,
        priority: if rng.chance(0.2) {
            Priority::High
        } else {
            Priority::Medium
        },
        estimate: Some([1.0, 2.0, 3.0, 5.0][rng.below(4) as usize]),
        labels: Vec::new(),
        created: now,
        updated: now,
        started: None,
        resolved: None,
        resolution: None,
        url: None,
    }
}

/// An open ticket that may move; the stalled review queue stays stalled so its story holds.
fn pick_movable(world: &World, rng: &mut Rng) -> Option<usize> {
    let movable: Vec<usize> = world
        .data
        .tickets
        .iter()
        .enumerate()
        .filter(|(_, t)| t.is_open() && !(t.project == "CRUX" && t.status == IN_REVIEW))
        .map(|(i, _)| i)
        .collect();
    rng.pick(&movable).copied()
}

fn advance(
    world: &mut World,
    rng: &mut Rng,
    index: usize,
    now: DateTime<Utc>,
    changes: &mut ChangeSet,
) {
    let team: Vec<compact_str::CompactString> = {
        let project = &world.data.tickets[index].project;
        world
            .data
            .members
            .iter()
            .filter(|m| m.project == project)
            .map(|m| m.login.clone())
            .collect()
    };
    let note_id = world.next_note_id();
    let source = world.source.clone();
    let t = &mut world.data.tickets[index];
    let next = match t.status.as_str() {
        TODO => IN_PROGRESS,
        IN_PROGRESS => IN_REVIEW,
        _ => DONE,
    };
    if next == IN_PROGRESS && t.assignee.is_none() {
        let who = rng.pick(&team).cloned();
        changes.transitions.push(Transition {
            source: source.as_str().into(),
            ticket: t.id,
            at: now,
            field: Field::Assignee,
            from: None,
            to: who.as_deref().map(Into::into),
        });
        t.assignee = who;
    }
    changes.transitions.push(Transition {
        source: source.as_str().into(),
        ticket: t.id,
        at: now,
        field: Field::Status,
        from: Some(t.status.as_str().into()),
        to: Some(next.into()),
    });
    t.status = next.into();
    t.category = category_of(next);
    t.updated = now;
    t.started = t.started.or((next == IN_PROGRESS).then_some(now));
    t.resolved = (next == DONE).then_some(now);
    t.resolution = (next == DONE).then(|| "Done".into());
    if rng.chance(0.3) {
        changes.notes.push(Note {
            source,
            ticket: t.id,
            id: note_id,
            at: now,
            author: t.assignee.as_deref().unwrap_or("triage").to_string(),
            body: rng.pick(NOTES).copied().unwrap_or("").to_string(),
        });
    }
    changes.tickets.push(t.clone());
}
