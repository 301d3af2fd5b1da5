//! `lookout suggestions` and `lookout audit` through the binary: the JSON contract, clear
//! refusals (unknown ids, no terminal to confirm on, read-only), and an accepted change to
//! the demo tracker undone from the shell in another process, with the audit log kept.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use chrono::Utc;
use lookout::advisor::{AuditEvent, Ledger};
use lookout::config::SourceSettings;
use lookout::domain::{Change, Decision, Kind, Portfolio, Seen, Subject, TrackerAction, Verdict};
use lookout::store::Store;
use lookout::sync::{WriteRequest, Writers, build_writers};

fn lookout(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lookout"))
        .args(args)
        .env_remove("LOOKOUT_CONFIG")
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("LOOKOUT_DATA_DIR", home.join("data"))
        .stdin(Stdio::null())
        .output()
        .expect("run lookout")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn failed(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn suggestions_as_json_are_an_array_with_the_documented_keys() {
    let dir = tempfile::tempdir().expect("dir");
    let out = lookout(&["suggestions", "--format", "json"], dir.path());
    let list: serde_json::Value = serde_json::from_str(&ok(&out)).expect("stdout is JSON only");
    let list = list.as_array().expect("an array");
    for s in list {
        for key in [
            "id",
            "kind",
            "subject",
            "action",
            "evidence",
            "confidence",
            "band",
            "state",
            "rationale",
        ] {
            assert!(s.get(key).is_some(), "{key} missing in {s}");
        }
        assert!(s["evidence"].is_array(), "{s}");
        assert!(s["confidence"].is_f64(), "{s}");
    }
    // The table reads the same store.
    ok(&lookout(&["suggestions"], dir.path()));
}

#[test]
fn an_unknown_id_says_where_the_ids_are() {
    let dir = tempfile::tempdir().expect("dir");
    for args in [
        ["suggestions", "accept", "nope:1", "--yes"].as_slice(),
        ["suggestions", "reject", "nope:1", "--reason", "wrong"].as_slice(),
    ] {
        let err = failed(&lookout(args, dir.path()));
        assert!(err.contains("run `lookout suggestions`"), "{err}");
    }
    let err = failed(&lookout(&["suggestions", "undo", "nope:1"], dir.path()));
    assert!(err.contains("never decided"), "{err}");
    let err = failed(&lookout(
        &["suggestions", "reject", "x", "--reason", "meh"],
        dir.path(),
    ));
    assert!(
        err.contains("wrong, not-now, already-handled or other"),
        "{err}"
    );
}

/// Seeds the demo into the store and accepts one reassignment through the library, as the
/// dashboard would; returns the decision's id, the ticket, and who had it before.
fn accept_one(home: &Path) -> (String, u64, Option<String>, String) {
    ok(&lookout(&["sync", "--once"], home));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let store = Store::open(&home.join("data")).expect("store");
    let p = store.load().expect("load");
    let ticket = p
        .tickets
        .iter()
        .find(|t| t.is_open() && t.assignee.is_some())
        .expect("an assigned open ticket")
        .clone();
    let other = p
        .members
        .iter()
        .find(|m| m.project == ticket.project && Some(&m.login) != ticket.assignee.as_ref())
        .expect("another member")
        .login
        .to_string();
    let action = TrackerAction {
        ticket: ticket.id,
        key: ticket.key.to_string(),
        change: Change::Assign {
            login: other.clone(),
        },
    };
    let id = format!("reassign:demo:{}", ticket.id);
    runtime.block_on(async {
        let sources = build_writers(
            &[SourceSettings::demo()],
            &Portfolio::default(),
            &store,
            false,
        );
        let writers = Writers::spawn(sources, None);
        let applied = writers
            .apply(WriteRequest {
                source: "demo".into(),
                action: action.clone(),
                seen: Seen::of(&ticket),
            })
            .await
            .expect("written");
        let ledger = Ledger::new(&store);
        ledger
            .record_write("demo", &action, &Ok(applied.before.clone()), Utc::now())
            .expect("noted");
        ledger
            .record(&Decision {
                suggestion: id.clone(),
                kind: Kind::Reassign,
                subject: Subject::Ticket {
                    source: "demo".into(),
                    id: ticket.id,
                    key: ticket.key.to_string(),
                    project: ticket.project.to_string(),
                },
                verdict: Verdict::Accept,
                at: Utc::now(),
                reason: None,
                note: None,
                fingerprint: 7,
                write: Some((action, applied.before)),
            })
            .expect("recorded");
    });
    // The writer tasks hold the store: they end with the runtime.
    drop(runtime);
    drop(store);
    (id, ticket.id, ticket.assignee.map(|a| a.to_string()), other)
}

fn assignee(home: &Path, ticket: u64) -> Option<String> {
    let store = Store::open(&home.join("data")).expect("store");
    let p = store.load_tickets("demo", &[ticket]).expect("load");
    p.tickets[0].assignee.as_ref().map(|a| a.to_string())
}

#[test]
fn an_accepted_demo_change_is_undone_from_the_shell_and_audited() {
    let dir = tempfile::tempdir().expect("dir");
    let home = dir.path();
    let (id, ticket, before, after) = accept_one(home);
    assert_eq!(assignee(home, ticket).as_deref(), Some(after.as_str()));

    // No terminal to confirm on, no --yes: nothing is written.
    let err = failed(&lookout(&["suggestions", "undo", &id], home));
    assert!(err.contains("pass --yes"), "{err}");
    // Read-only, from the flag and from the source's own table.
    let err = failed(&lookout(
        &["--read-only", "suggestions", "undo", &id, "--yes"],
        home,
    ));
    assert!(err.contains("read-only"), "{err}");
    let config = home.join("own.toml");
    std::fs::write(
        &config,
        "[[source]]\nkind = \"demo\"\nname = \"demo\"\nread_only = true\n",
    )
    .expect("config");
    let config = config.to_string_lossy().into_owned();
    let err = failed(&lookout(
        &["--config", &config, "suggestions", "undo", &id, "--yes"],
        home,
    ));
    assert!(err.contains("read-only"), "{err}");
    assert_eq!(assignee(home, ticket).as_deref(), Some(after.as_str()));

    let out = ok(&lookout(&["suggestions", "undo", &id, "--yes"], home));
    assert!(out.contains("will write to demo: assign"), "{out}");
    assert_eq!(assignee(home, ticket), before);
    // The demo carries on from there in the next process.
    ok(&lookout(&["sync", "--once"], home));
    assert_eq!(assignee(home, ticket), before);

    let audit: Vec<lookout::advisor::AuditEntry> =
        serde_json::from_str(&ok(&lookout(&["audit", "--format", "json"], home)))
            .expect("audit JSON");
    let kinds: Vec<&str> = audit
        .iter()
        .map(|e| match &e.event {
            AuditEvent::Write { error: None, .. } => "write",
            AuditEvent::Write { .. } => "refused",
            AuditEvent::Decision { decision } => match decision.verdict {
                Verdict::Accept => "accept",
                Verdict::Reject => "reject",
                Verdict::Undo => "undo",
            },
        })
        .collect();
    assert_eq!(kinds, ["write", "accept", "write", "undo"]);
    let table = ok(&lookout(&["audit"], home));
    assert!(table.contains(&format!("undid {id}")), "{table}");

    // Undone once: there is nothing left to undo.
    let err = failed(&lookout(&["suggestions", "undo", &id, "--yes"], home));
    assert!(err.contains("no accepted decision"), "{err}");
}
