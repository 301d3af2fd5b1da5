//! The ledger over a real store: decisions decide what is shown (a rejected suggestion stays
//! hidden until its evidence changes, and then not before the cooldown), rates per kind, the
//! last undoable decision, and the decisions and audit log surviving a reopen, append-only.

use chrono::{DateTime, Duration, TimeZone, Utc};
use lookout::advisor::{AuditEvent, Ledger};
use lookout::domain::{
    Band, Change, Decision, Evidence, Facts, Kind, Priority, Proposal, RejectReason, Seen, Signal,
    Subject, Suggestion, SuggestionState, TrackerAction, Unit, Verdict,
};
use lookout::store::Store;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("date")
}

fn action(ticket: u64) -> TrackerAction {
    TrackerAction {
        ticket,
        key: format!("OPS-{ticket}"),
        change: Change::Assign {
            login: "ana".into(),
        },
    }
}

/// A reassign suggestion about OPS-`ticket`, whose evidence is `days` in review.
fn suggestion(ticket: u64, days: f64) -> Suggestion {
    Suggestion {
        id: format!("reassign:demo:{ticket}"),
        kind: Kind::Reassign,
        subject: Subject::Ticket {
            source: "demo".into(),
            id: ticket,
            key: format!("OPS-{ticket}"),
            project: "OPS".into(),
        },
        proposal: Some(Proposal {
            source: "demo".into(),
            action: action(ticket),
            alternatives: vec![],
            seen: Seen {
                status: "In Review".into(),
                assignee: Some("bo".into()),
                priority: Priority::Medium,
            },
        }),
        evidence: vec![Evidence {
            signal: Signal::InStatus {
                status: "In Review".into(),
            },
            value: days,
            baseline: Some(3.0),
            unit: Unit::Days,
        }],
        confidence: 0.8,
        band: Band::High,
        impact: 1.0,
        fingerprint: days.to_bits(),
        rationale: format!("in review {days} days"),
        related: None,
        state: SuggestionState::Pending,
    }
}

fn decide(s: &Suggestion, verdict: Verdict, at: DateTime<Utc>) -> Decision {
    Decision {
        suggestion: s.id.clone(),
        kind: s.kind,
        subject: s.subject.clone(),
        verdict,
        at,
        reason: None,
        note: None,
        fingerprint: s.fingerprint,
        write: None,
    }
}

fn before() -> Facts {
    Facts {
        status: "In Review".into(),
        assignee: Some("bo".into()),
        assignee_login: Some("bo".into()),
        priority: Priority::Medium,
        priority_name: "Medium".into(),
    }
}

fn states(list: &[Suggestion]) -> Vec<(String, SuggestionState)> {
    list.iter().map(|s| (s.id.clone(), s.state)).collect()
}

#[test]
fn a_rejected_suggestion_stays_hidden_until_its_evidence_changes_and_the_cooldown_passes() {
    let store = Store::temporary().expect("store");
    let ledger = Ledger::new(&store);
    let (a, b) = (suggestion(1, 9.0), suggestion(2, 5.0));
    let mut no = decide(&a, Verdict::Reject, t0());
    no.reason = Some(RejectReason::Wrong);
    no.note = Some("she is on leave".into());
    ledger.record(&no).expect("record");

    // The next sync: same evidence, hidden; the other one shows.
    let shown = ledger
        .reconcile(vec![a.clone(), b.clone()], t0() + Duration::hours(1))
        .expect("reconcile");
    assert_eq!(
        states(&shown),
        vec![(b.id.clone(), SuggestionState::Pending)]
    );
    // Same evidence long after: still hidden.
    let later = t0() + Duration::days(30);
    let shown = ledger.reconcile(vec![a.clone()], later).expect("reconcile");
    assert!(shown.is_empty(), "{shown:?}");

    // The evidence changed: back, but not within the cooldown.
    let changed = suggestion(1, 12.0);
    let soon = t0() + Duration::days(2);
    assert!(
        ledger
            .reconcile(vec![changed.clone()], soon)
            .expect("reconcile")
            .is_empty()
    );
    let shown = ledger
        .reconcile(vec![changed.clone()], t0() + Duration::days(7))
        .expect("reconcile");
    assert_eq!(
        states(&shown),
        vec![(a.id.clone(), SuggestionState::Pending)]
    );

    // A shorter cooldown brings it back sooner.
    let quick = Ledger::new(&store).with_cooldown(Duration::days(1));
    assert_eq!(
        quick
            .reconcile(vec![changed], soon)
            .expect("reconcile")
            .len(),
        1
    );
}

#[test]
fn not_now_returns_after_the_cooldown_with_the_same_evidence() {
    let store = Store::temporary().expect("store");
    let ledger = Ledger::new(&store);
    let a = suggestion(1, 9.0);
    let mut later = decide(&a, Verdict::Reject, t0());
    later.reason = Some(RejectReason::NotNow);
    ledger.record(&later).expect("record");
    let hidden = ledger
        .reconcile(vec![a.clone()], t0() + Duration::days(6))
        .expect("reconcile");
    assert!(hidden.is_empty());
    let back = ledger
        .reconcile(vec![a], t0() + Duration::days(7))
        .expect("reconcile");
    assert_eq!(back.len(), 1);
}

