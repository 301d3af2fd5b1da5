//! Builds the demo portfolio's past: every ticket's life from creation to now.
//!
//! Each ticket's life is sampled independently from its project's story (log-normal waits,
//! weekend work pushed to Monday, reopenings, bulk triage closures) and cut off at `now`, so
//! cycle times are long-tailed and daily throughput has the zero days and lumps that real
//! trackers show.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc, Weekday};

use super::stories::{Story, portfolio};
use super::vocab::{LABELS, NOTES, OBJECTS, PEOPLE, VERBS, title};
use super::world::{DONE, IN_PROGRESS, IN_REVIEW, TODO, World, category_of};
use crate::domain::{Field, Member, Note, Priority, Project, Ticket, TimeEntry, Transition};
use crate::rng::Rng;

/// Builds the whole demo world for `seed`, as it stands at `now`.
pub fn generate(source: &str, seed: u64, now: DateTime<Utc>) -> World {
    let mut world = World::new(source);
    let mut rng = Rng::new(seed);
    for (index, story) in portfolio().iter().enumerate() {
        generate_project(&mut world, &mut rng, story, index, now);
    }
    refile(&mut world, "HALO", 2, now);
    world
}

/// Customers of a support desk report the same problem twice: the `n` oldest waiting tickets
/// of `project` are filed again, word for word, two days later (no random draws, so the rest
/// of the demo stays as it is).
fn refile(world: &mut World, project: &str, n: usize, now: DateTime<Utc>) {
    let mut waiting: Vec<Ticket> = world
        .data
        .tickets
        .iter()
        .filter(|t| t.project == project && t.status == TODO)
        .filter(|t| t.created + Duration::days(2) <= now)
        .cloned()
        .collect();
    waiting.sort_by_key(|t| (t.created, t.id));
    for original in waiting.into_iter().take(n) {
        let id = world.next_id();
        let created = original.created + Duration::days(2);
        world.push_ticket(Ticket {
            id,
            key: compact_str::format_compact!("{project}-{}", world.count_in(project) + 1),
            created,
            updated: created,
            ..original
        });
    }
}

fn days(d: f64) -> Duration {
    Duration::seconds((d * 86_400.0) as i64)
}

/// Most people do not work weekends: work that would land on one moves to Monday morning.
fn business(rng: &mut Rng, t: DateTime<Utc>) -> DateTime<Utc> {
    let shift = match t.weekday() {
        Weekday::Sat => 2,
        Weekday::Sun => 1,
        _ => return t,
    };
    if rng.chance(0.06) {
        return t;
    }
    let monday = (t + Duration::days(shift)).date_naive();
    let minutes = 8 * 60 + rng.below(9 * 60) as i64;
    monday
        .and_hms_opt(0, 0, 0)
        .map(|m| m.and_utc())
        .unwrap_or(t)
        + Duration::minutes(minutes)
}

/// A story effect ramps in: no change `days` before now, the full factor at now. Trends in
/// real projects build up rather than switch on.
fn effect(change: Option<super::stories::Since>, at: DateTime<Utc>, now: DateTime<Utc>) -> f64 {
    let Some(c) = change else { return 1.0 };
    let span = (c.days * 86_400) as f64;
    let into = (at - (now - Duration::days(c.days))).num_seconds() as f64;
    1.0 + (c.value - 1.0) * (into / span).clamp(0.0, 1.0)
}

fn pick_priority(rng: &mut Rng) -> Priority {
    match rng.below(100) {
        0..=4 => Priority::Highest,
        5..=24 => Priority::High,
        25..=74 => Priority::Medium,
        75..=94 => Priority::Low,
        _ => Priority::Lowest,
    }
}

fn pick_points(rng: &mut Rng) -> f64 {
    [1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 5.0, 5.0, 8.0, 13.0][rng.below(10) as usize]
}

/// A planned status change; the life of a ticket is a list of these.
struct Step {
    at: DateTime<Utc>,
    status: &'static str,
}

