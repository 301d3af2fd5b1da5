//! Filters applied to tickets: each field, negation, people, times and the list selection.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::*;
use crate::analysis::stalled::{Severity, StalledTicket};
use crate::domain::{
    Band, Kind, Member, Priority, StatusCategory, Subject, Suggestion, SuggestionState,
};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0)
        .single()
        .expect("valid date")
}

fn ticket(id: u64) -> Ticket {
    Ticket::stub(id, now() - Duration::days(1))
}

fn member(login: &str, name: &str) -> Member {
    Member {
        source: "s".into(),
        project: "P".into(),
        login: login.into(),
        display_name: name.into(),
    }
}

struct World {
    me: Vec<String>,
    members: Vec<Member>,
}

impl World {
    fn new() -> World {
        World {
            me: vec!["alice".into(), "Alice Smith".into()],
            members: vec![
                member("alice", "Alice Smith"),
                member("bo42", "Bo Brown"),
                member("cy", "Cy Ng"),
            ],
        }
    }

    fn cx(&self) -> Context<'_> {
        Context {
            me: &self.me,
            members: &self.members,
            now: now(),
        }
    }

    fn hits(&self, filter: &str, t: &Ticket) -> bool {
        let q = parse(filter).expect(filter);
        q.matches(&Row::new(t), &self.cx())
    }
}

/// Asserts which of `yes` and `no` the filter keeps.
#[track_caller]
fn keeps(filter: &str, yes: &[&Ticket], no: &[&Ticket]) {
    let w = World::new();
    for t in yes {
        assert!(w.hits(filter, t), "{filter} should keep {t:?}");
    }
    for t in no {
        assert!(!w.hits(filter, t), "{filter} should drop {t:?}");
    }
}

#[test]
fn empty_filter_keeps_everything() {
    let q = parse("   ").expect("blank");
    assert!(q.is_empty());
    assert!(!parse("x").expect("word").is_empty());
    keeps("", &[&ticket(1)], &[]);
}

#[test]
fn free_text_searches_key_title_and_assignee_every_word() {
    let t = Ticket {
        key: "OPS-42".into(),
        title: "Login page times out".into(),
        assignee: Some("Bo Brown".into()),
        ..ticket(1)
    };
    let other = Ticket {
        title: "Logout button".into(),
        ..ticket(2)
    };
    keeps("ops-42", &[&t], &[&other]);
    keeps("LOGIN timeS", &[&t], &[&other]);
    keeps("brown", &[&t], &[&other]);
    keeps("login logout", &[], &[&t, &other]);
    keeps("\"page times\"", &[&t], &[&other]);
    keeps("\"times page\"", &[], &[&t]);
    keeps("-\"page times\"", &[&other], &[&t]);
    keeps("-login", &[&other], &[&t]);
}

#[test]
fn non_ascii_titles_match_either_case() {
    let t = Ticket {
        title: "Échec de l'ÉTÉ: Straße gesperrt".into(),
        ..ticket(1)
    };
    keeps("échec", &[&t], &[&ticket(2)]);
    keeps("été straße", &[&t], &[]);
    keeps("ÉCHEC", &[&t], &[]);
    keeps("gesperrt", &[&t], &[]);
    keeps("ete", &[], &[&t]);
}

#[test]
fn stalled_as_a_word_is_the_flag_and_quoted_is_text() {
    let t = Ticket {
        title: "stalled build".into(),
        ..ticket(1)
    };
    keeps("\"stalled\"", &[&t], &[]);
    keeps("stalled", &[], &[&t]);
}