#[test]
fn decided_suggestions_show_their_state_and_turn_stale_when_the_evidence_changes() {
    let store = Store::temporary().expect("store");
    let ledger = Ledger::new(&store);
    let (a, b, c) = (suggestion(1, 9.0), suggestion(2, 5.0), suggestion(3, 4.0));
    let mut yes = decide(&a, Verdict::Accept, t0());
    yes.write = Some((action(1), before()));
    ledger.record(&yes).expect("record");
    // Accepted, but the write failed: no pre-image.
    ledger
        .record(&decide(&b, Verdict::Accept, t0()))
        .expect("record");
    let mut c_yes = decide(&c, Verdict::Accept, t0());
    c_yes.write = Some((action(3), before()));
    ledger.record(&c_yes).expect("record");
    ledger
        .record(&decide(&c, Verdict::Undo, t0() + Duration::minutes(1)))
        .expect("record");

    let now = t0() + Duration::hours(1);
    let shown = ledger
        .reconcile(vec![a.clone(), b.clone(), c.clone()], now)
        .expect("reconcile");
    assert_eq!(
        states(&shown),
        vec![
            (a.id.clone(), SuggestionState::Applied),
            (b.id.clone(), SuggestionState::Failed),
            (c.id.clone(), SuggestionState::Undone),
        ]
    );
    let shown = ledger
        .reconcile(vec![suggestion(1, 10.0)], now)
        .expect("reconcile");
    assert_eq!(states(&shown), vec![(a.id.clone(), SuggestionState::Stale)]);

    // The newest accept not undone since is a's.
    let last = ledger.last_undoable().expect("last").expect("one");
    assert_eq!(last.suggestion, b.id);
    ledger
        .record(&decide(&b, Verdict::Undo, now))
        .expect("record");
    let last = ledger.last_undoable().expect("last").expect("one");
    assert_eq!(last.suggestion, a.id);
}

#[test]
fn rates_per_kind_count_accepts_rejects_and_undos() {
    let store = Store::temporary().expect("store");
    let ledger = Ledger::new(&store);
    let (a, b, c) = (suggestion(1, 9.0), suggestion(2, 5.0), suggestion(3, 4.0));
    ledger
        .record(&decide(&a, Verdict::Accept, t0()))
        .expect("record");
    ledger
        .record(&decide(&b, Verdict::Accept, t0()))
        .expect("record");
    ledger
        .record(&decide(&b, Verdict::Undo, t0()))
        .expect("record");
    ledger
        .record(&decide(&c, Verdict::Reject, t0()))
        .expect("record");
    let rates = ledger.rates().expect("rates");
    assert_eq!(rates.len(), 1);
    let r = &rates[0];
    assert_eq!(r.kind, Kind::Reassign);
    assert_eq!((r.decided, r.accepted, r.rejected, r.undone), (3, 2, 1, 1));
    assert!((r.acceptance - 2.0 / 3.0).abs() < 1e-9);
    assert!((r.undo - 0.5).abs() < 1e-9);
    let recent = ledger.recent_rejections(5).expect("recent");
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].suggestion, c.id);
}

#[test]
fn decisions_and_the_audit_log_survive_a_reopen_and_only_grow() {
    let dir = tempfile::tempdir().expect("dir");
    let a = suggestion(1, 9.0);
    {
        let store = Store::open(dir.path()).expect("open");
        let ledger = Ledger::new(&store);
        let mut yes = decide(&a, Verdict::Accept, t0());
        yes.write = Some((action(1), before()));
        ledger
            .record_write("demo", &action(1), &Ok(before()), t0())
            .expect("write noted");
        ledger.record(&yes).expect("record");
        ledger
            .record_write("demo", &action(2), &Err("refused".into()), t0())
            .expect("failure noted");
    }
    let store = Store::open(dir.path()).expect("reopen");
    let ledger = Ledger::new(&store);
    let first = ledger.audit().expect("audit");
    assert_eq!(first.len(), 3);
    assert!(matches!(
        &first[0].event,
        AuditEvent::Write {
            before: Some(_),
            error: None,
            ..
        }
    ));
    assert!(
        matches!(&first[1].event, AuditEvent::Decision { decision } if decision.verdict == Verdict::Accept)
    );
    assert!(matches!(&first[2].event, AuditEvent::Write { error: Some(e), .. } if e == "refused"));
    assert_eq!(
        ledger.last_undoable().expect("last").map(|d| d.suggestion),
        Some(a.id.clone())
    );
    assert_eq!(
        ledger.reconcile(vec![a.clone()], t0()).expect("reconcile")[0].state,
        SuggestionState::Applied
    );

    // Appending keeps every earlier entry, in order.
    ledger
        .record(&decide(&a, Verdict::Undo, t0() + Duration::hours(1)))
        .expect("record");
    let second = ledger.audit().expect("audit");
    assert_eq!(second.len(), 4);
    assert_eq!(&second[..3], &first[..]);
    assert!(second[3].line().starts_with("undid reassign:demo:1"));
}

#[test]
fn a_store_from_before_the_ledger_opens_with_an_empty_one() {
    let dir = tempfile::tempdir().expect("dir");
    {
        let store = Store::open(dir.path()).expect("open");
        store
            .write(&lookout::domain::ChangeSet::new("demo"))
            .expect("write");
    }
    let store = Store::open(dir.path()).expect("reopen");
    let ledger = Ledger::new(&store);
    assert!(ledger.audit().expect("audit").is_empty());
    assert!(ledger.last_undoable().expect("last").is_none());
    assert!(ledger.rates().expect("rates").is_empty());
}
