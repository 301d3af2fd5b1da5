//! The rule advisor, kind by kind, on a hand-built project whose numbers are known: each
//! suggestion appears with its evidence (values and baselines) and does not appear without
//! it. Then determinism, fingerprints under clock drift, and the demo portfolio.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use lookout::advisor::rules::suggest;
use lookout::analysis::{StallPolicy, analyse};
use lookout::domain::{
    Change, Evidence, Field, Kind, Member, Portfolio, Priority, Project, Signal, StatusCategory,
    Subject, Suggestion, SuggestionState, Ticket, Transition, Unit,
};
use lookout::sources::demo::generate;

fn at(day: f64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("valid date")
        + Duration::seconds((day * 86_400.0) as i64)
}

const NOW: f64 = 100.0;

fn ticket(id: u64, status: &str, category: StatusCategory) -> Ticket {
    Ticket {
        source: "s".into(),
        id,
        project: "P".into(),
        key: format!("P-{id}").into(),
        title: format!("Task {id} alpha{id} beta{id}"),
        status: status.into(),
        category,
        assignee: None,
        priority: Priority::Medium,
        estimate: Some(3.0),
        labels: vec!["backend".into()],
        created: at(1.0),
        updated: at(1.0),
        started: None,
        resolved: None,
        resolution: None,
        url: None,
    }
}

fn moved(id: u64, day: f64, from: &str, to: &str) -> Transition {
    Transition {
        source: "s".into(),
        ticket: id,
        at: at(day),
        field: Field::Status,
        from: Some(from.into()),
        to: Some(to.into()),
    }
}

fn member(login: &str, name: &str) -> Member {
    Member {
        source: "s".into(),
        project: "P".into(),
        login: login.into(),
        display_name: name.into(),
    }
}

/// Project P: 40 tickets delivered at a steady pace (one every two days from day 17 to day
/// 95), each four days in progress and one in review, by Ann and Bob in turn; Ann, Bob and
/// Cy are its members.
fn base() -> Portfolio {
    let mut p = Portfolio {
        projects: vec![Project {
            source: "s".into(),
            key: "P".into(),
            name: "Payments".into(),
            description: String::new(),
            created: at(0.0),
            url: None,
            target: None,
        }],
        members: vec![
            member("ann", "Ann"),
            member("bob", "Bob"),
            member("cy", "Cy"),
        ],
        ..Portfolio::default()
    };
    for id in 1..=40u64 {
        let start = 10.0 + 2.0 * id as f64;
        p.tickets.push(Ticket {
            assignee: Some(if id % 2 == 0 { "Ann" } else { "Bob" }.into()),
            created: at(start),
            updated: at(start + 5.0),
            started: Some(at(start)),
            resolved: Some(at(start + 5.0)),
            resolution: Some("Done".into()),
            ..ticket(id, "Done", StatusCategory::Done)
        });
        p.transitions.extend([
            moved(id, start, "To Do", "In Progress"),
            moved(id, start + 4.0, "In Progress", "In Review"),
            moved(id, start + 5.0, "In Review", "Done"),
        ]);
    }
    p
}

/// An in-progress ticket of `who`, started on `day` and in `status` since `since`.
fn working(p: &mut Portfolio, id: u64, who: &str, status: &str, day: f64, since: f64) {
    p.tickets.push(Ticket {
        assignee: Some(who.into()),
        started: Some(at(day)),
        updated: at(since),
        ..ticket(id, status, StatusCategory::InProgress)
    });
    p.transitions.push(moved(id, day, "To Do", "In Progress"));
    if since > day {
        p.transitions.push(moved(id, since, "In Progress", status));
    }
}

fn run_at(p: &Portfolio, now: f64) -> Vec<Suggestion> {
    let a = analyse(p, &[], at(now), &StallPolicy::default());
    suggest(p, &a, &p.members, at(now))
}

