//! Config files: the example parses, and each kind of mistake is reported with the file, the
//! line and the key.

use std::path::Path;
use std::process::Command;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lookout::config::{ConfigError, Settings, SourceKind};
use lookout::keys::Scope;

fn error_of(text: &str) -> (usize, String, String) {
    match Settings::parse(Path::new("bad.toml"), text) {
        Err(ConfigError::At {
            path,
            line,
            key,
            message,
        }) => {
            assert_eq!(path, Path::new("bad.toml"));
            (line, key, message)
        }
        Err(other) => panic!("expected a located error, got {other}"),
        Ok(_) => panic!("expected an error for:\n{text}"),
    }
}

#[test]
fn example_config_parses_with_every_section() {
    let text = std::fs::read_to_string("config.example.toml").expect("example exists");
    let s = Settings::parse(Path::new("config.example.toml"), &text).expect("example parses");
    assert_eq!(
        s.sources[0].kind,
        SourceKind::new(lookout::sources::demo::Settings { seed: 42 })
    );
    assert_eq!(s.sources[0].interval.as_secs(), 15);
    assert!((s.stall.warn_quantile - 0.70).abs() < 1e-9);
    assert_eq!(s.log_level, "info");
}

#[test]
fn unknown_key_names_line_and_key() {
    let (line, key, msg) = error_of("[general]\nread_only = false\ncolour = true\n");
    assert_eq!((line, key.as_str()), (3, "general.colour"));
    assert!(msg.contains("unknown field `colour`"), "{msg}");
}

#[test]
fn wrong_type_names_line_and_key() {
    let (line, key, msg) = error_of("[general]\nread_only = \"yes\"\n");
    assert_eq!((line, key.as_str()), (2, "general.read_only"));
    assert!(
        msg.contains("invalid type") || msg.contains("expected a boolean") || msg.contains("bool"),
        "{msg}"
    );
}

#[test]
fn bad_interval_names_the_source_entry() {
    let text = "[[source]]\nkind = \"demo\"\nname = \"a\"\n\n[[source]]\nkind = \"demo\"\nname = \"b\"\ninterval = \"5x\"\n";
    let (line, key, msg) = error_of(text);
    assert_eq!((line, key.as_str()), (8, "source[2].interval"));
    assert!(msg.contains("unknown unit"), "{msg}");
}

#[test]
fn unknown_source_kind() {
    let (line, key, msg) = error_of("[[source]]\nkind = \"jora\"\nname = \"x\"\n");
    assert_eq!((line, key.as_str()), (2, "source[1].kind"));
    assert!(
        msg.contains("\"jora\" is not a source kind") && msg.contains("demo"),
        "{msg}"
    );
}

#[test]
fn secrets_in_the_file_are_refused_with_advice() {
    let (line, key, msg) =
        error_of("[[source]]\nkind = \"demo\"\nname = \"x\"\napi_key = \"s3cr3t\"\n");
    assert_eq!((line, key.as_str()), (4, "source[1].api_key"));
    assert!(
        msg.contains("environment variable") && msg.contains("api_key_env"),
        "{msg}"
    );
    assert!(
        !msg.contains("s3cr3t"),
        "the secret itself must not be echoed: {msg}"
    );
}

#[test]
fn bad_key_binding_and_unknown_action() {
    let (line, key, msg) = error_of("[keys]\nquit = [\"q\", \"hyper-q\"]\n");
    assert_eq!((line, key.as_str()), (2, "keys.quit"));
    assert!(msg.contains("\"hyper-q\" is not a key"), "{msg}");
    let (line, key, msg) = error_of("[keys]\n\nfly = [\"f\"]\n");
    assert_eq!((line, key.as_str()), (3, "keys.fly"));
    assert!(msg.contains("not an action"), "{msg}");
}

