//! An action with the data it may carry (`assign:@me`, `filter:stalled`, `sort:name`), so a
//! key, the palette and the config can all name the same thing.

use std::fmt;

use super::Action;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Command {
    pub action: Action,
    pub arg: Option<String>,
}

impl Command {
    pub fn new(action: Action) -> Command {
        Command { action, arg: None }
    }

    pub fn with(action: Action, arg: &str) -> Command {
        Command {
            action,
            arg: Some(arg.to_string()),
        }
    }

    /// Reads `name` or `name:argument`.
    pub fn parse(text: &str) -> Result<Command, String> {
        let (name, arg) = match text.split_once(':') {
            Some((n, a)) => (n.trim(), Some(a.trim())),
            None => (text.trim(), None),
        };
        let action = Action::from_name(name).ok_or_else(|| {
            format!("{name:?} is not an action; the help overlay (?) and the palette (:) list them")
        })?;
        match arg {
            Some("") => Err(format!("{text:?} has an empty argument after ':'")),
            Some(a) if !takes_argument(action) => {
                Err(format!("{} takes no argument (found {a:?})", action.name()))
            }
            Some(a) => Ok(Command::with(action, a)),
            None => Ok(Command::new(action)),
        }
    }

    pub fn name(&self) -> String {
        match &self.arg {
            Some(a) => format!("{}:{a}", self.action.name()),
            None => self.action.name(),
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// Actions whose argument means something: whom to assign, which filter, which column, which
/// status, priority or label, which text to comment, which format to export to.
pub fn takes_argument(action: Action) -> bool {
    matches!(
        action,
        Action::Assign
            | Action::Filter
            | Action::Sort
            | Action::Move
            | Action::SetPriority
            | Action::AddLabel
            | Action::Comment
            | Action::Export
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_with_and_without_data() {
        for text in [
            "quit",
            "assign:@me",
            "filter:stalled -label:wontfix",
            "sort:name",
        ] {
            assert_eq!(Command::parse(text).expect(text).name(), text);
        }
        assert!(Command::parse("quit:now").is_err());
        assert!(Command::parse("assign:").is_err());
        assert!(Command::parse("launch").is_err());
    }
}