fn run(p: &Portfolio) -> Vec<Suggestion> {
    run_at(p, NOW)
}

fn of(s: &[Suggestion], kind: Kind) -> Vec<&Suggestion> {
    s.iter().filter(|x| x.kind == kind).collect()
}

fn the(s: &[Suggestion], id: &str) -> Suggestion {
    s.iter().find(|x| x.id == id).cloned().unwrap_or_else(|| {
        panic!(
            "no {id} in {:?}",
            s.iter().map(|x| &x.id).collect::<Vec<_>>()
        )
    })
}

fn ev(signal: Signal, value: f64, baseline: Option<f64>, unit: Unit) -> Evidence {
    Evidence {
        signal,
        value,
        baseline,
        unit,
    }
}

fn change(s: &Suggestion) -> Change {
    s.proposal
        .as_ref()
        .map(|p| p.action.change.clone())
        .expect("a proposal")
}

#[test]
fn reassign_a_stall_to_a_member_with_less_work_who_did_similar_work() {
    let mut p = base();
    working(&mut p, 100, "Ann", "In Progress", 80.0, 80.0);
    working(&mut p, 101, "Ann", "In Progress", 99.0, 99.0);
    working(&mut p, 102, "Ann", "In Progress", 99.0, 99.0);
    let s = the(&run(&p), "reassign:s:100");
    let in_progress = Signal::InStatus {
        status: "In Progress".into(),
    };
    let wip = |m: &str| Signal::Wip { member: m.into() };
    assert_eq!(
        s.evidence,
        vec![
            ev(in_progress, 20.0, Some(4.0), Unit::Days),
            ev(wip("Ann"), 3.0, Some(3.0), Unit::Count),
            ev(wip("Bob"), 0.0, Some(3.0), Unit::Count),
        ]
    );
    let proposal = s.proposal.clone().expect("a proposal");
    assert_eq!(
        proposal.action.change,
        Change::Assign {
            login: "bob".into()
        }
    );
    assert!(
        proposal.alternatives.is_empty(),
        "Cy delivered nothing here"
    );
    assert_eq!(proposal.seen.assignee.as_deref(), Some("Ann"));
    assert_eq!(s.state, SuggestionState::Pending);
    assert!(s.rationale.contains("stalled with Ann"), "{}", s.rationale);

    // Bob holding as much as Ann: nobody with less work to offer it to.
    let mut busy = p.clone();
    for id in 110..113 {
        working(&mut busy, id, "Bob", "In Progress", 99.0, 99.0);
    }
    assert!(of(&run(&busy), Kind::Reassign).is_empty());
    // Without a member record for Bob, there is no login to assign to.
    let mut unknown = p.clone();
    unknown.members.retain(|m| m.login != "bob");
    assert!(of(&run(&unknown), Kind::Reassign).is_empty());
}

#[test]
fn nudge_a_reviewer_past_the_p85_dwell_in_review() {
    let mut p = base();
    working(&mut p, 200, "Ann", "In Review", 88.0, 90.0);
    let s = the(&run(&p), "nudge_reviewer:s:200");
    let review = Signal::InStatus {
        status: "In Review".into(),
    };
    assert_eq!(s.evidence, vec![ev(review, 10.0, Some(1.0), Unit::Days)]);
    match change(&s) {
        Change::Comment { body } => assert!(body.contains("In Review for 10d"), "{body}"),
        other => panic!("{other:?}"),
    }
    let mut fresh = base();
    working(&mut fresh, 200, "Ann", "In Review", 99.0, 99.6);
    assert!(of(&run(&fresh), Kind::NudgeReviewer).is_empty());
}