#[test]
fn percentiles_must_be_ordered_and_in_range() {
    let (line, key, msg) = error_of("[stall]\nwarn_percentile = 90\nflag_percentile = 80\n");
    assert_eq!((line, key.as_str()), (3, "stall.flag_percentile"));
    assert!(msg.contains("below warn_percentile"), "{msg}");
    let (_, key, msg) = error_of("[stall]\nflag_percentile = 120\n");
    assert_eq!(key, "stall.flag_percentile");
    assert!(msg.contains("between 1 and 99"), "{msg}");
}

#[test]
fn duplicate_source_names() {
    let text =
        "[[source]]\nkind = \"demo\"\nname = \"a\"\n[[source]]\nkind = \"demo\"\nname = \"a\"\n";
    let (line, key, msg) = error_of(text);
    assert_eq!((line, key.as_str()), (6, "source[2].name"));
    assert!(msg.contains("unique"), "{msg}");
}

#[test]
fn broken_toml_names_the_line() {
    let (line, _, _) = error_of("[general]\nread_only = false\n[ui\ncolor = true\n");
    assert_eq!(line, 3);
}

#[test]
fn keys_can_be_rebound() {
    let s = Settings::parse(Path::new("ok.toml"), "[keys]\nquit = [\"Q\"]\n").expect("valid");
    let quit = s
        .keymap
        .bindings
        .iter()
        .find(|b| b.command.action == lookout::keys::Action::Quit)
        .expect("quit");
    assert_eq!(quit.keys.len(), 1);
    assert_eq!(quit.keys[0].label(), "Q");
}

fn command_in(s: &Settings, key: char, scopes: &[Scope]) -> Option<String> {
    let event = KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE);
    s.keymap.command_for(&event, scopes).map(|c| c.name())
}

#[test]
fn keys_rebind_in_one_scope_take_several_keys_and_carry_data() {
    let text = "[keys]\n\"stalled.filter_project\" = [\"P\", \"f\"]\n\
                \"ticket.assign:@me\" = [\"M\"]\n\
                \"suggestions.accept\" = [\"Y\"]\n";
    let s = Settings::parse(Path::new("ok.toml"), text).expect("valid");
    let stalled = [Scope::Stalled, Scope::Ticket, Scope::List, Scope::Global];
    assert_eq!(
        command_in(&s, 'P', &stalled).as_deref(),
        Some("filter_project")
    );
    assert_eq!(
        command_in(&s, 'f', &stalled).as_deref(),
        Some("filter_project")
    );
    assert_eq!(command_in(&s, 'M', &stalled).as_deref(), Some("assign:@me"));
    // `a` still assigns on a ticket; in Suggestions, Y accepts and `a` no longer does.
    assert_eq!(command_in(&s, 'a', &stalled).as_deref(), Some("assign"));
    let suggestions = [Scope::Suggestions, Scope::List, Scope::Global];
    assert_eq!(command_in(&s, 'Y', &suggestions).as_deref(), Some("accept"));
    assert_eq!(command_in(&s, 'a', &suggestions), None);
    // Rebinding quit without a scope leaves ctrl-c quitting from inside a text line.
    let s = Settings::parse(Path::new("ok.toml"), "[keys]\nquit = [\"Q\"]\n").expect("valid");
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let input = s
        .keymap
        .command_for(&ctrl_c, &[Scope::Input])
        .map(|c| c.name());
    assert_eq!(input.as_deref(), Some("quit"));
    assert_eq!(command_in(&s, 'Q', &[Scope::Input]), None);
}

#[test]
fn a_conflict_inside_one_scope_names_the_line_and_a_bad_scope_is_refused() {
    let (line, key, msg) = error_of("[keys]\n\n\"ticket.comment\" = [\"a\"]\n");
    assert_eq!((line, key.as_str()), (3, "keys.ticket.comment"));
    assert!(msg.contains("in scope ticket"), "{msg}");
    // The same key in another scope is no conflict.
    Settings::parse(
        Path::new("ok.toml"),
        "[keys]\n\"forecasts.toggle_method\" = [\"a\"]\n",
    )
    .expect("a in forecasts and in suggestions");
    let (line, _, msg) = error_of("[keys]\n\"sidebar.quit\" = [\"q\"]\n");
    assert_eq!(line, 2);
    assert!(msg.contains("not a scope"), "{msg}");
    let (_, _, msg) = error_of("[keys]\n\"quit:now\" = [\"q\"]\n");
    assert!(msg.contains("takes no argument"), "{msg}");
}