#[test]
fn project_is_the_key_exactly_or_source_and_key() {
    let ops = Ticket {
        project: "OPS".into(),
        ..ticket(1)
    };
    let opsx = Ticket {
        project: "OPSX".into(),
        ..ticket(2)
    };
    let web = Ticket {
        project: "web".into(),
        source: "gh".into(),
        ..ticket(3)
    };
    let path = Ticket {
        project: "group/app".into(),
        ..ticket(4)
    };
    keeps("project:ops", &[&ops], &[&opsx, &web]);
    keeps("project:OPS,Web", &[&ops, &web], &[&opsx]);
    keeps("project:gh/web", &[&web], &[&ops]);
    keeps("project:s/web", &[], &[&web]);
    keeps("project:group/app", &[&path], &[&ops]);
    keeps("-project:ops", &[&opsx, &web], &[&ops]);
}

#[test]
fn assignee_by_part_of_a_name_or_a_login() {
    let by_name = Ticket {
        assignee: Some("Bo Brown".into()),
        ..ticket(1)
    };
    let by_login = Ticket {
        assignee: Some("cy".into()),
        ..ticket(2)
    };
    let nobody = ticket(3);
    keeps("assignee:brown", &[&by_name], &[&by_login, &nobody]);
    keeps("assignee:bo42", &[&by_name], &[&by_login]);
    keeps("assignee:@bo42", &[&by_name], &[&by_login]);
    keeps("assignee:\"cy ng\"", &[&by_login], &[&by_name]);
    keeps("assignee:ng,BROWN", &[&by_login, &by_name], &[&nobody]);
    keeps("-assignee:brown", &[&by_login, &nobody], &[&by_name]);
}

#[test]
fn assignee_members_of_another_source_are_not_mixed_up() {
    let elsewhere = Ticket {
        source: "other".into(),
        assignee: Some("cy".into()),
        ..ticket(1)
    };
    keeps("assignee:ng", &[], &[&elsewhere]);
}

#[test]
fn assignee_me_is_any_of_the_configured_names() {
    let mine = Ticket {
        assignee: Some("Alice Smith".into()),
        ..ticket(1)
    };
    let mine_by_login = Ticket {
        assignee: Some("ALICE".into()),
        ..ticket(2)
    };
    let alicia = Ticket {
        assignee: Some("Alicia".into()),
        ..ticket(3)
    };
    let nobody = ticket(4);
    keeps(
        "assignee:@me",
        &[&mine, &mine_by_login],
        &[&alicia, &nobody],
    );
    keeps("assignee:@me,none", &[&mine, &nobody], &[&alicia]);
    keeps("-assignee:@me", &[&alicia, &nobody], &[&mine]);

    // Only a login in the config: the member list supplies the display name tickets carry.
    let w = World {
        me: vec!["alice".into()],
        ..World::new()
    };
    assert!(w.hits("assignee:@me", &mine));
    let nobody_configured = World {
        me: vec![],
        ..World::new()
    };
    assert!(!nobody_configured.hits("assignee:@me", &mine));
}

#[test]
fn assignee_none_is_unassigned_unless_quoted() {
    let nobody = ticket(1);
    let named_none = Ticket {
        assignee: Some("Nonesuch".into()),
        ..ticket(2)
    };
    keeps("assignee:none", &[&nobody], &[&named_none]);
    keeps("assignee:\"none\"", &[&named_none], &[&nobody]);
    keeps("-assignee:none", &[&named_none], &[&nobody]);
}

#[test]
fn status_by_name_or_category_ignoring_spaces() {
    let todo = ticket(1);
    let review = Ticket {
        status: "In Review".into(),
        category: StatusCategory::InProgress,
        ..ticket(2)
    };
    let closed = Ticket {
        status: "Closed".into(),
        category: StatusCategory::Done,
        ..ticket(3)
    };
    keeps("status:todo", &[&todo], &[&review, &closed]);
    keeps("status:\"In Review\"", &[&review], &[&todo]);
    keeps("status:todo,review", &[&todo, &review], &[&closed]);
    keeps("status:done", &[&closed], &[&todo, &review]);
    keeps("status:progress", &[&review], &[&closed]);
    keeps("-status:done", &[&todo, &review], &[&closed]);
}

