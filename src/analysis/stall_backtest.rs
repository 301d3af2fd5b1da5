//! Stall detection checked against what happened next: at origins every two weeks, each
//! ticket's state is rebuilt as it was then (status, category, assignee, start, last change,
//! from its history), the Stalled list is made from that past alone with the real scoring
//! (`find_stalled`, the project's flow history as known at the origin), and four weeks later
//! says whether each flag was right: a flagged ticket still not done then, or closed without
//! delivering anything, was a true stall.
//!
//! A plain baseline is scored the same way: every ticket in progress with no change for two
//! weeks, longest quiet first. Both are scored by precision at 10 and at 25 (the share of true
//! stalls among the first flags, as a lead reads the list) and the share of all flags that were
//! true, over the whole portfolio's list and over each project's own, beside the base rate (the
//! share of all work in progress at the origins that stalled: what flags picked at random would
//! score). How much earlier lookout flags a ticket than the baseline is counted at the origins,
//! so in steps of their spacing.
//!
//! Nothing at or after an origin's outcome leaks into it: the rebuilt portfolio is made only of
//! tickets created by then and changes, notes and time logged by then; a resolution, a start
//! or a done status counts only once reached. Status names map to categories through what the
//! tickets' current statuses say (a tracker's own mapping) and the caller's fallback for names
//! no ticket holds now; a name's category is a fact about the tracker, not an outcome.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use compact_str::CompactString;
use serde::Serialize;

use super::flow::days;
use super::stalled::{StallPolicy, find_stalled};
use crate::domain::{Field, Portfolio, StatusCategory, Ticket, Transition};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StallPlan {
    /// Days between origins.
    pub step_days: i64,
    /// Days after an origin at which a flag's outcome is read.
    pub horizon_days: i64,
    /// The baseline flags work in progress with no change for this many days.
    pub quiet_days: f64,
    /// Days of history before the first origin, so projects have finished work to compare with.
    pub warm_up_days: i64,
}

impl Default for StallPlan {
    fn default() -> Self {
        StallPlan {
            step_days: 14,
            horizon_days: 28,
            quiet_days: 14.0,
            warm_up_days: 90,
        }
    }
}

/// How one ranked list of flags fared, pooled over origins: each origin's first 10 and 25 flags
/// (fewer when fewer were raised) and all of them. `None` when nothing was ever flagged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    pub precision_at_10: Option<f64>,
    pub precision_at_25: Option<f64>,
    /// The share of every flag raised that was a true stall.
    pub share_true: Option<f64>,
    pub flags: usize,
    pub true_flags: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectStalls {
    pub source: String,
    pub project: String,
    #[serde(flatten)]
    pub lookout: Scores,
    pub baseline: Scores,
    pub lead_days_median: Option<f64>,
    /// Tickets flagged by both, behind the median lead.
    pub lead_tickets: usize,
    pub base_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StallReport {
    pub origins: usize,
    pub first_origin: Option<NaiveDate>,
    pub last_origin: Option<NaiveDate>,
    pub step_days: i64,
    pub horizon_days: i64,
    /// Lookout's Stalled list over the whole portfolio.
    #[serde(flatten)]
    pub lookout: Scores,
    /// "No change for 14 days", longest quiet first.
    pub baseline: Scores,
    /// For tickets both flag: the median of days from lookout's first flag to the baseline's
    /// (positive: lookout first), at the origins' spacing.
    pub lead_days_median: Option<f64>,
    pub lead_tickets: usize,
    /// The share of tickets in progress at the origins (flagged or not) that were true stalls.
    pub base_rate: Option<f64>,
    /// Tickets in progress at the origins, counted once per origin.
    pub in_progress: usize,
    pub per_project: Vec<ProjectStalls>,
}

/// Running counts behind `Scores`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Tally {
    at_10: (usize, usize),
    at_25: (usize, usize),
    all: (usize, usize),
}