fn generate_project(
    world: &mut World,
    rng: &mut Rng,
    story: &Story,
    index: usize,
    now: DateTime<Utc>,
) {
    let source = world.source.clone();
    let start = now - Duration::days(story.history_days);
    world.data.projects.push(Project {
        source: source.clone(),
        key: story.key.to_string(),
        name: story.name.to_string(),
        description: story.description.to_string(),
        created: start,
        url: None,
        target: story
            .target_in_days
            .map(|d| (now + Duration::days(d)).date_naive()),
    });
    let team: Vec<&(&str, &str)> = (0..story.team)
        .map(|i| &PEOPLE[(index * 5 + i) % PEOPLE.len()])
        .collect();
    for (login, name) in &team {
        world.data.members.push(Member {
            source: source.as_str().into(),
            project: story.key.into(),
            login: (*login).into(),
            display_name: (*name).into(),
        });
    }
    let logins: Vec<&str> = team.iter().map(|(l, _)| *l).collect();
    let bulk_days = bulk_days(story, start, now);

    let mut day = start.date_naive();
    while day <= now.date_naive() {
        let midnight = day
            .and_hms_opt(0, 0, 0)
            .map(|d| d.and_utc())
            .unwrap_or(start);
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        let rate = story.arrival_rate
            * match story.arrival_change {
                Some(c) if midnight >= now - Duration::days(c.days) => c.value / story.arrival_rate,
                _ => 1.0,
            };
        let arrivals = rng.poisson(if weekend { rate * 0.04 } else { rate });
        for _ in 0..arrivals {
            let created = midnight + Duration::minutes(7 * 60 + rng.below(12 * 60) as i64);
            if created > now || created < start {
                continue;
            }
            let plan = plan_life(rng, story, created, now, &bulk_days);
            add_ticket(world, rng, story, &logins, created, &plan, now);
        }
        day = day.succ_opt().unwrap_or(day);
        if day == now.date_naive() + Duration::days(1) {
            break;
        }
    }
}

fn bulk_days(story: &Story, start: DateTime<Utc>, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let Some(b) = story.bulk_close else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut t = start + Duration::days(b.days);
    while t < now {
        // Triage happens on a weekday afternoon.
        let mut d = t.date_naive();
        while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            d = d.succ_opt().unwrap_or(d);
        }
        if let Some(at) = d.and_hms_opt(16, 0, 0) {
            out.push(at.and_utc());
        }
        t += Duration::days(b.days);
    }
    out
}

fn plan_life(
    rng: &mut Rng,
    story: &Story,
    created: DateTime<Utc>,
    now: DateTime<Utc>,
    bulk_days: &[DateTime<Utc>],
) -> Vec<Step> {
    let mut plan = vec![Step {
        at: created,
        status: TODO,
    }];
    if rng.chance(story.backlog_share) {
        return finish_plan(plan, story, bulk_days, now);
    }
    let wait = rng.lognormal(story.start_wait.0, story.start_wait.1)
        * effect(story.start_wait_change, created, now);
    let mut t = business(rng, created + days(wait));
    let mut rounds = 0;
    loop {
        plan.push(Step {
            at: t,
            status: IN_PROGRESS,
        });
        let work = rng.lognormal(story.work.0, story.work.1) * effect(story.work_change, t, now);
        t = business(rng, t + days(work));
        plan.push(Step {
            at: t,
            status: IN_REVIEW,
        });
        let review =
            rng.lognormal(story.review.0, story.review.1) * effect(story.review_change, t, now);
        t = business(rng, t + days(review));
        plan.push(Step {
            at: t,
            status: DONE,
        });
        rounds += 1;
        if rounds >= 3 || !rng.chance(story.reopen) {
            break;
        }
        let pause = rng.lognormal(2.0, 0.7);
        t = business(rng, t + days(pause));
    }
    finish_plan(plan, story, bulk_days, now)
}

/// Applies triage closures and cuts the plan off at `now`.
fn finish_plan(
    mut plan: Vec<Step>,
    story: &Story,
    bulk_days: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> Vec<Step> {
    if let Some(b) = story.bulk_close {
        let created = plan[0].at;
        let closes = bulk_days.iter().find(|&&d| {
            d >= created + Duration::days(b.value as i64) && status_at(&plan, d) != DONE
        });
        if let Some(&d) = closes {
            plan.retain(|s| s.at < d);
            plan.push(Step {
                at: d,
                status: DONE,
            });
        }
    }
    plan.retain(|s| s.at <= now);
    plan
}

fn status_at(plan: &[Step], at: DateTime<Utc>) -> &'static str {
    plan.iter()
        .take_while(|s| s.at <= at)
        .last()
        .map(|s| s.status)
        .unwrap_or(TODO)
}