fn lookout(args: &[&str], data: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lookout"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("LOOKOUT_CONFIG")
        .env("XDG_CONFIG_HOME", data.join("no-config"))
        .output()
        .expect("run lookout")
}

#[test]
fn the_binary_reports_config_errors_and_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[ui]\ncolor = 3\n").expect("write config");
    let out = lookout(
        &[
            "--config",
            bad.to_str().expect("utf-8 path"),
            "sync",
            "--once",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:2: ui.color:"), "{err}");

    let missing = dir.path().join("missing.toml");
    let out = lookout(
        &[
            "--config",
            missing.to_str().expect("utf-8 path"),
            "sync",
            "--once",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read config"), "{err}");
    assert_eq!(err.matches("(os error 2)").count(), 1, "said once: {err}");

    // A data directory that cannot be one: the OS error once, too.
    let out = Command::new(env!("CARGO_BIN_EXE_lookout"))
        .args(["--data-dir", "/dev/null/lookout", "sync", "--once"])
        .env_remove("LOOKOUT_CONFIG")
        .env("XDG_CONFIG_HOME", dir.path().join("no-config"))
        .output()
        .expect("run lookout");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("(os error").count(), 1, "said once: {err}");
}

#[test]
fn sync_once_prints_a_line_per_source_and_resumes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = lookout(&["sync", "--once"], dir.path());
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // "demo: 1520 tickets (1520 new, 0 changed, 0 deleted), 2934 status changes, 6 projects
    // in 0.3 s": what arrived, not records or cursors.
    let new_tickets = |out: &std::process::Output| -> usize {
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(text.starts_with("demo: "), "{text}");
        assert!(
            text.contains(" status changes, ") && text.contains(" s\n"),
            "{text}"
        );
        assert!(
            !text.contains("cursor") && !text.contains("records"),
            "{text}"
        );
        let (_, after) = text.split_once('(').expect("a ticket breakdown");
        let (n, _) = after.split_once(" new, ").expect("new tickets");
        n.parse().expect("a count")
    };
    let first_new = new_tickets(&first);
    assert!(first_new > 1000, "the first sync brings the portfolio");
    let second = lookout(&["sync", "--once"], dir.path());
    assert!(
        new_tickets(&second) < first_new / 10,
        "the second sync continues from the first"
    );
}

#[test]
fn a_key_bound_to_two_actions_is_refused() {
    let (line, key, msg) = error_of("[keys]\nrefresh = [\"q\"]\n");
    assert_eq!((line, key.as_str()), (2, "keys.refresh"));
    assert!(
        msg.contains("quit and refresh") || msg.contains("refresh and quit"),
        "{msg}"
    );
    assert!(msg.contains("scope global"), "{msg}");
    // Moving quit away first makes the same key free.
    Settings::parse(
        Path::new("ok.toml"),
        "[keys]\nquit = [\"Q\"]\nrefresh = [\"q\"]\n",
    )
    .expect("no clash");
}

#[test]
fn warn_above_the_default_flag_is_refused() {
    let (line, key, msg) = error_of("[stall]\nwarn_percentile = 90\n");
    assert_eq!((line, key.as_str()), (2, "stall.warn_percentile"));
    assert!(msg.contains("must not be below"), "{msg}");
}

#[test]
fn targets_and_quiet_days() {
    let s = Settings::parse(Path::new("ok.toml"), "[stall]\nquiet_days = 21\n[targets]\nATLAS = \"2027-01-31\"\n\"demo/CRUX\" = \"2027-02-28\"\n")
        .expect("valid");
    assert_eq!(s.stall.quiet_days, 21.0);
    assert_eq!(s.targets.len(), 2);
    let (line, key, msg) = error_of("[targets]\nATLAS = \"soon\"\n");
    assert_eq!((line, key.as_str()), (2, "targets.ATLAS"));
    assert!(msg.contains("YYYY-MM-DD"), "{msg}");
    let (_, key, _) = error_of("[stall]\nquiet_days = 0\n");
    assert_eq!(key, "stall.quiet_days");
}

#[test]
fn commented_tracker_examples_parse_once_uncommented() {
    let text = std::fs::read_to_string("config.example.toml").expect("example exists");
    // Uncomment the example source entries (lines "# key = ..." and "# [[source]]").
    let uncommented: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest)
                if rest.starts_with("[[source]]")
                    || rest.split_once(" = ").is_some_and(|(k, _)| {
                        k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    }) =>
            {
                rest
            }
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let s = Settings::parse(Path::new("config.example.toml"), &uncommented)
        .expect("uncommented examples parse");
    let kinds: Vec<&str> = s.sources.iter().map(|s| s.kind.label()).collect();
    assert_eq!(
        kinds,
        vec![
            "demo",
            "csv",
            "redmine",
            "jira",
            "gitlab",
            "github",
            "connectwise"
        ]
    );
    let gl = s.sources[4]
        .kind
        .get::<lookout::sources::gitlab::Settings>()
        .expect("GitLab settings");
    assert_eq!(gl.url, "https://gitlab.com");
    assert_eq!(gl.token_env, "GITLAB_TOKEN");
    assert_eq!(gl.auth, lookout::sources::gitlab::Auth::PrivateToken);
    assert_eq!(gl.projects, vec!["acme/web", "acme/api"]);
    assert_eq!(gl.groups, vec!["acme-ops"]);
    assert_eq!(gl.status_scope.as_deref(), Some("workflow"));
    assert_eq!(gl.priority_scope.as_deref(), Some("priority"));
    assert_eq!(gl.status_categories.len(), 2);
    assert_eq!(gl.sweep_every.as_secs(), 3600);
    match s.sources[2]
        .kind
        .get::<lookout::sources::redmine::Settings>()
    {
        Some(r) => {
            assert_eq!(r.api_key_env, "REDMINE_API_KEY");
            assert_eq!(r.projects, vec!["ops", "infra"]);
            assert_eq!(r.sweep_every.as_secs(), 3600);
        }
        None => panic!("{:?}", s.sources[2].kind),
    }
    match s.sources[4]
        .kind
        .get::<lookout::sources::connectwise::Settings>()
    {
        Some(c) => {
            assert_eq!(c.url, "https://na.myconnectwise.net");
            assert_eq!(c.company, "acme");
            assert_eq!(
                (c.public_key_env.as_str(), c.private_key_env.as_str()),
                ("CW_PUBLIC_KEY", "CW_PRIVATE_KEY")
            );
            assert_eq!(c.boards, vec!["Help Desk", "Projects"]);
        }
        None => panic!("{:?}", s.sources[4].kind),
    }
}