#[test]
fn ask_for_information_when_blocked_or_silent_for_long() {
    let mut p = base();
    working(&mut p, 300, "Ann", "Blocked", 88.0, 90.0);
    working(&mut p, 301, "Bob", "In Progress", 60.0, 60.0);
    let s = run(&p);
    let blocked = the(&s, "ask_info:s:300");
    let status = Signal::Blocked {
        status: "Blocked".into(),
    };
    assert_eq!(
        blocked.evidence,
        vec![ev(status, 10.0, Some(7.0), Unit::Days)]
    );
    let quiet = the(&s, "ask_info:s:301");
    assert_eq!(
        quiet.evidence,
        vec![ev(Signal::Inactive, 40.0, Some(14.0), Unit::Days)]
    );
    match change(&quiet) {
        Change::Comment { body } => assert!(body.contains("for 40d"), "{body}"),
        other => panic!("{other:?}"),
    }
    let mut short = base();
    working(&mut short, 300, "Ann", "Blocked", 94.0, 95.0);
    working(&mut short, 301, "Bob", "In Progress", 80.0, 80.0);
    assert!(of(&run(&short), Kind::AskInfo).is_empty());
}

#[test]
fn split_work_far_beyond_the_p90_cycle_time_or_estimate() {
    let mut p = base();
    working(&mut p, 400, "Ann", "In Progress", 70.0, 99.0);
    p.tickets.push(Ticket {
        estimate: Some(40.0),
        ..ticket(401, "To Do", StatusCategory::Todo)
    });
    let s = run(&p);
    assert_eq!(
        the(&s, "split:s:400").evidence,
        vec![ev(Signal::LongRunning, 30.0, Some(5.0), Unit::Days)]
    );
    assert_eq!(
        the(&s, "split:s:401").evidence,
        vec![ev(Signal::Estimate, 40.0, Some(3.0), Unit::Points)]
    );
    let mut small = base();
    working(&mut small, 400, "Ann", "In Progress", 95.0, 99.0);
    small
        .tickets
        .push(ticket(401, "To Do", StatusCategory::Todo));
    assert!(of(&run(&small), Kind::Split).is_empty());
}

#[test]
fn close_a_duplicate_title_into_the_projects_done_status() {
    let mut p = base();
    let open = |id, title: &str, day| Ticket {
        title: title.into(),
        created: at(day),
        updated: at(day),
        ..ticket(id, "To Do", StatusCategory::Todo)
    };
    p.tickets
        .push(open(500, "Invoice export drops the last row", 60.0));
    p.tickets
        .push(open(501, "invoice export: drops last row", 62.0));
    let s = the(&run(&p), "close_duplicate:s:501:500");
    let like = Signal::Similarity {
        other: "P-500".into(),
    };
    assert_eq!(s.evidence, vec![ev(like, 1.0, Some(0.8), Unit::Share)]);
    assert_eq!(
        change(&s),
        Change::Transition {
            status: "Done".into()
        }
    );
    assert!(matches!(&s.related, Some(Subject::Ticket { id: 500, .. })));

    let mut other = base();
    other
        .tickets
        .push(open(500, "Invoice export drops the last row", 60.0));
    other
        .tickets
        .push(open(501, "Invoice export drops the first row", 62.0));
    assert!(of(&run(&other), Kind::CloseDuplicate).is_empty());
}

