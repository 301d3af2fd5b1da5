//! Whether the dashboard has a terminal to draw on.
//!
//! The dashboard switches to the alternate screen and reads raw keys. Redirected to a file or
//! a pipe, that leaves escape sequences in the file and then fails on the first terminal call;
//! on a `dumb` terminal (an editor's shell buffer) it fills the screen with them. So the check
//! runs before anything is written, and the refusal names the commands that work headless.

use std::io::IsTerminal;

/// What the dashboard looked at: kept apart from the process so the decision is testable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub stdin_is_terminal: bool,
    pub stdout_is_terminal: bool,
    /// `TERM` as set, `None` when unset.
    pub term: Option<String>,
    /// Windows consoles leave `TERM` unset and still understand the sequences.
    pub windows: bool,
}

impl Seen {
    /// This process's stdin, stdout and `TERM`.
    pub fn now() -> Self {
        Self {
            stdin_is_terminal: std::io::stdin().is_terminal(),
            stdout_is_terminal: std::io::stdout().is_terminal(),
            term: std::env::var("TERM").ok(),
            windows: cfg!(windows),
        }
    }
}

/// Why the dashboard cannot start here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoTerminal {
    #[error(
        "the dashboard needs a terminal, but standard output is not one (it goes to a file or a pipe); {HEADLESS}"
    )]
    OutputRedirected,
    #[error(
        "the dashboard needs a terminal, but standard input is not one (it comes from a file or a pipe); {HEADLESS}"
    )]
    InputRedirected,
    #[error(
        "the dashboard cannot draw on TERM=dumb, which does not understand escape sequences; {HEADLESS}"
    )]
    Dumb,
    #[error(
        "TERM is not set, so there is no telling which terminal this is; set it (for example TERM=xterm-256color) or {HEADLESS}"
    )]
    Unset,
}

const HEADLESS: &str = "use a headless command instead: `lookout sync --once`, `lookout forecast --project KEY`, `lookout backtest --csv FILE`, `lookout doctor`, `lookout suggestions`, `lookout audit` (see `lookout --help`)";

/// Ok when the dashboard can draw on what was seen.
pub fn check(seen: &Seen) -> Result<(), NoTerminal> {
    if !seen.stdout_is_terminal {
        return Err(NoTerminal::OutputRedirected);
    }
    if !seen.stdin_is_terminal {
        return Err(NoTerminal::InputRedirected);
    }
    match seen.term.as_deref().map(str::trim) {
        Some("dumb") => Err(NoTerminal::Dumb),
        // An unset TERM on Unix usually means a stripped environment (`env -i`, a service
        // manager), where the terminal's abilities are a guess; Windows consoles never set it.
        None | Some("") if !seen.windows => Err(NoTerminal::Unset),
        _ => Ok(()),
    }
}

/// Ok when this process can start the dashboard.
pub fn require_terminal() -> Result<(), NoTerminal> {
    check(&Seen::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(stdin: bool, stdout: bool, term: Option<&str>) -> Seen {
        Seen {
            stdin_is_terminal: stdin,
            stdout_is_terminal: stdout,
            term: term.map(str::to_string),
            windows: false,
        }
    }

    #[test]
    fn everyday_terminals_pass() {
        for term in [
            "xterm",
            "xterm-256color",
            "screen",
            "screen-256color",
            "tmux-256color",
            "linux",
            "vt100",
            "alacritty",
        ] {
            assert_eq!(check(&seen(true, true, Some(term))), Ok(()), "{term}");
        }
    }

    #[test]
    fn redirection_either_way_is_refused_and_names_the_stream() {
        let out = check(&seen(true, false, Some("xterm"))).expect_err("stdout redirected");
        assert!(out.to_string().contains("standard output"), "{out}");
        let inp = check(&seen(false, true, Some("xterm"))).expect_err("stdin redirected");
        assert!(inp.to_string().contains("standard input"), "{inp}");
    }

    #[test]
    fn dumb_and_unset_terms_are_refused_except_unset_on_windows() {
        assert_eq!(
            check(&seen(true, true, Some("dumb"))),
            Err(NoTerminal::Dumb)
        );
        assert_eq!(check(&seen(true, true, None)), Err(NoTerminal::Unset));
        assert_eq!(check(&seen(true, true, Some(" "))), Err(NoTerminal::Unset));
        let windows = Seen {
            windows: true,
            ..seen(true, true, None)
        };
        assert_eq!(check(&windows), Ok(()));
    }

    #[test]
    fn every_refusal_names_the_headless_commands() {
        for e in [
            NoTerminal::OutputRedirected,
            NoTerminal::InputRedirected,
            NoTerminal::Dumb,
            NoTerminal::Unset,
        ] {
            let text = e.to_string();
            for command in [
                "sync --once",
                "forecast",
                "doctor",
                "suggestions",
                "backtest",
            ] {
                assert!(text.contains(command), "{command} missing from: {text}");
            }
            assert!(!text.contains('\n'), "one line: {text}");
        }
    }
}