#[test]
fn connectwise_sources_name_the_line_and_key_of_each_mistake() {
    let table = |lines: &str| {
        format!(
            "[[source]]\nkind = \"connectwise\"\nname = \"psa\"\nurl = \"https://cw.example\"\n{lines}"
        )
    };
    let cases = [
        (
            table(
                "company = \"acme\"\npublic_key_env = \"P\"\nprivate_key_env = \"Q\"\nboards = [\"Help Desk\"]\n",
            ),
            2,
            "`client_id`",
            "kind",
        ),
        (
            table(
                "company = \"acme\"\npublic_key_env = \"P\"\nprivate_key_env = \"the key\"\nclient_id = \"c\"\nboards = [\"Help Desk\"]\n",
            ),
            7,
            "is not an environment variable name",
            "private_key_env",
        ),
        (
            table(
                "company = \"acme\"\npublic_key_env = \"P\"\nprivate_key_env = \"Q\"\nclient_id = \"c\"\n",
            ),
            2,
            "`boards`",
            "kind",
        ),
        (
            table(
                "public_key_env = \"P\"\nprivate_key_env = \"Q\"\nclient_id = \"c\"\nboards = [\"Help Desk\"]\n",
            ),
            2,
            "`company`",
            "kind",
        ),
    ];
    for (text, line, needle, at_key) in cases {
        let (got, key, message) = error_of(&text);
        assert_eq!(got, line, "{text} => {key}: {message}");
        assert_eq!(key, format!("source[1].{at_key}"), "{text} => {message}");
        assert!(message.contains(needle), "{text} => {key}: {message}");
    }
}

