//! The real binary in a real terminal: tmux runs lookout, types keys, and reads the screen.
//!
//! Marked ignored, so a run without tmux says so instead of passing: run them with
//! `cargo test --test e2e_tmux -- --ignored` (`.ci/run` does). Without tmux they fail.

#[path = "common/fake_jira.rs"]
mod fake_jira;
#[path = "common/routed.rs"]
mod routed;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{FixedOffset, TimeZone, Utc};
use fake_jira::{FakeJira, generate};

struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "lookout"])
    }

    fn keys(&self, keys: &str) {
        self.run(&["send-keys", "-t", "lookout", keys]);
    }

    /// Types `text` as it is, without tmux reading key names in it.
    fn type_text(&self, text: &str) {
        self.run(&["send-keys", "-t", "lookout", "-l", text]);
    }

    /// Waits until the screen satisfies `ok`, returning it; panics with the last screen if not.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        self.wait_within(Duration::from_secs(20), what, ok)
    }

    /// `wait_for`, with its own time limit.
    fn wait_within(&self, limit: Duration, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if start.elapsed() > limit {
                panic!("timed out waiting for {what}; the screen was:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// tmux, or a failure that says how to get it: a test that was asked to run never passes
/// without having run.
fn require_tmux() {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "these tests drive lookout in tmux: install tmux (apt-get install tmux)"
    );
}

fn start(dir: &Path, socket: &str, args: &str) -> Tmux {
    start_with(dir, socket, &[], args)
}

/// `start`, with environment variables set for lookout (a tracker's token).
fn start_with(dir: &Path, socket: &str, vars: &[(&str, &str)], args: &str) -> Tmux {
    let bin = env!("CARGO_BIN_EXE_lookout");
    let exit = dir.join("exit-code");
    let vars: String = vars.iter().map(|(k, v)| format!("{k}='{v}' ")).collect();
    let command = format!(
        "env -u LOOKOUT_CONFIG {vars}XDG_CONFIG_HOME='{cfg}' '{bin}' --data-dir '{data}' {args}; echo $? > '{exit}'; sleep 60",
        cfg = dir.join("config").display(),
        data = dir.join("data").display(),
        exit = exit.display(),
    );
    let tmux = Tmux {
        socket: socket.to_string(),
    };
    let out = Command::new("tmux")
        .args([
            "-L",
            socket,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "lookout",
            "-x",
            "80",
            "-y",
            "24",
            &command,
        ])
        .output()
        .expect("start tmux");
    assert!(
        out.status.success(),
        "tmux failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    tmux
}

fn wait_exit(dir: &Path) -> String {
    let path = dir.join("exit-code");
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if let Ok(code) = std::fs::read_to_string(&path)
            && !code.trim().is_empty()
        {
            return code.trim().to_string();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("lookout did not exit");
}

#[test]
#[ignore = "needs tmux: cargo test --test e2e_tmux -- --ignored"]
fn lookout_runs_in_tmux_switches_tabs_shows_help_and_quits_cleanly() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = format!("lookout-e2e-{}", std::process::id());
    let tmux = start(dir.path(), &socket, "");

    let s = tmux.wait_for("the Projects tab with the demo portfolio", |s| {
        s.contains("Projects")
            && s.contains("Crux Platform")
            && s.contains("demo ok")
            && s.contains("? help")
    });
    assert!(s.contains("? help"), "{s}");

    tmux.keys("2");
    let s = tmux.wait_for("the Stalled tab", |s| {
        s.contains("flagged") && s.contains("Why:") && s.contains("In Review")
    });
    assert!(s.contains("In Review"), "{s}");

    tmux.keys("3");
    tmux.wait_for("a forecast with dates", |s| {
        s.contains("Forecast:") && s.contains("85%  done by")
    });

    tmux.keys("?");
    // A capture can land mid-frame: wait for everything that is checked.
    let s = tmux.wait_for("the help overlay", |s| {
        s.contains("Help: keys") && s.contains("Quit lookout") && s.contains("Go to Stalled")
    });
    assert!(
        s.contains("Quit lookout") && s.contains("Go to Stalled"),
        "{s}"
    );
    tmux.keys("Escape");
    tmux.wait_for("the help overlay to close", |s| !s.contains("Help: keys"));

    tmux.keys("1");
    tmux.wait_for("the Projects tab again", |s| {
        s.contains("Projects, sorted by")
    });
    tmux.keys("Enter");
    tmux.wait_for("a project's tickets", |s| s.contains("Esc back"));
    tmux.keys("Escape");

    // While it runs, a second lookout on the same store is told who holds it.
    let second = Command::new(env!("CARGO_BIN_EXE_lookout"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["sync", "--once"])
        .env_remove("LOOKOUT_CONFIG")
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .output()
        .expect("second lookout");
    assert_eq!(second.status.code(), Some(2));
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(
        err.contains("in use by another lookout (process") && err.contains("--data-dir"),
        "{err}"
    );

    tmux.keys("q");
    assert_eq!(wait_exit(dir.path()), "0", "lookout must exit 0 on q");
    let s = tmux.screen();
    assert!(
        !s.contains("Crux Platform"),
        "the alternate screen was left behind:\n{s}"
    );
}

#[test]
#[ignore = "needs tmux: cargo test --test e2e_tmux -- --ignored"]
fn sigterm_restores_the_terminal_and_exits_cleanly() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = format!("lookout-e2e-term-{}", std::process::id());
    let tmux = start(dir.path(), &socket, "");
    tmux.wait_for("the Projects tab", |s| s.contains("Crux Platform"));
    let pid =
        std::fs::read_to_string(dir.path().join("data").join("lookout.pid")).expect("pid file");
    let killed = Command::new("kill")
        .args(["-TERM", pid.trim()])
        .status()
        .expect("kill");
    assert!(killed.success());
    assert_eq!(wait_exit(dir.path()), "0");
    let s = tmux.screen();
    assert!(
        !s.contains("Crux Platform"),
        "the alternate screen was left behind:\n{s}"
    );
}

/// The demo source's last good sync in the status bar, e.g. "12:04:31" (the tab bar's "as of"
/// reads in minutes, too coarse to see a sync every second).
fn as_of(screen: &str) -> Option<String> {
    let line = screen.lines().rev().find(|l| l.contains("demo ok "))?;
    let at = line.find("demo ok ")?;
    line[at + 8..].split_whitespace().next().map(str::to_string)
}

#[test]
#[ignore = "needs tmux: cargo test --test e2e_tmux -- --ignored"]
fn the_screen_refreshes_by_itself_as_the_demo_moves() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("fast.toml");
    std::fs::write(
        &config,
        "[[source]]\nkind = \"demo\"\nname = \"demo\"\ninterval = \"1s\"\n",
    )
    .expect("write config");
    let socket = format!("lookout-e2e-live-{}", std::process::id());
    let tmux = start(
        dir.path(),
        &socket,
        &format!("--config '{}'", config.display()),
    );
    let first = tmux.wait_for("the Projects tab", |s| {
        s.contains("Crux Platform") && as_of(s).is_some()
    });
    let first = as_of(&first).expect("an as-of time");
    // No key is pressed: only the sync loop can change the screen.
    tmux.wait_for("a newer as-of time", |s| {
        as_of(s).is_some_and(|t| t != first)
    });
    tmux.keys("q");
    assert_eq!(wait_exit(dir.path()), "0");
}

/// The audit popup's entry count, e.g. 3 from "Audit log: 3 entries".
fn audit_entries(screen: &str) -> Option<usize> {
    let at = screen.find("Audit log: ")?;
    screen[at + 11..].split_whitespace().next()?.parse().ok()
}

#[test]
#[ignore = "needs tmux: cargo test --test e2e_tmux -- --ignored"]
fn decisions_and_the_audit_log_outlive_a_restart() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = format!("lookout-e2e-advice-{}", std::process::id());
    let tmux = start(dir.path(), &socket, "");
    tmux.wait_for("the demo portfolio", |s| {
        s.contains("Crux Platform") && s.contains("demo ok")
    });

    tmux.keys("4");
    tmux.wait_for("the demo's suggestions", |s| {
        s.contains("pending of") && (s.contains("will write:") || s.contains("advisory:"))
    });
    // Accept the first suggestion: through the confirmation when it writes.
    tmux.keys("a");
    let s = tmux.wait_for("a confirmation or an advisory accept", |s| {
        s.contains("Enter write") || s.contains("accepted:")
    });
    if s.contains("Enter write") {
        assert!(s.contains("tracker: demo"), "{s}");
        tmux.keys("Enter");
        tmux.wait_for("the write to land", |s| s.contains("written to demo"));
    }
    // Reject the next one with a reason, then undo that reject.
    tmux.keys("j");
    tmux.keys("x");
    tmux.wait_for("the reason popup", |s| s.contains("already handled"));
    tmux.keys("3");
    tmux.keys("Enter");
    tmux.wait_for("the reject", |s| s.contains("rejected:"));
    tmux.keys("u");
    tmux.wait_for("the undo", |s| s.contains("undone:"));
    tmux.keys("A");
    let before = tmux.wait_for("the audit log", |s| {
        audit_entries(s).is_some_and(|n| n >= 3)
    });
    let entries = audit_entries(&before).expect("entries");
    tmux.keys("Escape");
    tmux.keys("q");
    assert_eq!(wait_exit(dir.path()), "0");
    drop(tmux);
    std::fs::remove_file(dir.path().join("exit-code")).expect("the first exit code");

    let tmux = start(dir.path(), &format!("{socket}-again"), "");
    tmux.wait_for("the demo portfolio again", |s| s.contains("Crux Platform"));
    tmux.keys("4");
    tmux.wait_for("the suggestions again", |s| s.contains("pending of"));
    tmux.keys("A");
    let after = tmux.wait_for("the kept audit log", |s| {
        audit_entries(s).is_some_and(|n| n >= entries)
    });
    for line in ["accept ", "reject ", "undo   "] {
        assert!(after.contains(line), "{line:?} was not kept:\n{after}");
    }
    assert!(
        after.contains("already handled"),
        "the reason was kept:\n{after}"
    );
    tmux.keys("Escape");
    tmux.keys("q");
    assert_eq!(wait_exit(dir.path()), "0");
}

/// The ticket keys listed on screen, top to bottom: rows of a ticket list (`│ ◆ OPS-4 ...`,
/// `│   OPS-4 ...`) whose first word after the marks is a key of `project`.
fn listed_keys(screen: &str, project: &str) -> Vec<String> {
    let prefix = format!("{project}-");
    screen
        .lines()
        .filter_map(|line| {
            let row = line.strip_prefix('│')?;
            // A list row starts with its marks, never with the key itself (detail lines do).
            if !row.starts_with(' ') {
                return None;
            }
            let word = row
                .split_whitespace()
                .find(|w| w.chars().any(|c| c.is_ascii_alphanumeric()))?;
            let digits = word.strip_prefix(prefix.as_str())?;
            (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
                .then(|| word.to_string())
        })
        .collect()
}

#[test]
#[ignore = "needs tmux: cargo test --test e2e_tmux -- --ignored"]
fn filter_mark_three_and_bulk_assign_against_the_jira_contract_server() {
    require_tmux();
    let start_at = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("date");
    // 12 issues in OPS: the even ones carry the label "backend"; every third is assigned,
    // to one of Person 0..4, who are then the project's assignable members.
    let fake = FakeJira::start(
        generate(12, &["OPS"], start_at),
        FixedOffset::east_opt(0).expect("utc"),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("jira.toml");
    std::fs::write(
        &config,
        format!(
            "[[source]]\nkind = \"jira\"\nname = \"jira\"\nurl = \"{}\"\nemail = \"{}\"\n\
             token_env = \"LOOKOUT_E2E_JIRA_TOKEN\"\ninterval = \"1h\"\n",
            fake.url(),
            fake_jira::EMAIL
        ),
    )
    .expect("write config");
    let socket = format!("lookout-e2e-jira-{}", std::process::id());
    let tmux = start_with(
        dir.path(),
        &socket,
        &[("LOOKOUT_E2E_JIRA_TOKEN", fake_jira::TOKEN)],
        &format!("--config '{}'", config.display()),
    );
    tmux.wait_for("the first sync to show OPS", |s| {
        s.contains("OPS") && s.contains("jira ok")
    });

    tmux.keys("Enter");
    tmux.wait_for("OPS's tickets", |s| {
        s.contains("Esc back") && listed_keys(s, "OPS").len() >= 6
    });

    tmux.keys("/");
    tmux.wait_for("the filter line", |s| s.contains("of 12"));
    tmux.type_text("label:backend");
    // Applied as it is typed: the line counts what it lets through.
    tmux.wait_for("the list filtered to the backend tickets", |s| {
        s.contains("/label:backend") && s.contains("6 of 12")
    });
    tmux.keys("Enter");
    let shown = tmux.wait_for("the filter applied", |s| {
        s.contains("open of 12, 6 shown") && listed_keys(s, "OPS").len() == 6
    });
    let keys = listed_keys(&shown, "OPS");
    let backend: Vec<String> = fake.with(|s| {
        s.issues
            .values()
            .filter(|i| i.labels.iter().any(|l| l == "backend"))
            .map(|i| i.key.clone())
            .collect()
    });
    let mut sorted = keys.clone();
    sorted.sort();
    let mut expected = backend.clone();
    expected.sort();
    assert_eq!(
        sorted, expected,
        "only the backend tickets are listed:\n{shown}"
    );

    for _ in 0..3 {
        tmux.keys("Space");
        tmux.keys("j");
    }
    tmux.wait_for("three marks", |s| s.contains("3 marked"));
    tmux.keys("a");
    // Jira's members are offered with their account ids, which is what an assign sends.
    let picker = tmux.wait_for("the member picker", |s| {
        s.contains("Assign 3 tickets to") && s.contains("in progress  (acc-")
    });
    let chosen = picker
        .lines()
        .find_map(|l| {
            let at = l.find("(acc-")?;
            let rest = &l[at + 1..];
            Some(rest[..rest.find(')')?].to_string())
        })
        .expect("the first member's account id");
    tmux.keys("Enter");
    let confirm = tmux.wait_for("the whole confirmation", |s| {
        s.contains("Enter write") && keys[..3].iter().all(|k| s.contains(k.as_str()))
    });
    assert!(confirm.contains("on 3 tickets"), "{confirm}");
    for key in &keys[..3] {
        assert!(
            confirm.contains(key.as_str()),
            "{key} is listed for confirmation:\n{confirm}"
        );
    }
    tmux.keys("Enter");
    tmux.wait_for("the bulk summary", |s| s.contains("3 succeeded, 0 failed"));

    let marked: Vec<(u64, String)> = fake.with(|s| {
        s.issues
            .values()
            .filter(|i| keys[..3].contains(&i.key))
            .map(|i| (i.id, i.key.clone()))
            .collect()
    });
    assert_eq!(marked.len(), 3, "the marked keys are the fake's: {keys:?}");
    let puts: Vec<(String, serde_json::Value)> = fake.with(|s| {
        s.log
            .iter()
            .filter(|(m, p, _)| m == "PUT" && p.ends_with("/assignee"))
            .map(|(_, p, b)| (p.clone(), b.clone()))
            .collect()
    });
    assert_eq!(puts.len(), 3, "exactly three assignee writes: {puts:?}");
    for (id, key) in &marked {
        let path = format!("/rest/api/3/issue/{id}/assignee");
        let sent = fake.requests(&path);
        assert_eq!(sent.len(), 1, "{key} written once at {path}");
        assert_eq!(
            sent[0],
            serde_json::json!({ "accountId": chosen }),
            "{key}: the account id of the member chosen"
        );
    }
    tmux.keys("Escape");
    tmux.keys("q");
    assert_eq!(wait_exit(dir.path()), "0");
}

/// Standard base64 with padding, written out here so the test does not check lookout's
/// encoder against itself.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = String::new();
    for b in bytes {
        bits.push_str(&format!("{b:08b}"));
    }
    while !bits.len().is_multiple_of(6) {
        bits.push('0');
    }
    let mut out: String = bits
        .as_bytes()
        .chunks(6)
        .map(|six| {
            let n = six.iter().fold(0, |n, b| n * 2 + usize::from(*b == b'1'));
            char::from(ALPHABET[n])
        })
        .collect();
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    out
}

/// The key of the Stalled tab's selected ticket: the first word of the line under "Why:" in
/// the box below the list, which starts with the key (`│CRUX-300 Rename ...`).
fn selected_stalled_key(screen: &str) -> Option<String> {
    let lines: Vec<&str> = screen.lines().collect();
    let why = lines.iter().position(|l| l.starts_with("│Why:"))?;
    lines[why..].iter().find_map(|l| {
        let word = l.strip_prefix('│')?.split_whitespace().next()?;
        let (project, number) = word.split_once('-')?;
        let key = !project.is_empty()
            && project.chars().all(|c| c.is_ascii_uppercase())
            && !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit());
        key.then(|| word.to_string())
    })
}

#[test]
#[ignore = "needs tmux: cargo test --test e2e_tmux -- --ignored"]
fn y_copies_the_key_with_osc_52() {
    require_tmux();
    let dir = tempfile::tempdir().expect("temp dir");
    let socket = format!("lookout-e2e-copy-{}", std::process::id());
    let tmux = start(dir.path(), &socket, "");
    tmux.wait_for("the demo portfolio", |s| {
        s.contains("Crux Platform") && s.contains("demo ok")
    });
    tmux.keys("2");
    let first = tmux.wait_for("the Stalled tab", |s| selected_stalled_key(s).is_some());
    let first = selected_stalled_key(&first).expect("a selected key");
    // The second row, so the copy follows the selection rather than the top of the list.
    // Drawn at once, well before the demo's next sync (15s) could redraw it: a key must
    // not wait for something else to wake the loop.
    tmux.keys("j");
    let s = tmux.wait_within(Duration::from_secs(5), "the next ticket selected", |s| {
        selected_stalled_key(s).is_some_and(|k| k != first)
    });
    let key = selected_stalled_key(&s).expect("a selected key");

    // What lookout writes to its terminal, as it writes it: tmux's own clipboard would need
    // `set-clipboard on` and says nothing of the sequence's shape.
    let raw = dir.path().join("pane-output");
    tmux.run(&[
        "pipe-pane",
        "-o",
        "-t",
        "lookout",
        &format!("cat >> '{}'", raw.display()),
    ]);
    tmux.keys("y");
    tmux.wait_for("the copy to be reported", |s| {
        s.contains(&format!("copied {key}"))
    });
    let expected = format!("\u{1b}]52;c;{}\u{7}", base64(key.as_bytes()));
    let start = Instant::now();
    let written = loop {
        let written = std::fs::read(&raw).unwrap_or_default();
        if written
            .windows(expected.len())
            .any(|w| w == expected.as_bytes())
            || start.elapsed() > Duration::from_secs(20)
        {
            break written;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        written
            .windows(expected.len())
            .any(|w| w == expected.as_bytes()),
        "{expected:?} was not written to the terminal; it got:\n{:?}",
        String::from_utf8_lossy(&written)
    );
    tmux.keys("q");
    assert_eq!(wait_exit(dir.path()), "0");
}