impl Tally {
    /// One origin's ranked list, each flag true or not.
    fn add(&mut self, ranked: &[bool]) {
        let hits = |k: usize| ranked.iter().take(k).filter(|t| **t).count();
        self.at_10.0 += hits(10);
        self.at_10.1 += ranked.len().min(10);
        self.at_25.0 += hits(25);
        self.at_25.1 += ranked.len().min(25);
        self.all.0 += hits(ranked.len());
        self.all.1 += ranked.len();
    }

    fn scores(&self) -> Scores {
        let share = |(hit, n): (usize, usize)| (n > 0).then(|| hit as f64 / n as f64);
        Scores {
            precision_at_10: share(self.at_10),
            precision_at_25: share(self.at_25),
            share_true: share(self.all),
            flags: self.all.1,
            true_flags: self.all.0,
        }
    }
}

/// Status names to categories, as the tickets' current statuses say, else the fallback.
struct Names<'a> {
    known: HashMap<(&'a str, &'a str), StatusCategory>,
    fallback: &'a dyn Fn(&str) -> StatusCategory,
}

impl<'a> Names<'a> {
    fn learn(p: &'a Portfolio, fallback: &'a dyn Fn(&str) -> StatusCategory) -> Names<'a> {
        // A resolved ticket is done whatever its status says; the most common category of a
        // name is the tracker's mapping.
        let mut votes: HashMap<(&str, &str), [usize; 3]> = HashMap::new();
        for t in &p.tickets {
            let slot = match t.category {
                StatusCategory::Todo => 0,
                StatusCategory::InProgress => 1,
                StatusCategory::Done => 2,
            };
            votes.entry((&t.source, &t.status)).or_default()[slot] += 1;
        }
        let known = votes
            .into_iter()
            .map(|(k, v)| {
                let best = (0..3).max_by_key(|&i| (v[i], i)).unwrap_or(1);
                let category = [
                    StatusCategory::Todo,
                    StatusCategory::InProgress,
                    StatusCategory::Done,
                ][best];
                (k, category)
            })
            .collect();
        Names { known, fallback }
    }

    fn category(&self, source: &str, status: &str) -> StatusCategory {
        self.known
            .get(&(source, status))
            .copied()
            .unwrap_or_else(|| (self.fallback)(status))
    }
}

/// A ticket's status and category at `at`, from its history (oldest first) as known then.
fn state_at(
    t: &Ticket,
    history: &[Transition],
    names: &Names<'_>,
    at: DateTime<Utc>,
) -> (CompactString, StatusCategory) {
    let mut before = None;
    let mut after = None;
    for m in history.iter().filter(|m| m.field == Field::Status) {
        if m.at <= at {
            before = Some(m);
        } else {
            after = Some(m);
            break;
        }
    }
    // The last move by then says where it was; else the next move's `from` (where it sat until
    // then); a first value recorded later says nothing about before it.
    let name = match (before, after) {
        (Some(m), _) => m.to.as_deref(),
        (None, Some(m)) => m.from.as_deref(),
        (None, None) => None,
    };
    if let Some(name) = name {
        return (name.into(), names.category(&t.source, name));
    }
    // No history to say: the dates do.
    if t.category == StatusCategory::Done && t.resolved.is_some_and(|r| r <= at) {
        (t.status.clone(), StatusCategory::Done)
    } else if t.started.is_some_and(|s| s <= at) {
        ("In Progress".into(), StatusCategory::InProgress)
    } else {
        ("To Do".into(), StatusCategory::Todo)
    }
}