#[test]
fn tracker_sources_name_the_line_and_key_of_each_mistake() {
    let cases = [
        (
            "[[source]]\nkind = \"redmine\"\nname = \"a\"\napi_key_env = \"K\"\n",
            2,
            "needs `url`",
        ),
        (
            "[[source]]\nkind = \"redmine\"\nname = \"a\"\nurl = \"redmine.local\"\napi_key_env = \"K\"\n",
            4,
            "write it with http:// or https://",
        ),
        (
            "[[source]]\nkind = \"redmine\"\nname = \"a\"\nurl = \"http://x\"\napi_key_env = \"abc123 key\"\n",
            5,
            "is not an environment variable name",
        ),
        (
            "[[source]]\nkind = \"jira\"\nname = \"a\"\nurl = \"https://x\"\ntoken_env = \"T\"\n",
            2,
            "needs `email`",
        ),
        (
            "[[source]]\nkind = \"jira\"\nname = \"a\"\nurl = \"https://x\"\nemail = \"me\"\ntoken_env = \"T\"\n",
            5,
            "is not an email address",
        ),
        (
            "[[source]]\nkind = \"jira\"\nname = \"a\"\nurl = \"https://x\"\nemail = \"m@x\"\ntoken_env = \"T\"\ncloud_id = \"../../evil\"\n",
            7,
            "is not a cloud id",
        ),
        (
            "[[source]]\nkind = \"jira\"\nname = \"a\"\nurl = \"https://x\"\nemail = \"m@x\"\ntoken_env = \"T\"\ncloud_id = \"abc\"\n",
            7,
            "is not a cloud id",
        ),
        (
            "[[source]]\nkind = \"jira\"\nname = \"a\"\nurl = \"https://x\"\nemail = \"m@x\"\ntoken_env = \"T\"\napi_key_env = \"K\"\n",
            7,
            "`api_key_env` does not apply to jira sources",
        ),
        (
            "[[source]]\nkind = \"jira\"\nname = \"a\"\nurl = \"https://x\"\nemail = \"m@x\"\ntoken = \"abc\"\n",
            6,
            "secrets are never read from the config file",
        ),
    ];
    for (text, line, needle) in cases {
        let (got, key, message) = error_of(text);
        assert_eq!(got, line, "{text} => {key}: {message}");
        assert!(message.contains(needle), "{text} => {key}: {message}");
    }
}

#[test]
fn tracker_addresses_that_cannot_work_are_refused_at_their_line() {
    let source = |kind: &str, url: &str| {
        let secret = if kind == "jira" {
            "email = \"m@x.org\"\ntoken_env = \"T\""
        } else {
            "api_key_env = \"K\""
        };
        format!(
            "# trackers\n\n[[source]]\nkind = \"{kind}\"\nname = \"a\"\nurl = \"{url}\"\n{secret}\n"
        )
    };
    let cases = [
        ("redmine", "http://127.0.0.1:", "empty port"),
        ("redmine", "http://", "no host name"),
        (
            "redmine",
            "gopher://tracker.example",
            "http:// and https:// only",
        ),
        (
            "redmine",
            "https://me:pw@tracker.example",
            "carries credentials",
        ),
        (
            "jira",
            "https://acme.atlassian.net/jira/software/projects/EE",
            "site root",
        ),
    ];
    for (kind, url, needle) in cases {
        let (line, key, message) = error_of(&source(kind, url));
        assert_eq!(line, 6, "{url}: {message}");
        assert_eq!(key, "source[1].url", "{url}: {message}");
        assert!(message.contains(needle), "{url}: {message}");
    }
    // Redmine may live below a path; Jira Cloud's root with a slash is fine.
    for (kind, url) in [
        ("redmine", "https://host/redmine/"),
        ("jira", "https://acme.atlassian.net/"),
    ] {
        Settings::parse(Path::new("ok.toml"), &source(kind, url)).expect(url);
    }
}

