//! Started where it cannot draw, the dashboard leaves no escape sequences behind: it says why
//! on stderr, names the commands that work without a terminal, and exits with status 2.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// lookout with no subcommand, in an empty home of its own.
fn dashboard(home: &Path) -> Command {
    isolated(Command::new(env!("CARGO_BIN_EXE_lookout")), home)
}

/// `command` with lookout's config and data kept in `home`, on an ordinary terminal type.
fn isolated(mut c: Command, home: &Path) -> Command {
    c.env_remove("LOOKOUT_CONFIG")
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("LOOKOUT_DATA_DIR", home.join("data"))
        .env("TERM", "xterm-256color");
    c
}

fn assert_refused(status: Option<i32>, stdout: &[u8], stderr: &str, why: &str) {
    assert_eq!(status, Some(2), "stderr: {stderr}");
    assert!(
        !stdout.contains(&0x1b),
        "escape bytes on stdout: {:?}",
        String::from_utf8_lossy(stdout)
    );
    assert!(stderr.contains(why), "{stderr}");
    for command in [
        "lookout sync --once",
        "lookout forecast",
        "lookout doctor",
        "lookout suggestions",
    ] {
        assert!(stderr.contains(command), "{command} not named: {stderr}");
    }
}

#[test]
fn stdout_to_a_pipe_is_refused_before_anything_is_written() {
    let home = tempfile::tempdir().expect("temp dir");
    let out: Output = dashboard(home.path()).output().expect("run lookout");
    assert_refused(
        out.status.code(),
        &out.stdout,
        &String::from_utf8_lossy(&out.stderr),
        "needs a terminal",
    );
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
    assert!(
        !home.path().join("data").exists(),
        "refused before the store or the log were touched"
    );
}

#[test]
fn stdout_to_a_file_and_the_demo_too_are_refused() {
    let home = tempfile::tempdir().expect("temp dir");
    let file = home.path().join("screen.txt");
    let out = dashboard(home.path())
        .arg("--demo")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&file).expect("create file"))
        .output()
        .expect("run lookout");
    let written = std::fs::read(&file).expect("read file");
    assert_refused(
        out.status.code(),
        &written,
        &String::from_utf8_lossy(&out.stderr),
        "standard output",
    );
    assert!(written.is_empty(), "{written:?}");
}

/// Runs `lookout{redirect}` with TERM=`term` in a terminal made by script(1): what script
/// captures is everything lookout wrote to that terminal's screen. Gives (status, screen
/// bytes, stderr).
#[cfg(target_os = "linux")]
fn in_a_terminal(term: &str, redirect: &str) -> (Option<i32>, Vec<u8>, String) {
    let script_works = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        script_works,
        "this test runs lookout in a terminal made by script(1): install util-linux"
    );
    let home = tempfile::tempdir().expect("temp dir");
    let errors = home.path().join("stderr.txt");
    let inner = format!(
        "env TERM={term} '{bin}'{redirect} 2>'{err}'",
        bin = env!("CARGO_BIN_EXE_lookout"),
        err = errors.display()
    );
    let out = isolated(Command::new("script"), home.path())
        .args(["-q", "-e", "-c", &inner, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("run script");
    let stderr = std::fs::read_to_string(&errors).expect("read stderr");
    (out.status.code(), out.stdout, stderr)
}

#[cfg(target_os = "linux")]
#[test]
fn a_dumb_terminal_gets_a_message_and_no_escape_sequences() {
    let (status, screen, stderr) = in_a_terminal("dumb", "");
    assert_refused(status, &screen, &stderr, "TERM=dumb");
}

#[cfg(target_os = "linux")]
#[test]
fn input_from_dev_null_is_refused_even_on_a_terminal() {
    let (status, screen, stderr) = in_a_terminal("xterm-256color", " </dev/null");
    assert_refused(status, &screen, &stderr, "standard input");
}