/// The portfolio as it was at `at`, and each of its tickets' position in `p`.
fn as_of(
    p: &Portfolio,
    histories: &crate::domain::Histories<'_>,
    names: &Names<'_>,
    at: DateTime<Utc>,
) -> (Portfolio, Vec<usize>) {
    let mut past = Portfolio {
        projects: p.projects.clone(),
        members: p.members.clone(),
        ..Portfolio::default()
    };
    let mut index = Vec::new();
    for (i, t) in p.tickets.iter().enumerate() {
        if t.created > at {
            continue;
        }
        let h = histories.of(i);
        let known = &h[..h.partition_point(|m| m.at <= at)];
        let (status, category) = state_at(t, h, names, at);
        let moves = || known.iter().filter(|m| m.field == Field::Status);
        let into = |c: StatusCategory| {
            move |m: &&Transition| {
                m.to.as_deref()
                    .is_some_and(|s| names.category(&t.source, s) == c)
            }
        };
        let started = t.started.filter(|s| *s <= at).or_else(|| {
            moves()
                .find(|m| {
                    m.to.as_deref()
                        .is_some_and(|s| names.category(&t.source, s) != StatusCategory::Todo)
                })
                .map(|m| m.at)
        });
        let done = category == StatusCategory::Done;
        let resolved = done.then(|| {
            t.resolved
                .filter(|r| *r <= at)
                .or_else(|| moves().rfind(into(StatusCategory::Done)).map(|m| m.at))
                .unwrap_or(t.created)
        });
        let assignee = match (
            known.iter().rev().find(|m| m.field == Field::Assignee),
            h[known.len()..].iter().find(|m| m.field == Field::Assignee),
        ) {
            (Some(m), _) => m.to.as_deref().map(Into::into),
            (None, Some(m)) => m.from.as_deref().map(Into::into),
            // No history of it: it never changed.
            (None, None) => t.assignee.clone(),
        };
        let mut ticket = Ticket {
            status,
            category,
            assignee,
            updated: known.last().map_or(t.created, |m| m.at.max(t.created)),
            started,
            resolved,
            resolution: if done { t.resolution.clone() } else { None },
            ..t.clone()
        };
        ticket.keep_work_in_order();
        past.tickets.push(ticket);
        past.transitions.extend(known.iter().cloned());
        index.push(i);
    }
    past.notes = p.notes.iter().filter(|n| n.at <= at).cloned().collect();
    past.time_entries = p
        .time_entries
        .iter()
        .filter(|e| e.at <= at)
        .cloned()
        .collect();
    (past, index)
}

/// One origin's two ranked lists, as positions in the portfolio's tickets.
#[derive(Debug, Clone, PartialEq)]
struct Flags {
    lookout: Vec<usize>,
    baseline: Vec<usize>,
    /// Every ticket in progress then, flagged or not.
    in_progress: Vec<usize>,
}

fn flags_at(
    p: &Portfolio,
    histories: &crate::domain::Histories<'_>,
    names: &Names<'_>,
    at: DateTime<Utc>,
    plan: &StallPlan,
    policy: &StallPolicy,
) -> Flags {
    let (past, index) = as_of(p, histories, names, at);
    let position: HashMap<(&str, u64), usize> = past
        .tickets
        .iter()
        .zip(&index)
        .map(|(t, &i)| ((t.source.as_str(), t.id), i))
        .collect();
    let lookout = find_stalled(&past, at, policy)
        .iter()
        .filter_map(|s| position.get(&(s.source.as_str(), s.id)).copied())
        .collect();
    let past_histories = past.histories();
    let in_progress: Vec<usize> = past
        .tickets
        .iter()
        .enumerate()
        .filter(|(_, t)| t.category == StatusCategory::InProgress)
        .map(|(j, _)| j)
        .collect();
    let mut quiet: Vec<(f64, usize)> = in_progress
        .iter()
        .map(|&j| (j, &past.tickets[j]))
        .filter_map(|(j, t)| {
            let last = past_histories
                .of(j)
                .last()
                .map_or(t.created, |m| m.at.max(t.created));
            let q = days(at - last);
            (q >= plan.quiet_days).then_some((q, index[j]))
        })
        .collect();
    quiet.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| p.tickets[a.1].key.cmp(&p.tickets[b.1].key))
    });
    Flags {
        lookout,
        baseline: quiet.into_iter().map(|(_, i)| i).collect(),
        in_progress: in_progress.into_iter().map(|j| index[j]).collect(),
    }
}

