//! The real binary in a real terminal: tmux runs lookout, types keys, and reads the screen.
//!
//! Marked ignored, so a run without tmux says so instead of passing: run them with
//! `cargo test --test e2e_tmux -- --ignored` (`.ci/run` does). Without tmux they fail.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

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

    /// Waits until the screen satisfies `ok`, returning it; panics with the last screen if not.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(20) {
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
    let bin = env!("CARGO_BIN_EXE_lookout");
    let exit = dir.join("exit-code");
    let command = format!(
        "env -u LOOKOUT_CONFIG XDG_CONFIG_HOME='{cfg}' '{bin}' --data-dir '{data}' {args}; echo $? > '{exit}'; sleep 60",
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
