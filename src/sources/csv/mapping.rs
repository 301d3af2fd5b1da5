//! Which CSV column holds which ticket field: built-in presets, overridable column by column.

use std::collections::BTreeMap;

/// The ticket fields a CSV can fill, by the names config files use.
pub const FIELDS: [&str; 13] = [
    "project",
    "key",
    "title",
    "status",
    "priority",
    "assignee",
    "created",
    "updated",
    "started",
    "resolved",
    "resolution",
    "estimate",
    "labels",
];

/// The fields without which a row is no ticket.
pub const REQUIRED: [&str; 3] = ["project", "key", "created"];

/// Field name to column header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mapping {
    pub columns: BTreeMap<String, String>,
}

impl Mapping {
    pub fn preset(name: &str) -> Option<Mapping> {
        let pairs: &[(&str, &str)] = match name {
            // The layout of the PROMISE'19 Apache bug-fix dataset: no titles or assignee names,
            // and the first patch stands in for "work started".
            "promise19" => &[
                ("project", "project"),
                ("key", "key"),
                ("status", "status"),
                ("priority", "priority"),
                ("created", "created"),
                ("started", "first_patch"),
                ("resolved", "resolved"),
            ],
            // Jira's "Export CSV (all fields)".
            "jira" => &[
                ("project", "Project key"),
                ("key", "Issue key"),
                ("title", "Summary"),
                ("status", "Status"),
                ("priority", "Priority"),
                ("assignee", "Assignee"),
                ("created", "Created"),
                ("updated", "Updated"),
                ("resolved", "Resolved"),
                ("resolution", "Resolution"),
                ("estimate", "Custom field (Story Points)"),
                ("labels", "Labels"),
            ],
            _ => return None,
        };
        Some(Mapping {
            columns: pairs
                .iter()
                .map(|(f, c)| (f.to_string(), c.to_string()))
                .collect(),
        })
    }

    pub const PRESETS: [&'static str; 2] = ["jira", "promise19"];

    /// The required fields this mapping does not name.
    pub fn missing(&self) -> Vec<&'static str> {
        REQUIRED
            .iter()
            .copied()
            .filter(|f| !self.columns.contains_key(*f))
            .collect()
    }
}