#[test]
fn priority_by_label_and_by_part_of_a_label() {
    let at = |p: Priority, id| Ticket {
        priority: p,
        ..ticket(id)
    };
    let (lowest, low, medium, high, highest) = (
        at(Priority::Lowest, 1),
        at(Priority::Low, 2),
        at(Priority::Medium, 3),
        at(Priority::High, 4),
        at(Priority::Highest, 5),
    );
    keeps("priority:high", &[&high], &[&highest, &medium]);
    keeps("priority:HIGHEST", &[&highest], &[&high]);
    keeps("priority:high,highest", &[&high, &highest], &[&low]);
    keeps("priority:hi", &[&high, &highest], &[&medium]);
    keeps("priority:low", &[&low], &[&lowest]);
    keeps("priority:med", &[&medium], &[&low]);
    keeps("-priority:lowest,low", &[&medium], &[&lowest, &low]);
    keeps(
        "priority:urgent",
        &[],
        &[&lowest, &low, &medium, &high, &highest],
    );
}

#[test]
fn label_and_source_by_part_of_a_name() {
    let t = Ticket {
        labels: vec!["backend".into(), "Won't Fix".into()],
        source: "jira-cloud".into(),
        ..ticket(1)
    };
    let bare = ticket(2);
    keeps("label:BACK", &[&t], &[&bare]);
    keeps("label:\"won't fix\"", &[&t], &[&bare]);
    keeps("label:ui,backend", &[&t], &[&bare]);
    keeps("-label:backend", &[&bare], &[&t]);
    keeps("source:jira", &[&t], &[&bare]);
    keeps("source:S", &[&bare], &[&t]);
    keeps("-source:jira", &[&bare], &[&t]);
}

#[test]
fn ages_count_from_creation_in_hours_days_and_weeks() {
    let aged = |hours: i64, id| Ticket {
        created: now() - Duration::hours(hours),
        updated: now(),
        ..ticket(id)
    };
    let (h30, h36, d3, w2) = (aged(30, 1), aged(36, 2), aged(72, 3), aged(24 * 15, 4));
    keeps("age>36h", &[&d3, &w2], &[&h30, &h36]);
    keeps("age>=36h", &[&h36, &d3], &[&h30]);
    keeps("age<36h", &[&h30], &[&h36, &d3]);
    keeps("age<=36h", &[&h30, &h36], &[&d3]);
    keeps("age>2d", &[&d3, &w2], &[&h36]);
    keeps("age<1.5d", &[&h30], &[&h36]);
    keeps("age>2w", &[&w2], &[&d3]);
    keeps("age<2w", &[&d3], &[&w2]);
    keeps("-age>2w", &[&d3], &[&w2]);
    keeps("age>1d age<2d", &[&h30, &h36], &[&d3]);
}

#[test]
fn idle_counts_from_the_last_update() {
    let quiet = Ticket {
        created: now() - Duration::days(30),
        updated: now() - Duration::days(10),
        ..ticket(1)
    };
    let busy = Ticket {
        created: now() - Duration::days(30),
        updated: now() - Duration::hours(2),
        ..ticket(2)
    };
    keeps("idle>1w", &[&quiet], &[&busy]);
    keeps("idle<3h", &[&busy], &[&quiet]);
    keeps("age>1w idle<1d", &[&busy], &[&quiet]);
}

#[test]
fn flags_come_from_the_row() {
    let t = ticket(1);
    let w = World::new();
    let cx = w.cx();
    let q = parse("stalled").expect("flag");
    assert!(q.matches(
        &Row {
            stalled: true,
            ..Row::new(&t)
        },
        &cx
    ));
    assert!(!q.matches(&Row::new(&t), &cx));
    let q = parse("-has:suggestion").expect("flag");
    assert!(q.matches(&Row::new(&t), &cx));
    assert!(!q.matches(
        &Row {
            has_suggestion: true,
            ..Row::new(&t)
        },
        &cx
    ));
}