#[test]
fn me_is_a_list_of_names_and_a_wrong_type_names_its_line() {
    let s = Settings::parse(Path::new("c.toml"), "me = [\"alice\", \"Alice Smith\"]\n")
        .expect("a list of names");
    assert_eq!(s.me, vec!["alice".to_string(), "Alice Smith".to_string()]);
    let (line, key, msg) = error_of("# who I am\nme = \"alice\"\n");
    assert_eq!((line, key.as_str()), (2, "me"));
    assert!(msg.contains("sequence") || msg.contains("array"), "{msg}");
    let (line, _, _) = error_of("me = [\n  \"alice\",\n  3,\n]\n");
    assert_eq!(line, 3, "the line of the number");
}

#[test]
fn themes_are_chosen_by_name_and_user_themes_start_from_the_default() {
    use lookout::palette::{Palette, Role, parse_style};
    let s = Settings::parse(Path::new("t.toml"), "[ui]\ntheme = \"light\"\n").expect("light");
    assert_eq!(s.theme, Palette::built_in("light").expect("built in"));
    let text = "[ui]\ntheme = \"dusk\"\n\n[theme.dusk]\nwarn = \"#ff8800 bold\"\nselected = \"black on yellow\"\n";
    let s = Settings::parse(Path::new("t.toml"), text).expect("user theme");
    assert_eq!(
        s.theme.get(Role::Warn),
        parse_style("#ff8800 bold").expect("style")
    );
    assert_eq!(
        s.theme.get(Role::Flag),
        Palette::default().get(Role::Flag),
        "roles not named keep the default's"
    );
    // `[theme.default]` adjusts the default itself.
    let s = Settings::parse(Path::new("t.toml"), "[theme.default]\nok = \"blue\"\n").expect("ok");
    assert_eq!(s.theme.get(Role::Ok), parse_style("blue").expect("style"));
    let s = Settings::parse(Path::new("t.toml"), "[ui]\nascii = true\n").expect("ascii");
    assert!(s.ascii);
}

#[test]
fn a_bad_theme_value_names_its_line_and_key() {
    let (line, key, msg) = error_of(
        "[ui]\ntheme = \"dusk\"\n\n[theme.dusk]\nwarn = \"yellow\"\nflag = \"red blod\"\n",
    );
    assert_eq!((line, key.as_str()), (6, "theme.dusk.flag"));
    assert!(msg.contains("\"blod\" is not a colour or a style"), "{msg}");

    let (line, key, msg) = error_of("[theme.dusk]\n\nheader = \"#ff88 on blue\"\n");
    assert_eq!((line, key.as_str()), (3, "theme.dusk.header"));
    assert!(msg.contains("#rrggbb"), "{msg}");

    // Checked even when another theme is chosen.
    let (line, key, msg) = error_of("[theme.spare]\nselection = \"reverse\"\n");
    assert_eq!((line, key.as_str()), (2, "theme.spare.selection"));
    assert!(msg.contains("selected"), "the roles are listed: {msg}");

    let (line, key, msg) = error_of("[theme.dusk]\nwarn = 3\n");
    assert_eq!((line, key.as_str()), (2, "theme.dusk.warn"));
    assert!(msg.contains("string"), "{msg}");

    let (line, key, msg) = error_of("[ui]\ncolor = true\ntheme = \"solarized\"\n[theme.dusk]\n");
    assert_eq!((line, key.as_str()), (3, "ui.theme"));
    assert!(
        msg.contains("default, light, mono") && msg.contains("yours: dusk"),
        "{msg}"
    );
}

