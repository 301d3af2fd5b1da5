//! `kind = "github"` in the config: its keys read into the connector's settings, and each
//! mistake named with the file, the line and the key.

use std::path::Path;
use std::time::Duration;

use lookout::config::{ConfigError, Settings};
use lookout::domain::{Priority, StatusCategory};
use lookout::sources::github;

fn github(text: &str) -> github::Settings {
    let s = Settings::parse(Path::new("c.toml"), text).expect("parses");
    s.sources[0]
        .kind
        .get::<github::Settings>()
        .cloned()
        .expect("github settings")
}

fn error_of(text: &str) -> (usize, String, String) {
    match Settings::parse(Path::new("c.toml"), text) {
        Err(ConfigError::At {
            line, key, message, ..
        }) => (line, key, message),
        Err(other) => panic!("expected a located error, got {other}"),
        Ok(_) => panic!("expected an error for:\n{text}"),
    }
}

#[test]
fn a_github_source_reads_its_repositories_and_label_rules() {
    let s = github(
        r#"
[[source]]
kind = "github"
name = "gh"
token_env = "GITHUB_TOKEN"
repos = ["acme/app", "acme/api.v2"]
priority_labels = { "P1" = "highest", "priority:*" = "Low" }
estimate_labels = { "size/M" = 3, "points:*" = "number" }
status_labels = { "in review" = "in progress", "triage" = "to do" }
"#,
    );
    assert_eq!(s.url, "https://api.github.com", "GitHub's API by default");
    assert_eq!(s.token_env, "GITHUB_TOKEN");
    assert_eq!(s.repos, ["acme/app", "acme/api.v2"]);
    assert_eq!(s.sweep_every, Duration::from_secs(3600));
    assert_eq!(
        s.labels.priority(&["priority:meh"]),
        Some((Priority::Low, "priority:meh"))
    );
    assert_eq!(s.labels.estimate(&["points:8"]), Some(8.0));
    assert_eq!(s.labels.estimate(&["size/m"]), Some(3.0));
    assert_eq!(
        s.labels.status(&["Triage"]),
        Some(("Triage", StatusCategory::Todo))
    );

    let enterprise = github(
        "[[source]]\nkind = \"github\"\nname = \"ghe\"\nurl = \"https://git.example.com/api/v3\"\n\
         token_env = \"GHE_TOKEN\"\nrepos = [\"ops/infra\"]\n",
    );
    assert_eq!(enterprise.url, "https://git.example.com/api/v3");
}

#[test]
fn github_mistakes_name_the_line_and_key() {
    let head = "[[source]]\nkind = \"github\"\nname = \"gh\"\ntoken_env = \"T\"\n";
    let (line, key, message) = error_of(&format!("{head}repos = [\"acme\"]\n"));
    assert_eq!((line, key.as_str()), (5, "source[1].repos"), "{message}");
    assert!(message.contains("owner/name"), "{message}");

    let (_, key, message) = error_of(head);
    assert!(key.contains("source[1]"), "{key}");
    assert!(message.contains("repos"), "{message}");

    let (line, key, message) = error_of(&format!(
        "{head}repos = [\"a/b\"]\npriority_labels = {{ \"P1\" = \"urgent\" }}\n"
    ));
    assert_eq!((line, key.as_str()), (6, "source[1].priority_labels"));
    assert!(message.contains("highest"), "{message}");

    let (line, key, message) = error_of(&format!(
        "{head}repos = [\"a/b\"]\nstatus_labels = {{ \"shipped\" = \"done\" }}\n"
    ));
    assert_eq!((line, key.as_str()), (6, "source[1].status_labels"));
    assert!(message.contains("in progress"), "{message}");

    let (_, key, message) = error_of(&format!(
        "{head}repos = [\"a/b\"]\nestimate_labels = {{ \"size/M\" = \"number\" }}\n"
    ));
    assert_eq!(key, "source[1].estimate_labels");
    assert!(message.contains("pattern"), "{message}");

    let (_, key, _) = error_of(&format!("{head}repos = [\"a/b\"]\nlabels = 1\n"));
    assert!(key.contains("labels"), "an unknown key is refused: {key}");
}

#[test]
fn a_github_project_gives_status_with_its_options_categories() {
    let head =
        "[[source]]\nkind = \"github\"\nname = \"gh\"\ntoken_env = \"T\"\nrepos = [\"acme/app\"]\n";
    let s = github(&format!(
        "{head}project = {{ owner = \"acme\", number = 7, field = \"Stage\" }}\n\
         status_categories = {{ \"In review\" = \"in progress\", \"Shipped\" = \"done\", \"Parked\" = \"to do\" }}\n"
    ));
    let board = s.project.expect("a project");
    assert_eq!(
        (board.owner.as_str(), board.number, board.field.as_str()),
        ("acme", 7, "Stage")
    );
    assert_eq!(
        board.category("shipped"),
        StatusCategory::Done,
        "configured, any case"
    );
    assert_eq!(board.category("Parked"), StatusCategory::Todo);
    assert_eq!(board.category("Done"), StatusCategory::Done, "by name");
    assert_eq!(board.category("Backlog"), StatusCategory::Todo, "by name");
    assert_eq!(
        board.category("In Progress"),
        StatusCategory::InProgress,
        "by name"
    );

    let plain = github(&format!(
        "{head}project = {{ owner = \"octo-cat\", number = 1 }}\n"
    ));
    assert_eq!(
        plain.project.expect("project").field,
        "Status",
        "the default field"
    );
    assert!(
        github(head).project.is_none(),
        "without one, labels and open/closed"
    );

    let (line, key, message) = error_of(&format!(
        "{head}project = {{ owner = \"acme\", number = 0 }}\n"
    ));
    assert_eq!((line, key.as_str()), (6, "source[1].project"), "{message}");
    assert!(message.contains("project.number"), "{message}");

    let (_, key, message) = error_of(&format!(
        "{head}project = {{ owner = \"acme/app\", number = 7 }}\n"
    ));
    assert_eq!(key, "source[1].project");
    assert!(message.contains("project.owner"), "{message}");

    let (_, key, message) = error_of(&format!("{head}project = {{ number = 7 }}\n"));
    assert_eq!(key, "source[1].project");
    assert!(message.contains("owner"), "{message}");

    let (_, key, message) = error_of(&format!(
        "{head}project = {{ owner = \"acme\", number = 7, column = \"Status\" }}\n"
    ));
    assert_eq!(key, "source[1].project");
    assert!(
        message.contains("column"),
        "an unknown key in it: {message}"
    );

    let (_, key, message) = error_of(&format!(
        "{head}project = {{ owner = \"acme\", number = 7, field = \" \" }}\n"
    ));
    assert_eq!(key, "source[1].project");
    assert!(message.contains("project.field"), "{message}");

    let (line, key, message) = error_of(&format!(
        "{head}project = {{ owner = \"acme\", number = 7 }}\nstatus_categories = {{ \"Done\" = \"finished\" }}\n"
    ));
    assert_eq!((line, key.as_str()), (7, "source[1].status_categories"));
    assert!(message.contains("\"done\""), "{message}");

    let (_, key, message) = error_of(&format!(
        "{head}status_categories = {{ \"Done\" = \"done\" }}\n"
    ));
    assert_eq!(key, "source[1].status_categories");
    assert!(message.contains("needs `project`"), "{message}");
}