fn add_ticket(
    world: &mut World,
    rng: &mut Rng,
    story: &Story,
    logins: &[&str],
    created: DateTime<Utc>,
    plan: &[Step],
    now: DateTime<Utc>,
) {
    let id = world.next_id();
    let source = world.source.clone();
    let assignee = if story.lead_share > 0.0 && rng.chance(story.lead_share) {
        logins.first().map(|s| s.to_string())
    } else {
        rng.pick(logins).map(|s| s.to_string())
    };
    let title = title(
        rng.pick(VERBS).copied().unwrap_or("Fix"),
        rng.pick(OBJECTS).copied().unwrap_or("bug"),
        id,
    );
    let mut ticket = Ticket {
        source: source.as_str().into(),
        id,
        project: story.key.into(),
        key: compact_str::format_compact!("{}-{}", story.key, world.count_in(story.key) + 1),
        title,
        status: TODO.into(),
        category: category_of(TODO),
        assignee: None,
        priority: pick_priority(rng),
        estimate: Some(pick_points(rng)),
        labels: rng
            .pick(LABELS)
            .map(|l| vec![(*l).into()])
            .unwrap_or_default(),
        created,
        updated: created,
        started: None,
        resolved: None,
        resolution: None,
        url: None,
    };
    for pair in plan.windows(2) {
        let (prev, next) = (&pair[0], &pair[1]);
        if next.status == IN_PROGRESS && ticket.assignee.is_none() {
            ticket.assignee = assignee.as_deref().map(Into::into);
            world.data.transitions.push(Transition {
                source: source.as_str().into(),
                ticket: id,
                at: next.at,
                field: Field::Assignee,
                from: None,
                to: assignee.as_deref().map(Into::into),
            });
            log_time(world, rng, &ticket, next.at, now);
        }
        world.data.transitions.push(Transition {
            source: source.as_str().into(),
            ticket: id,
            at: next.at,
            field: Field::Status,
            from: Some(prev.status.into()),
            to: Some(next.status.into()),
        });
        ticket.status = next.status.into();
        ticket.category = category_of(next.status);
        ticket.updated = next.at;
        ticket.started = ticket
            .started
            .or((next.status == IN_PROGRESS).then_some(next.at));
        ticket.resolved = (next.status == DONE).then_some(next.at);
    }
    if ticket.resolved.is_some() {
        // Some closures deliver nothing: duplicates and decisions not to do the work.
        ticket.resolution = Some(
            match rng.below(100) {
                0..=3 => "Won't Do",
                4..=6 => "Duplicate",
                _ => "Done",
            }
            .into(),
        );
    }
    if rng.chance(0.35) {
        let span = (ticket.updated - created).num_minutes().max(1) as u64;
        let at = created + Duration::minutes(rng.below(span) as i64);
        let note_id = world.next_note_id();
        world.data.notes.push(Note {
            source,
            ticket: id,
            id: note_id,
            at,
            author: ticket.assignee.as_deref().unwrap_or("triage").to_string(),
            body: rng.pick(NOTES).copied().unwrap_or("").to_string(),
        });
    }
    world.push_ticket(ticket);
}

/// A few hours logged on the first working days after work starts.
fn log_time(world: &mut World, rng: &mut Rng, t: &Ticket, from: DateTime<Utc>, now: DateTime<Utc>) {
    let Some(member) = t.assignee.clone() else {
        return;
    };
    for d in 0..(1 + rng.below(3) as i64) {
        let at = from + Duration::days(d);
        if at > now {
            break;
        }
        let at = at.with_hour(17).unwrap_or(at);
        let id = world.next_entry_id();
        world.data.time_entries.push(TimeEntry {
            source: world.source.clone(),
            ticket: t.id,
            id,
            at,
            member: member.to_string(),
            hours: 0.5 + rng.below(12) as f64 * 0.5,
            comment: String::new(),
        });
    }
}