const PROFILES: &str = r#"
[[source]]
kind = "demo"
name = "work-demo"
seed = 1

[[source]]
kind = "demo"
name = "home-demo"
seed = 2

[profile.work]
sources = ["work-demo"]

[profile.all]
sources = ["home-demo", "work-demo"]
"#;

#[test]
fn a_profile_narrows_the_sources_to_its_list() {
    let mut s = Settings::parse(Path::new("p.toml"), PROFILES).expect("parses");
    assert_eq!(s.sources.len(), 2, "all sources until a profile is chosen");
    assert_eq!(s.profile, None);
    s.select_profile("work").expect("known");
    let names: Vec<&str> = s.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["work-demo"]);
    assert_eq!(s.profile.as_deref(), Some("work"));

    let mut s = Settings::parse(Path::new("p.toml"), PROFILES).expect("parses");
    s.select_profile("all").expect("known");
    let names: Vec<&str> = s.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["home-demo", "work-demo"], "in the profile's order");
}

#[test]
fn an_unknown_profile_lists_the_known_ones() {
    let mut s = Settings::parse(Path::new("p.toml"), PROFILES).expect("parses");
    let err = s.select_profile("wrok").expect_err("unknown").to_string();
    assert!(err.contains("p.toml"), "{err}");
    assert!(err.contains("\"wrok\""), "{err}");
    assert!(err.contains("known profiles: all, work"), "{err}");
    let mut none = Settings::parse(Path::new("q.toml"), "").expect("parses");
    let err = none.select_profile("work").expect_err("none").to_string();
    assert!(err.contains("defines no [profile.NAME]"), "{err}");
}

#[test]
fn profile_mistakes_name_line_and_key() {
    let text = PROFILES.replace(r#"sources = ["work-demo"]"#, r#"sources = ["work-dmeo"]"#);
    let (line, key, msg) = error_of(&text);
    assert_eq!((line, key.as_str()), (13, "profile.work.sources"));
    assert!(
        msg.contains("no [[source]] is named \"work-dmeo\"") && msg.contains("home-demo"),
        "{msg}"
    );
    let (line, key, msg) = error_of(&format!("{PROFILES}\n[profile.empty]\nsources = []\n"));
    assert_eq!((line, key.as_str()), (19, "profile.empty.sources"));
    assert!(msg.contains("at least one source"), "{msg}");
    let (line, _, msg) = error_of(&format!(
        "{PROFILES}\n[profile.\"a/b\"]\nsources = [\"work-demo\"]\n"
    ));
    assert_eq!(line, 18);
    assert!(msg.contains("not a profile name"), "{msg}");
    let (line, key, msg) = error_of(&format!(
        "{PROFILES}\n[profile.x]\nsource = [\"work-demo\"]\n"
    ));
    assert_eq!((line, key.as_str()), (19, "profile.x.source"));
    assert!(msg.contains("unknown field"), "{msg}");
    let (_, _, msg) = error_of(&PROFILES.replace(
        r#"["home-demo", "work-demo"]"#,
        r#"["work-demo", "work-demo"]"#,
    ));
    assert!(msg.contains("listed twice"), "{msg}");
}

#[test]
fn the_mouse_is_off_unless_asked_for() {
    let s = Settings::parse(Path::new("m.toml"), "").expect("parses");
    assert!(!s.mouse);
    let s = Settings::parse(Path::new("m.toml"), "[ui]\nmouse = true\n").expect("parses");
    assert!(s.mouse);
}

#[test]
fn sync_once_with_a_profile_writes_into_the_profile_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("p.toml");
    std::fs::write(&config, PROFILES).expect("write config");
    let data = dir.path().join("data");
    let args = [
        "--config",
        config.to_str().expect("utf-8"),
        "sync",
        "--once",
    ];
    let out = lookout(&[&args[..], &["--profile", "work"]].concat(), &data);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("work-demo: "), "{stdout}");
    assert!(
        !stdout.contains("home-demo"),
        "only the profile's sources: {stdout}"
    );

    let profile = lookout::store::Store::open(&data.join("profiles").join("work")).expect("open");
    let tickets = profile.load().expect("load").tickets;
    assert!(!tickets.is_empty());
    assert!(tickets.iter().all(|t| t.source == "work-demo"));
    drop(profile);
    let shared = lookout::store::Store::open(&data).expect("open");
    assert!(
        shared.load().expect("load").tickets.is_empty(),
        "the data dir's own store is not touched"
    );
    drop(shared);

    let out = lookout(&[&args[..], &["--profile", "wrok"]].concat(), &data);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("known profiles: all, work"), "{err}");
}