fn portfolio() -> Portfolio {
    let mut tickets: Vec<Ticket> = (0..6).map(ticket).collect();
    tickets[1].title = "login fails".into();
    tickets[3].title = "login slow".into();
    tickets[4].title = "login ok".into();
    tickets[4].source = "gh".into();
    Portfolio {
        tickets,
        ..Portfolio::default()
    }
}

#[test]
fn select_keeps_the_candidates_order_and_drops_the_rest() {
    let p = portfolio();
    let w = World::new();
    let facets = Facets::default();
    let q = parse("login").expect("word");
    assert_eq!(
        select(&p, &[4, 3, 2, 1, 0], &q, &w.cx(), &facets),
        vec![4, 3, 1]
    );
    assert_eq!(select(&p, &[1, 3], &q, &w.cx(), &facets), vec![1, 3]);
    assert_eq!(select(&p, &[1, 99], &q, &w.cx(), &facets), vec![1]);
    let all = parse("").expect("empty");
    assert_eq!(select(&p, &[5, 0, 99], &all, &w.cx(), &facets), vec![5, 0]);
}

#[test]
fn select_reads_stalls_and_suggestions_from_the_facets() {
    let p = portfolio();
    let w = World::new();
    let facets = Facets::new([("s", 1), ("s", 3), ("gh", 1)], [("s", 3), ("gh", 4)]);
    let all: Vec<usize> = (0..p.tickets.len()).collect();
    let run = |f: &str| select(&p, &all, &parse(f).expect(f), &w.cx(), &facets);
    assert_eq!(run("stalled"), vec![1, 3]);
    assert_eq!(run("has:suggestion"), vec![3, 4]);
    assert_eq!(run("stalled has:suggestion"), vec![3]);
    assert_eq!(run("-stalled login"), vec![4]);
    assert_eq!(run("-has:suggestion -stalled"), vec![0, 2, 5]);
}

#[test]
fn facets_take_stalls_and_only_pending_ticket_suggestions() {
    let stalled = |source: &str, id| StalledTicket {
        source: source.into(),
        id,
        project: "P".into(),
        key: "P-1".into(),
        title: "t".into(),
        status: "In Progress".into(),
        assignee: None,
        in_status_days: 9.0,
        ratio: 1.2,
        severity: Severity::Warn,
        reason: "r".into(),
        readings: Box::new([]),
    };
    let suggestion = |subject: Subject, state| Suggestion {
        id: "x".into(),
        kind: Kind::AskInfo,
        subject,
        proposal: None,
        evidence: vec![],
        confidence: 0.5,
        band: Band::Medium,
        impact: 1.0,
        fingerprint: 1,
        rationale: "r".into(),
        related: None,
        state,
    };
    let on = |id| Subject::Ticket {
        source: "s".into(),
        id,
        key: format!("P-{id}"),
        project: "P".into(),
    };
    let f = Facets::of(
        &[stalled("s", 2)],
        &[
            suggestion(on(3), SuggestionState::Pending),
            suggestion(on(4), SuggestionState::Rejected),
            suggestion(
                Subject::Project {
                    source: "s".into(),
                    key: "P".into(),
                },
                SuggestionState::Pending,
            ),
        ],
    );
    let t = |id| ticket(id);
    assert!(f.is_stalled(&t(2)) && !f.is_stalled(&t(3)));
    assert!(f.has_suggestion(&t(3)));
    assert!(!f.has_suggestion(&t(4)) && !f.has_suggestion(&t(2)));
    let elsewhere = Ticket {
        source: "gh".into(),
        ..t(2)
    };
    assert!(!f.is_stalled(&elsewhere));
}

#[test]
fn errors_read_as_column_then_message() {
    let e = parse("label:x foo:bar").expect_err("unknown field");
    assert_eq!(
        e.to_string(),
        "column 9: unknown field \"foo\"; fields are project, assignee, status, priority, \
         label, source, age, idle, stalled, has (to search for the text itself, quote it: \
         \"foo:bar\")"
    );
}