/// Whether ticket `i`, flagged at an origin, was a true stall at `outcome`: not done by then,
/// or done without delivering.
fn true_stall(
    p: &Portfolio,
    histories: &crate::domain::Histories<'_>,
    names: &Names<'_>,
    i: usize,
    outcome: DateTime<Utc>,
) -> bool {
    let t = &p.tickets[i];
    let (_, category) = state_at(t, histories.of(i), names, outcome);
    category != StatusCategory::Done || t.closed_without_the_work()
}

/// The data's first and last instants: the first creation, and the latest thing recorded.
fn span(p: &Portfolio) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = p.tickets.iter().map(|t| t.created).min()?;
    let end = p
        .tickets
        .iter()
        .flat_map(|t| [Some(t.created), Some(t.updated), t.resolved])
        .flatten()
        .chain(p.transitions.iter().map(|m| m.at))
        .chain(p.notes.iter().map(|n| n.at))
        .chain(p.time_entries.iter().map(|e| e.at))
        .max()?;
    Some((start, end))
}

/// Origins at midnight UTC, every `step_days` after the warm-up, while their outcome is known.
fn origins(p: &Portfolio, plan: &StallPlan) -> Vec<DateTime<Utc>> {
    let Some((start, end)) = span(p) else {
        return Vec::new();
    };
    let first = start
        .date_naive()
        .and_time(chrono::NaiveTime::MIN)
        .and_utc()
        + Duration::days(plan.warm_up_days);
    let step = Duration::days(plan.step_days.max(1));
    let horizon = Duration::days(plan.horizon_days);
    std::iter::successors(Some(first), |o| Some(*o + step))
        .take_while(|o| *o + horizon <= end)
        .collect()
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    })
}

/// Per ticket, the first origin each list flagged it at.
#[derive(Default)]
struct FirstFlags {
    lookout: HashMap<usize, DateTime<Utc>>,
    baseline: HashMap<usize, DateTime<Utc>>,
}

impl FirstFlags {
    /// Days from lookout's first flag to the baseline's, for tickets both flagged and `keep`.
    fn leads(&self, keep: impl Fn(usize) -> bool) -> Vec<f64> {
        self.lookout
            .iter()
            .filter(|(i, _)| keep(**i))
            .filter_map(|(i, l)| self.baseline.get(i).map(|b| days(*b - *l)))
            .collect()
    }
}