#[test]
fn gitlab_sources_take_their_keys_and_name_each_mistake() {
    let ok = "[[source]]\nkind = \"gitlab\"\nname = \"gl\"\nurl = \"https://git.example/gitlab\"\n\
              token_env = \"GL_TOKEN\"\nauth = \"bearer\"\ngroups = [\"ops\"]\n";
    let s = Settings::parse(Path::new("ok.toml"), ok).expect("a self-managed GitLab");
    let gl = s.sources[0]
        .kind
        .get::<lookout::sources::gitlab::Settings>()
        .expect("GitLab settings");
    assert_eq!(gl.url, "https://git.example/gitlab", "below a path");
    assert_eq!(gl.auth, lookout::sources::gitlab::Auth::Bearer);
    assert_eq!(gl.groups, ["ops"]);
    assert!(gl.status_scope.is_none() && gl.status_categories.is_empty());
    assert_eq!(s.sources[0].interval.as_secs(), 300);
    assert!(s.sources[0].kind.describe().contains("group ops"));

    let base = "[[source]]\nkind = \"gitlab\"\nname = \"gl\"\ntoken_env = \"GL_TOKEN\"\n";
    let cases = [
        (base.to_string(), 2, "source[1].kind", "needs `projects`"),
        (
            format!("{base}projects = [\"a/b\"]\nauth = \"basic\"\n"),
            6,
            "source[1].auth",
            "unknown auth \"basic\"",
        ),
        (
            format!("{base}projects = [\"a/b\"]\nstatus_scope = \"workflow::\"\n"),
            6,
            "source[1].status_scope",
            "the label scope alone",
        ),
        (
            format!("{base}projects = [\"a/b\"]\nstatus_categories = {{ review = \"doing\" }}\n"),
            6,
            "source[1].status_categories",
            "needs `status_scope`",
        ),
        (
            format!(
                "{base}projects = [\"a/b\"]\nstatus_scope = \"wf\"\n\
                 status_categories = {{ review = \"doing\" }}\n"
            ),
            7,
            "source[1].status_categories",
            "use \"to do\", \"in progress\" or \"done\"",
        ),
        (
            "[[source]]\nkind = \"gitlab\"\nname = \"gl\"\ntoken_env = \"glpat-abc\"\nprojects = [\"a/b\"]\n"
                .to_string(),
            4,
            "source[1].token_env",
            "not an environment variable name",
        ),
        (
            format!("{base}projects = [\"a/b\"]\nurl = \"gitlab.example\"\n"),
            6,
            "source[1].url",
            "write it with http:// or https://",
        ),
        (
            format!("{base}projects = [\"a/b\"]\napi_key_env = \"K\"\n"),
            6,
            "source[1].api_key_env",
            "",
        ),
    ];
    for (text, line, key, needle) in cases {
        let (got, got_key, message) = error_of(&text);
        assert_eq!((got, got_key.as_str()), (line, key), "{text} => {message}");
        assert!(message.contains(needle), "{text} => {message}");
    }
}
