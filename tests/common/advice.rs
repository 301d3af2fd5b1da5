//! Hand-built suggestions, one of every kind, and a state that shows them.
#![allow(dead_code)]

use std::sync::Arc;

use lookout::analysis::Analysis;
use lookout::app::{Event, State, update};
use lookout::domain::{
    Band, Change, Evidence, Kind, Portfolio, Priority, Proposal, Seen, Signal, Subject, Suggestion,
    SuggestionState, TrackerAction, Unit,
};
use lookout::keys::Keymap;

pub fn ticket(key: &str, id: u64) -> Subject {
    Subject::Ticket {
        source: "demo".into(),
        id,
        key: key.into(),
        project: key.split('-').next().unwrap_or("X").into(),
    }
}

fn seen(status: &str, assignee: Option<&str>) -> Seen {
    Seen {
        status: status.into(),
        assignee: assignee.map(str::to_string),
        priority: Priority::Medium,
    }
}

fn proposal(id: u64, key: &str, change: Change, seen: Seen) -> Option<Proposal> {
    Some(Proposal {
        source: "demo".into(),
        action: TrackerAction {
            ticket: id,
            key: key.into(),
            change,
        },
        alternatives: vec![],
        seen,
    })
}

fn evidence(signal: Signal, value: f64, baseline: Option<f64>, unit: Unit) -> Evidence {
    Evidence {
        signal,
        value,
        baseline,
        unit,
    }
}

pub fn suggestion(
    kind: Kind,
    subject: Subject,
    proposal: Option<Proposal>,
    evidence: Vec<Evidence>,
    confidence: f64,
    rationale: &str,
) -> Suggestion {
    Suggestion {
        id: format!("{}:{}", kind.name(), subject),
        kind,
        subject,
        proposal,
        evidence,
        confidence,
        band: Band::of(confidence),
        impact: confidence,
        fingerprint: 7,
        rationale: rationale.into(),
        related: None,
        state: SuggestionState::Pending,
    }
}

/// One suggestion of every kind, strongest first as the advisor orders them.
pub fn every_kind() -> Vec<Suggestion> {
    let in_review = |v| {
        evidence(
            Signal::InStatus {
                status: "In Review".into(),
            },
            v,
            Some(3.0),
            Unit::Days,
        )
    };
    let mut duplicate = suggestion(
        Kind::CloseDuplicate,
        ticket("CRUX-40", 40),
        proposal(
            40,
            "CRUX-40",
            Change::Transition {
                status: "Closed".into(),
            },
            seen("To Do", None),
        ),
        vec![evidence(
            Signal::Similarity {
                other: "CRUX-3".into(),
            },
            0.92,
            Some(0.8),
            Unit::Share,
        )],
        0.8,
        "Same title and description as CRUX-3",
    );
    duplicate.related = Some(ticket("CRUX-3", 3));
    vec![
        suggestion(
            Kind::Reassign,
            ticket("CRUX-12", 12),
            proposal(
                12,
                "CRUX-12",
                Change::Assign {
                    login: "bob".into(),
                },
                seen("In Review", Some("Alice Archer")),
            ),
            vec![
                in_review(9.0),
                evidence(
                    Signal::Wip {
                        member: "Alice Archer".into(),
                    },
                    7.0,
                    Some(3.0),
                    Unit::Count,
                ),
            ],
            0.9,
            "Alice Archer holds 7 open; Bob finished similar tickets here",
        ),
        duplicate,
        suggestion(
            Kind::NudgeReviewer,
            ticket("CRUX-14", 14),
            proposal(
                14,
                "CRUX-14",
                Change::Comment {
                    body: "Could this get a review?\nIt has waited a while.".into(),
                },
                seen("In Review", Some("Cy Chen")),
            ),
            vec![in_review(6.0)],
            0.78,
            "In Review 6d, P85 here is 3d",
        ),
        suggestion(
            Kind::FlagRisk,
            Subject::Project {
                source: "demo".into(),
                key: "BOLT".into(),
            },
            None,
            vec![evidence(
                Signal::TargetChance,
                0.35,
                Some(0.85),
                Unit::Share,
            )],
            0.7,
            "Target date has a 35% chance",
        ),
        suggestion(
            Kind::RaisePriority,
            ticket("BOLT-7", 7),
            proposal(
                7,
                "BOLT-7",
                Change::SetPriority {
                    priority: "High".into(),
                },
                seen("In Progress", Some("Dee Diaz")),
            ),
            vec![evidence(Signal::Blocks, 4.0, None, Unit::Count)],
            0.66,
            "Blocks 4 tickets",
        ),
        suggestion(
            Kind::Rebalance,
            Subject::Project {
                source: "demo".into(),
                key: "DUNE".into(),
            },
            None,
            vec![evidence(
                Signal::Wip {
                    member: "Eve Ek".into(),
                },
                11.0,
                Some(3.0),
                Unit::Count,
            )],
            0.6,
            "Eve Ek holds 11 open, the median here is 3",
        ),
        suggestion(
            Kind::AskInfo,
            ticket("DUNE-9", 9),
            proposal(
                9,
                "DUNE-9",
                Change::Comment {
                    body: "What is still needed here?".into(),
                },
                seen("Waiting", None),
            ),
            vec![evidence(
                Signal::Blocked {
                    status: "Waiting".into(),
                },
                15.0,
                None,
                Unit::Days,
            )],
            0.55,
            "Waiting 15d with no answer",
        ),
        suggestion(
            Kind::Split,
            ticket("EMBER-2", 2),
            proposal(
                2,
                "EMBER-2",
                Change::AddLabel {
                    label: "needs-split".into(),
                },
                seen("In Progress", Some("Fay Fox")),
            ),
            vec![evidence(Signal::Estimate, 21.0, Some(8.0), Unit::Points)],
            0.45,
            "Estimate 21 pts, P90 here is 8",
        ),
        suggestion(
            Kind::LowerPriority,
            ticket("EMBER-5", 5),
            proposal(
                5,
                "EMBER-5",
                Change::SetPriority {
                    priority: "Low".into(),
                },
                seen("To Do", None),
            ),
            vec![evidence(Signal::Inactive, 60.0, Some(14.0), Unit::Days)],
            0.3,
            "Nobody touched it for 60 days",
        ),
    ]
}

/// A loaded state on the Suggestions tab showing `list`.
pub fn showing(list: Vec<Suggestion>, portfolio: Portfolio, read_only: bool) -> State {
    let mut state = State::new(
        Keymap::default_table().expect("keymap"),
        &["demo".into()],
        true,
        read_only,
    );
    let generation = state.load_generation;
    update(
        &mut state,
        Event::Loaded {
            generation,
            portfolio: Arc::new(portfolio),
            analysis: Arc::new(Analysis::default()),
            snapshots: vec![],
        },
    );
    let generation = state.advice.generation;
    update(
        &mut state,
        Event::Advised {
            generation,
            suggestions: list,
            note: None,
            usage: None,
        },
    );
    update(
        &mut state,
        Event::Key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('4'),
            crossterm::event::KeyModifiers::NONE,
        )),
    );
    state
}