#[test]
fn a_duplicate_in_a_project_without_done_work_is_commented_on() {
    let mut p = base();
    p.tickets.retain(|t| t.is_open());
    p.transitions.clear();
    for (id, day) in [(500, 60.0), (501, 62.0)] {
        p.tickets.push(Ticket {
            title: "Webhook signature check fails".into(),
            created: at(day),
            ..ticket(id, "To Do", StatusCategory::Todo)
        });
    }
    let s = the(&run(&p), "close_duplicate:s:501:500");
    match change(&s) {
        Change::Comment { body } => assert!(body.contains("duplicate of P-500"), "{body}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn rebalance_when_one_person_holds_far_more_than_the_median() {
    let mut p = base();
    for id in 600..606 {
        working(&mut p, id, "Ann", "In Progress", 99.0, 99.0);
    }
    working(&mut p, 610, "Bob", "In Progress", 99.0, 99.0);
    working(&mut p, 611, "Cy", "In Progress", 99.0, 99.0);
    let s = the(&run(&p), "rebalance:s:P");
    let ann = Signal::Wip {
        member: "Ann".into(),
    };
    assert_eq!(s.evidence, vec![ev(ann, 6.0, Some(1.0), Unit::Count)]);
    assert!(s.proposal.is_none(), "advisory");

    let mut even = base();
    for id in 600..603 {
        working(&mut even, id, "Ann", "In Progress", 99.0, 99.0);
    }
    working(&mut even, 610, "Bob", "In Progress", 99.0, 99.0);
    working(&mut even, 611, "Cy", "In Progress", 99.0, 99.0);
    assert!(of(&run(&even), Kind::Rebalance).is_empty());
}

#[test]
fn flag_a_project_whose_target_date_has_little_chance() {
    let target = |p: &mut Portfolio, d: NaiveDate| p.projects[0].target = Some(d);
    let mut p = base();
    for id in 700..730 {
        p.tickets.push(ticket(id, "To Do", StatusCategory::Todo));
    }
    target(&mut p, at(NOW + 2.0).date_naive());
    let s = the(&run(&p), "flag_risk:s:P");
    assert_eq!(s.evidence.len(), 1, "{:?}", s.evidence);
    assert_eq!(s.evidence[0].signal, Signal::TargetChance);
    assert!(s.evidence[0].value < 0.5, "{:?}", s.evidence);
    assert_eq!(s.evidence[0].baseline, Some(0.85));
    assert!(s.proposal.is_none(), "advisory");

    let mut far = p.clone();
    target(&mut far, at(NOW + 400.0).date_naive());
    assert!(of(&run(&far), Kind::FlagRisk).is_empty());
}

#[test]
fn flag_a_project_whose_delivery_dropped() {
    let mut p = base();
    // Nothing delivered in the last four weeks: the last twelve tickets are still open.
    p.tickets.retain(|t| t.id <= 28);
    p.transitions.retain(|t| t.ticket <= 28);
    let s = the(&run(&p), "flag_risk:s:P");
    assert_eq!(s.evidence.len(), 1, "{:?}", s.evidence);
    let e = &s.evidence[0];
    assert_eq!(
        (&e.signal, e.value, e.unit),
        (&Signal::Throughput, 0.0, Unit::PerWeek)
    );
    assert!(e.baseline.is_some_and(|b| b >= 1.0), "{e:?}");
    assert!(of(&run(&base()), Kind::FlagRisk).is_empty());
}

#[test]
fn raise_the_priority_of_a_ticket_that_keeps_coming_back() {
    let mut p = base();
    working(&mut p, 800, "Ann", "In Progress", 80.0, 80.0);
    p.transitions.extend([
        moved(800, 84.0, "In Progress", "Done"),
        moved(800, 85.0, "Done", "In Progress"),
        moved(800, 90.0, "In Progress", "Done"),
        moved(800, 91.0, "Done", "In Progress"),
    ]);
    let s = the(&run(&p), "raise_priority:s:800");
    assert_eq!(
        s.evidence,
        vec![ev(Signal::Reopened, 2.0, Some(2.0), Unit::Count)]
    );
    let proposal = s.proposal.clone().expect("a proposal");
    assert_eq!(
        proposal.action.change,
        Change::SetPriority {
            priority: "High".into()
        }
    );
    assert_eq!(
        proposal.alternatives,
        vec![Change::SetPriority {
            priority: "Highest".into()
        }]
    );
    let mut once = base();
    working(&mut once, 800, "Ann", "In Progress", 80.0, 80.0);
    once.transitions.extend([
        moved(800, 84.0, "In Progress", "Done"),
        moved(800, 91.0, "Done", "In Progress"),
    ]);
    assert!(of(&run(&once), Kind::RaisePriority).is_empty());
}

#[test]
fn lower_the_priority_of_idle_work_behind_plenty_of_more_important_work() {
    let mut p = base();
    for id in 900..930 {
        p.tickets.push(Ticket {
            priority: Priority::High,
            created: at(95.0),
            updated: at(95.0),
            ..ticket(id, "To Do", StatusCategory::Todo)
        });
    }
    let mut with_idle = p.clone();
    with_idle
        .tickets
        .push(ticket(950, "To Do", StatusCategory::Todo));
    let s = run(&with_idle);
    let lower = the(&s, "lower_priority:s:950");
    let delivered = lower.evidence[1].baseline.expect("a baseline");
    assert_eq!(
        lower.evidence,
        vec![
            ev(Signal::Inactive, 99.0, Some(90.0), Unit::Days),
            ev(
                Signal::Backlog {
                    above: "Medium".into()
                },
                30.0,
                Some(delivered),
                Unit::Count
            ),
        ]
    );
    assert_eq!(
        delivered, 12.0,
        "one every two days in the four whole weeks to yesterday"
    );
    assert_eq!(
        change(&lower),
        Change::SetPriority {
            priority: "Low".into()
        }
    );
    let mut recent = p.clone();
    recent.tickets.push(Ticket {
        updated: at(50.0),
        ..ticket(950, "To Do", StatusCategory::Todo)
    });
    assert!(of(&run(&recent), Kind::LowerPriority).is_empty());
}

#[test]
fn same_input_same_ids_order_and_fingerprints() {
    let p = demo();
    let a = analyse(&p, &[], demo_now(), &StallPolicy::default());
    let first = suggest(&p, &a, &p.members, demo_now());
    let again = suggest(&p, &a, &p.members, demo_now());
    assert_eq!(first, again);
    let mut reversed = p.clone();
    reversed.tickets.reverse();
    let mut members = p.members.clone();
    members.reverse();
    let b = analyse(&reversed, &[], demo_now(), &StallPolicy::default());
    let other = suggest(&reversed, &b, &members, demo_now());
    let key = |s: &[Suggestion]| {
        s.iter()
            .map(|x| (x.id.clone(), x.fingerprint))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        key(&first),
        key(&other),
        "ticket and member order do not matter"
    );
}

#[test]
fn hours_of_clock_drift_keep_fingerprints_material_change_alters_them() {
    let mut p = base();
    working(&mut p, 200, "Ann", "In Review", 88.0, 90.0);
    let id = "nudge_reviewer:s:200";
    let print = |now: f64| the(&run_at(&p, now), id).fingerprint;
    assert_eq!(print(NOW), print(NOW + 3.0 / 24.0));
    assert_ne!(print(NOW), print(NOW + 4.0));
}

fn demo_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 15, 30, 0)
        .single()
        .expect("valid date")
}

fn demo() -> Portfolio {
    generate("demo", 42, demo_now()).into_change_set().into()
}

#[test]
fn the_demo_portfolio_yields_every_kind() {
    let p = demo();
    let a = analyse(&p, &[], demo_now(), &StallPolicy::default());
    let s = suggest(&p, &a, &p.members, demo_now());
    let counts: Vec<(&str, usize)> = Kind::ALL
        .iter()
        .map(|k| (k.name(), of(&s, *k).len()))
        .collect();
    println!("{counts:?}");
    for (kind, n) in counts {
        assert!(n > 0, "no {kind} in the demo");
    }
    for x in &s {
        assert!((0.0..=1.0).contains(&x.confidence), "{x:?}");
        assert!(!x.rationale.contains('\n'), "{x:?}");
    }
    let bands: Vec<_> = s.iter().map(|x| x.band).collect();
    assert!(
        bands.windows(2).all(|w| w[0] >= w[1]),
        "strongest band first"
    );
}
