//! Opening a ticket's link: in a browser when one can appear in front of the user, otherwise
//! shown for them to copy.
//!
//! Over SSH a launched browser would open on the remote machine (or nowhere) while the user
//! waits in front of their own; without a display there is nothing to open on. Both cases
//! show the link instead. Only web links are launched: a tracker controls the text, and a
//! `file:` or custom-scheme link handed to the desktop opener could run a program.

use std::fmt;
use std::process::{Command, Stdio};

/// What became of a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// The opener program was started, detached from the terminal.
    Launched(&'static str),
    /// Not opened: the caller shows the link (already cleaned for the screen) and why.
    Show { url: String, reason: NotOpened },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotOpened {
    NotWeb,
    OverSsh,
    NoDisplay,
    /// The opener could not be started (not installed, not executable).
    NoOpener(&'static str),
}

impl fmt::Display for NotOpened {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotOpened::NotWeb => f.write_str("not an http or https link"),
            NotOpened::OverSsh => f.write_str("over SSH a browser would open on the far machine"),
            NotOpened::NoDisplay => f.write_str("no display to open a browser on"),
            NotOpened::NoOpener(program) => write!(f, "cannot start {program}"),
        }
    }
}

/// The platform, as far as opening links goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    MacOs,
    /// Linux and the BSDs: a display server says whether a browser can appear.
    Unix,
    /// Nothing this module knows how to open with.
    Other,
}

impl Platform {
    pub fn current() -> Self {
        if cfg!(target_os = "macos") {
            Platform::MacOs
        } else if cfg!(unix) {
            Platform::Unix
        } else {
            Platform::Other
        }
    }
}

/// What to do with a link, decided from the environment alone (nothing is started).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    Launch { program: &'static str, url: String },
    Show { url: String, reason: NotOpened },
}

/// Decides with `env` standing in for the process environment.
pub fn plan(url: &str, env: impl Fn(&str) -> Option<String>, platform: Platform) -> Plan {
    let show = |reason| Plan::Show {
        url: crate::text::sanitize(url),
        reason,
    };
    // Parsing normalises the link (percent-encodes spaces and controls), so what is passed on
    // is one well-formed argument.
    let Some(web) = reqwest::Url::parse(url.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
    else {
        return show(NotOpened::NotWeb);
    };
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    if set("SSH_CONNECTION") || set("SSH_TTY") {
        return show(NotOpened::OverSsh);
    }
    let program = match platform {
        Platform::MacOs => "open",
        Platform::Unix if set("DISPLAY") || set("WAYLAND_DISPLAY") => "xdg-open",
        Platform::Unix | Platform::Other => return show(NotOpened::NoDisplay),
    };
    Plan::Launch {
        program,
        url: web.as_str().to_string(),
    }
}

/// Opens `url` in a browser when one can appear in front of the user, else says to show it.
pub fn open_or_show(url: &str) -> Opened {
    match plan(url, |name| std::env::var(name).ok(), Platform::current()) {
        Plan::Show { url, reason } => Opened::Show { url, reason },
        Plan::Launch { program, url } => match launch(program, &url) {
            Ok(()) => Opened::Launched(program),
            Err(_) => Opened::Show {
                url: crate::text::sanitize(&url),
                reason: NotOpened::NoOpener(program),
            },
        },
    }
}

/// Starts `program url` with no way to write on the dashboard's screen or read its keys.
fn launch(program: &str, url: &str) -> std::io::Result<()> {
    let mut command = Command::new(program);
    command
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // Its own process group: a terminal signal meant for lookout does not reach the browser.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn()?;
    // Reaped off the UI thread so it never lingers as a zombie; the opener returns quickly.
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_string())
        }
    }

    const URL: &str = "https://example.test/browse/PROJ-1";

    #[test]
    fn a_desktop_session_launches_the_platform_opener() {
        assert_eq!(
            plan(URL, env(&[("DISPLAY", ":0")]), Platform::Unix),
            Plan::Launch {
                program: "xdg-open",
                url: URL.to_string()
            }
        );
        assert!(matches!(
            plan(
                URL,
                env(&[("WAYLAND_DISPLAY", "wayland-0")]),
                Platform::Unix
            ),
            Plan::Launch {
                program: "xdg-open",
                ..
            }
        ));
        assert!(matches!(
            plan(URL, env(&[]), Platform::MacOs),
            Plan::Launch {
                program: "open",
                ..
            }
        ));
    }

    #[test]
    fn ssh_or_no_display_shows_the_link_instead() {
        for (vars, platform, reason) in [
            (
                &[
                    ("DISPLAY", ":0"),
                    ("SSH_CONNECTION", "10.0.0.1 5 10.0.0.2 22"),
                ][..],
                Platform::Unix,
                NotOpened::OverSsh,
            ),
            (
                &[("SSH_TTY", "/dev/pts/3")][..],
                Platform::MacOs,
                NotOpened::OverSsh,
            ),
            (&[][..], Platform::Unix, NotOpened::NoDisplay),
            (&[("DISPLAY", "")][..], Platform::Unix, NotOpened::NoDisplay),
            (
                &[("DISPLAY", ":0")][..],
                Platform::Other,
                NotOpened::NoDisplay,
            ),
        ] {
            let vars: &'static [(&str, &str)] = vars;
            assert_eq!(
                plan(URL, env(vars), platform),
                Plan::Show {
                    url: URL.to_string(),
                    reason: reason.clone()
                },
                "{vars:?}"
            );
        }
    }

    #[test]
    fn only_web_links_are_launched_and_what_is_shown_is_clean() {
        for url in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "ssh://host",
            "-help",
            "",
            "https://",
        ] {
            assert!(
                matches!(
                    plan(url, env(&[("DISPLAY", ":0")]), Platform::Unix),
                    Plan::Show {
                        reason: NotOpened::NotWeb,
                        ..
                    }
                ),
                "{url}"
            );
        }
        let Plan::Show { url, .. } = plan(
            "smb://x\u{1b}]52;c;ZXZpbA==\u{7}",
            env(&[("DISPLAY", ":0")]),
            Platform::Unix,
        ) else {
            panic!("not a web link")
        };
        assert!(!url.contains('\u{1b}') && !url.contains('\u{7}'), "{url:?}");
    }

    #[test]
    fn what_is_launched_is_one_normalised_argument() {
        let Plan::Launch { url, .. } = plan(
            " HTTPS://Example.test/a b?q=\u{1b}x ",
            env(&[("DISPLAY", ":0")]),
            Platform::Unix,
        ) else {
            panic!("a web link on a display")
        };
        assert_eq!(url, "https://example.test/a%20b?q=%1Bx");
    }
}