/// Runs the check over every origin of `p`. `fallback` gives the category of a status name
/// that no ticket holds now.
pub fn run(
    p: &Portfolio,
    fallback: &dyn Fn(&str) -> StatusCategory,
    plan: &StallPlan,
    policy: &StallPolicy,
) -> StallReport {
    let histories = p.histories();
    let names = Names::learn(p, fallback);
    let origins = origins(p, plan);
    let mut pooled = (Tally::default(), Tally::default(), Tally::default());
    let mut projects: BTreeMap<(&str, &str), (Tally, Tally, Tally)> = BTreeMap::new();
    let mut first = FirstFlags::default();
    for &o in &origins {
        let flags = flags_at(p, &histories, &names, o, plan, policy);
        let outcome = o + Duration::days(plan.horizon_days);
        // Every flag of either list is a ticket in progress then.
        let truth: HashMap<usize, bool> = flags
            .in_progress
            .iter()
            .map(|&i| (i, true_stall(p, &histories, &names, i, outcome)))
            .collect();
        let judged = |list: &[usize]| list.iter().map(|i| truth[i]).collect::<Vec<bool>>();
        pooled.0.add(&judged(&flags.lookout));
        pooled.1.add(&judged(&flags.baseline));
        pooled.2.add(&judged(&flags.in_progress));
        let key = |i: usize| (p.tickets[i].source.as_str(), p.tickets[i].project.as_str());
        let mut by_project: BTreeMap<(&str, &str), [Vec<bool>; 3]> = BTreeMap::new();
        for &i in &flags.lookout {
            by_project.entry(key(i)).or_default()[0].push(truth[&i]);
            first.lookout.entry(i).or_insert(o);
        }
        for &i in &flags.baseline {
            by_project.entry(key(i)).or_default()[1].push(truth[&i]);
            first.baseline.entry(i).or_insert(o);
        }
        for &i in &flags.in_progress {
            by_project.entry(key(i)).or_default()[2].push(truth[&i]);
        }
        for (k, [l, b, all]) in by_project {
            let slot = projects.entry(k).or_default();
            slot.0.add(&l);
            slot.1.add(&b);
            slot.2.add(&all);
        }
    }
    let all_leads = first.leads(|_| true);
    let per_project = projects
        .into_iter()
        .map(|((source, project), (l, b, all))| {
            let leads =
                first.leads(|i| p.tickets[i].source == source && p.tickets[i].project == project);
            ProjectStalls {
                source: source.to_string(),
                project: project.to_string(),
                lookout: l.scores(),
                baseline: b.scores(),
                lead_tickets: leads.len(),
                lead_days_median: median(leads),
                base_rate: all.scores().share_true,
            }
        })
        .collect();
    StallReport {
        origins: origins.len(),
        first_origin: origins.first().map(|o| o.date_naive()),
        last_origin: origins.last().map(|o| o.date_naive()),
        step_days: plan.step_days,
        horizon_days: plan.horizon_days,
        lookout: pooled.0.scores(),
        baseline: pooled.1.scores(),
        lead_tickets: all_leads.len(),
        lead_days_median: median(all_leads),
        base_rate: pooled.2.scores().share_true,
        in_progress: pooled.2.scores().flags,
        per_project,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Note;
    use chrono::TimeZone;

    fn at(day: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("valid")
            + Duration::days(day)
    }

    fn moved(id: u64, day: i64, from: &str, to: &str) -> Transition {
        Transition {
            source: "s".into(),
            ticket: id,
            at: at(day),
            field: Field::Status,
            from: Some(from.into()),
            to: Some(to.into()),
        }
    }

    fn fallback(name: &str) -> StatusCategory {
        match name {
            "To Do" => StatusCategory::Todo,
            "Done" => StatusCategory::Done,
            _ => StatusCategory::InProgress,
        }
    }

    /// A ticket created on day 0 that moved into progress on `start` and, if `done` says so,
    /// to Done (with that resolution) on that day. Its fields say what it is at the end.
    fn add(p: &mut Portfolio, id: u64, start: i64, done: Option<(i64, &str)>) {
        let mut t = Ticket {
            started: Some(at(start)),
            status: "In Progress".into(),
            category: StatusCategory::InProgress,
            ..Ticket::stub(id, at(0))
        };
        p.transitions.push(moved(id, start, "To Do", "In Progress"));
        if let Some((day, resolution)) = done {
            t.status = "Done".into();
            t.category = StatusCategory::Done;
            t.resolved = Some(at(day));
            t.resolution = Some(resolution.into());
            t.updated = at(day);
            p.transitions.push(moved(id, day, "In Progress", "Done"));
        } else {
            t.updated = at(start);
        }
        p.tickets.push(t);
    }

    /// Twenty tickets done in five days each (days 1 to 25): the project's yardstick. Then, at
    /// the one origin (day 90 after a 90-day warm-up, data to day 130):
    /// 101 in progress since day 10, still open at the outcome: both flag it, truly;
    /// 102 in progress since day 84, done on day 100: lookout flags it (six days in progress
    ///     against five), falsely; the baseline does not (quiet for six days);
    /// 103 in progress since day 70, done and delivered on day 95: both flag it, falsely;
    /// 104 in progress since day 74, closed as a duplicate on day 110: both flag it, truly;
    /// 105 in progress since day 89: nobody flags it.
    fn one_origin() -> Portfolio {
        let mut p = Portfolio::default();
        for id in 1..=20 {
            add(&mut p, id, id as i64, Some((id as i64 + 5, "Fixed")));
        }
        add(&mut p, 101, 10, None);
        add(&mut p, 102, 84, Some((100, "Fixed")));
        add(&mut p, 103, 70, Some((95, "Fixed")));
        add(&mut p, 104, 74, Some((110, "Duplicate")));
        add(&mut p, 105, 89, None);
        // Data runs to day 130: one origin (day 90) has its outcome, day 104's has not.
        let mut late = Ticket::stub(200, at(130));
        late.project = "Q".into();
        p.tickets.push(late);
        p
    }

    fn ids(p: &Portfolio, list: &[usize]) -> Vec<u64> {
        list.iter().map(|&i| p.tickets[i].id).collect()
    }

    #[test]
    fn precision_counts_the_first_flags_and_all_of_them() {
        let mut t = Tally::default();
        let mut ranked = vec![true; 5];
        ranked.extend([false; 10]);
        ranked.extend([true; 15]);
        t.add(&ranked);
        t.add(&[false, true]);
        let s = t.scores();
        assert_eq!(s.precision_at_10, Some(6.0 / 12.0));
        assert_eq!(s.precision_at_25, Some(16.0 / 27.0));
        assert_eq!(s.share_true, Some(21.0 / 32.0));
        assert_eq!((s.flags, s.true_flags), (32, 21));
        assert_eq!(Tally::default().scores().precision_at_10, None);
    }

    #[test]
    fn a_hand_made_history_scores_as_counted_by_hand() {
        let p = one_origin();
        let plan = StallPlan::default();
        let r = run(&p, &fallback, &plan, &StallPolicy::default());
        assert_eq!(r.origins, 1, "{r:?}");
        assert_eq!(r.first_origin, Some(at(90).date_naive()));
        let histories = p.histories();
        let f = fallback;
        let names = Names::learn(&p, &f);
        let flags = flags_at(
            &p,
            &histories,
            &names,
            at(90),
            &plan,
            &StallPolicy::default(),
        );
        let mut flagged = ids(&p, &flags.lookout);
        flagged.sort();
        assert_eq!(flagged, vec![101, 102, 103, 104]);
        assert_eq!(
            ids(&p, &flags.baseline),
            vec![101, 103, 104],
            "longest quiet first"
        );
        assert_eq!(r.lookout.precision_at_10, Some(0.5));
        assert_eq!(r.lookout.share_true, Some(0.5));
        assert_eq!((r.lookout.flags, r.lookout.true_flags), (4, 2));
        assert_eq!(r.baseline.precision_at_10, Some(2.0 / 3.0));
        assert_eq!(r.baseline.precision_at_25, Some(2.0 / 3.0));
        assert_eq!(
            r.lead_days_median,
            Some(0.0),
            "one origin: flagged together"
        );
        assert_eq!(r.lead_tickets, 3);
        assert_eq!(r.in_progress, 5);
        assert_eq!(
            r.base_rate,
            Some(0.6),
            "101, 104 and 105 (unflagged) of 101 to 105"
        );
        assert_eq!(r.per_project.len(), 1);
        assert_eq!(r.per_project[0].project, "P");
        assert_eq!(r.per_project[0].lookout, r.lookout);
    }

    #[test]
    fn the_lead_is_how_much_earlier_lookout_flagged_than_the_baseline() {
        let mut p = one_origin();
        // Data to day 144: origins on days 90 and 104. Ticket 102, in progress since day 84
        // and now done on day 140, is flagged by lookout on day 90 and by the baseline on
        // day 104 (quiet for 20 days).
        p.tickets.retain(|t| t.id != 102);
        p.transitions.retain(|m| m.ticket != 102);
        add(&mut p, 102, 84, Some((140, "Fixed")));
        p.tickets.iter_mut().for_each(|t| {
            if t.id == 200 {
                t.created = at(144);
                t.updated = at(144);
            }
        });
        let r = run(
            &p,
            &fallback,
            &StallPlan::default(),
            &StallPolicy::default(),
        );
        assert_eq!(r.origins, 2);
        let histories = p.histories();
        let f = fallback;
        let names = Names::learn(&p, &f);
        let plan = StallPlan::default();
        let policy = StallPolicy::default();
        let first = flags_at(&p, &histories, &names, at(90), &plan, &policy);
        let second = flags_at(&p, &histories, &names, at(104), &plan, &policy);
        assert!(ids(&p, &first.lookout).contains(&102));
        assert!(!ids(&p, &first.baseline).contains(&102));
        assert!(ids(&p, &second.baseline).contains(&102));
        // 101, 103 and 104 were flagged by both on day 90, 105 by both on day 104; 102 by
        // lookout fourteen days earlier.
        assert_eq!(r.lead_tickets, 5);
        assert_eq!(r.lead_days_median, Some(0.0));
        let mut leads = FirstFlags::default();
        leads.lookout.insert(1, at(90));
        leads.baseline.insert(1, at(104));
        leads.lookout.insert(2, at(90));
        leads.baseline.insert(2, at(118));
        assert_eq!(median(leads.leads(|_| true)), Some(21.0));
    }

    #[test]
    fn nothing_after_an_origin_changes_what_is_flagged_at_it() {
        let plan = StallPlan::default();
        let policy = StallPolicy::default();
        let base = one_origin();
        let origin = at(90);
        let flagged = |p: &Portfolio| {
            let histories = p.histories();
            let f = fallback;
            let names = Names::learn(p, &f);
            let flags = flags_at(p, &histories, &names, origin, &plan, &policy);
            let (past, _) = as_of(p, &histories, &names, origin);
            let scored: Vec<(u64, f64)> = find_stalled(&past, origin, &policy)
                .iter()
                .map(|s| (s.id, s.ratio))
                .collect();
            (ids(p, &flags.lookout), ids(p, &flags.baseline), scored)
        };
        let before = flagged(&base);
        assert!(!before.0.is_empty() && !before.1.is_empty());

        let mut changed = base.clone();
        // Every open ticket resolves after the origin, some without delivering; every done
        // one changes its resolution; every later move is moved, and a few are added.
        for t in changed.tickets.iter_mut() {
            if t.is_open() {
                t.status = "Done".into();
                t.category = StatusCategory::Done;
                t.resolved = Some(at(95));
                t.resolution = Some("Won't Fix".into());
                changed
                    .transitions
                    .push(moved(t.id, 95, "In Progress", "Done"));
            } else if t.resolved.is_some_and(|r| r > origin) {
                t.resolution = Some("Duplicate".into());
                t.resolved = Some(at(99));
            }
            if t.started.is_some_and(|s| s > origin) {
                t.started = Some(at(120));
            }
        }
        for m in changed.transitions.iter_mut() {
            if m.at > origin {
                m.at += Duration::days(3);
            }
        }
        changed.transitions.push(Transition {
            field: Field::Assignee,
            from: None,
            to: Some("ana".into()),
            ..moved(101, 91, "", "")
        });
        changed
            .transitions
            .push(moved(101, 92, "In Progress", "Blocked"));
        // New tickets after the origin, done fast, would change the project's yardsticks.
        for id in 300..330 {
            let mut t = Ticket {
                started: Some(at(100)),
                resolved: Some(at(101)),
                status: "Done".into(),
                category: StatusCategory::Done,
                ..Ticket::stub(id, at(99))
            };
            t.updated = at(101);
            changed.tickets.push(t);
            changed
                .transitions
                .push(moved(id, 100, "To Do", "In Progress"));
            changed
                .transitions
                .push(moved(id, 101, "In Progress", "Done"));
        }
        changed.notes.push(Note {
            source: "s".into(),
            ticket: 101,
            id: 1,
            at: at(91),
            author: "a".into(),
            body: String::new(),
        });
        assert_eq!(flagged(&changed), before);
        // And the check can fail: a move before the origin is seen.
        let mut seen = base.clone();
        seen.transitions
            .push(moved(101, 88, "In Progress", "In Review"));
        assert_ne!(flagged(&seen), before);
    }
}
