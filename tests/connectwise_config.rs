//! `kind = "connectwise"` in the config: `projects` as a list of names or "open", beside or
//! instead of `boards`, and each mistake in it named with the file, the line and the key.

use std::path::Path;

use lookout::config::{ConfigError, Settings};
use lookout::sources::connectwise::{self, Projects};

const HEAD: &str = "[[source]]\nkind = \"connectwise\"\nname = \"psa\"\n\
                    url = \"https://na.myconnectwise.net\"\ncompany = \"acme\"\n\
                    public_key_env = \"CW_PUBLIC_KEY\"\nprivate_key_env = \"CW_PRIVATE_KEY\"\n\
                    client_id = \"c\"\n";

fn connectwise(rest: &str) -> connectwise::Settings {
    let s = Settings::parse(Path::new("c.toml"), &format!("{HEAD}{rest}")).expect("parses");
    s.sources[0]
        .kind
        .get::<connectwise::Settings>()
        .cloned()
        .expect("connectwise settings")
}

fn error_of(rest: &str) -> (usize, String, String) {
    match Settings::parse(Path::new("c.toml"), &format!("{HEAD}{rest}")) {
        Err(ConfigError::At {
            line, key, message, ..
        }) => (line, key, message),
        Err(other) => panic!("expected a located error, got {other}"),
        Ok(_) => panic!("expected an error for:\n{rest}"),
    }
}

#[test]
fn projects_are_named_or_every_open_one_beside_or_instead_of_boards() {
    let both = connectwise(
        "boards = [\"Help Desk\"]\nprojects = [\"Website Redesign\", \" Office Move \", \"Website Redesign\"]\n",
    );
    assert_eq!(both.boards, ["Help Desk"]);
    assert_eq!(
        both.projects,
        Projects::Named(vec!["Website Redesign".into(), "Office Move".into()]),
        "trimmed, once each"
    );
    let open = connectwise("projects = \"Open\"\n");
    assert!(open.boards.is_empty(), "project work alone is enough");
    assert_eq!(open.projects, Projects::Open);
    assert_eq!(
        connectwise("boards = [\"Help Desk\"]\n").projects,
        Projects::None
    );
}

#[test]
fn a_mistake_in_projects_names_its_line_and_key() {
    let cases = [
        ("projects = \"all\"\n", 9, "\"all\"", "projects"),
        ("projects = [\"A\", 3]\n", 9, "holds 3", "projects"),
        ("projects = [\"A\", \" \"]\n", 9, "empty name", "projects"),
        ("projects = 7\n", 9, "integer", "projects"),
        // Neither boards nor projects: nothing to sync, blamed on the kind line.
        ("projects = []\n", 2, "`projects`", "kind"),
    ];
    for (rest, line, needle, at_key) in cases {
        let (got, key, message) = error_of(rest);
        assert_eq!(got, line, "{rest} => {key}: {message}");
        assert_eq!(key, format!("source[1].{at_key}"), "{rest} => {message}");
        assert!(message.contains(needle), "{rest} => {key}: {message}");
    }
}
