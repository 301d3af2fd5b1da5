//! What a repository's labels mean to lookout: priorities, estimates and statuses, each a
//! table of label names from the config. A name matches a label exactly, ignoring case, or
//! ends in `*` and matches every label that starts with the rest (`"size/*"`); for an
//! estimate, a pattern's value is read from the label's remainder when it is a number
//! (`"points:*"` makes `points:5` an estimate of 5).
//!
//! Where several labels match, the highest priority wins; for estimates and statuses an
//! exact name wins over a pattern (the config's tables have no order).
//!
//! GitHub has no priority, estimate or workflow status of its own; without rules, issues
//! are Medium, unestimated, and open or closed.

use crate::domain::{Priority, StatusCategory};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelRules {
    /// Label pattern and the priority it means; the first match in the table wins.
    pub priority: Vec<(String, Priority)>,
    /// Label pattern and its estimate; `None` reads the number from a pattern's remainder.
    pub estimate: Vec<(String, Option<f64>)>,
    /// Label pattern and the category of the status it names (to do or in progress).
    pub status: Vec<(String, StatusCategory)>,
}

/// What a label pattern left when it matched: everything for an exact name, the rest after
/// the prefix for `prefix*`.
fn matched<'a>(pattern: &str, label: &'a str) -> Option<&'a str> {
    match pattern.strip_suffix('*') {
        Some(prefix) => {
            let head = label.get(..prefix.len())?;
            head.eq_ignore_ascii_case(prefix)
                .then(|| &label[prefix.len()..])
        }
        None => label.eq_ignore_ascii_case(pattern).then_some(""),
    }
}

impl LabelRules {
    /// The rules, exact names first so they win over patterns.
    pub fn new(
        priority: Vec<(String, Priority)>,
        mut estimate: Vec<(String, Option<f64>)>,
        mut status: Vec<(String, StatusCategory)>,
    ) -> LabelRules {
        estimate.sort_by_key(|(p, _)| p.ends_with('*'));
        status.sort_by_key(|(p, _)| p.ends_with('*'));
        LabelRules {
            priority,
            estimate,
            status,
        }
    }

    /// The priority and the label that gave it: the highest any label means, so neither
    /// the labels' order nor the config's decides.
    pub fn priority<'a>(&self, labels: &[&'a str]) -> Option<(Priority, &'a str)> {
        self.priority
            .iter()
            .flat_map(|(pattern, level)| {
                labels
                    .iter()
                    .filter(|l| matched(pattern, l).is_some())
                    .map(|l| (*level, *l))
            })
            .max_by_key(|(level, _)| *level)
    }

    pub fn is_priority(&self, label: &str) -> bool {
        self.priority
            .iter()
            .any(|(p, _)| matched(p, label).is_some())
    }

    pub fn estimate(&self, labels: &[&str]) -> Option<f64> {
        self.estimate.iter().find_map(|(pattern, value)| {
            labels.iter().find_map(|l| {
                let rest = matched(pattern, l)?;
                match value {
                    Some(v) => Some(*v),
                    None => rest.trim().parse::<f64>().ok().filter(|v| v.is_finite()),
                }
            })
        })
    }

    /// The status a label names, as the label is spelled, and its category.
    pub fn status<'a>(&self, labels: &[&'a str]) -> Option<(&'a str, StatusCategory)> {
        self.status.iter().find_map(|(pattern, category)| {
            labels
                .iter()
                .find(|l| matched(pattern, l).is_some())
                .map(|l| (*l, *category))
        })
    }

    pub fn is_status(&self, label: &str) -> bool {
        self.status.iter().any(|(p, _)| matched(p, label).is_some())
    }

    /// Label names a write can give for a status: the exact (not pattern) ones.
    pub fn status_names(&self) -> impl Iterator<Item = &str> {
        self.status
            .iter()
            .map(|(p, _)| p.as_str())
            .filter(|p| !p.ends_with('*'))
    }

    /// The label a write sets for a priority: an exact rule named like `wanted` or, failing
    /// that, the first exact rule for the level `wanted` names (`High`).
    pub fn priority_label(&self, wanted: &str) -> Option<&str> {
        let exact = || self.priority.iter().filter(|(p, _)| !p.ends_with('*'));
        exact()
            .find(|(p, _)| p.eq_ignore_ascii_case(wanted))
            .or_else(|| exact().find(|(_, l)| l.label().eq_ignore_ascii_case(wanted)))
            .map(|(p, _)| p.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> LabelRules {
        LabelRules {
            priority: vec![
                ("P1".into(), Priority::Highest),
                ("priority:high".into(), Priority::High),
                ("priority:*".into(), Priority::Low),
            ],
            estimate: vec![("size/M".into(), Some(3.0)), ("points:*".into(), None)],
            status: vec![("in review".into(), StatusCategory::InProgress)],
        }
    }

    #[test]
    fn names_match_ignoring_case_and_patterns_by_prefix() {
        let r = rules();
        assert_eq!(
            r.priority(&["bug", "Priority:High"]),
            Some((Priority::High, "Priority:High"))
        );
        assert_eq!(
            r.priority(&["priority:meh", "p1"]),
            Some((Priority::Highest, "p1")),
            "the highest meaning wins"
        );
        assert_eq!(r.priority(&["bug"]), None);
        assert_eq!(r.estimate(&["points: 5"]), Some(5.0));
        assert_eq!(r.estimate(&["points:many"]), None, "no number, no estimate");
        assert_eq!(r.estimate(&["SIZE/m"]), Some(3.0));
        assert_eq!(
            r.status(&["In Review"]),
            Some(("In Review", StatusCategory::InProgress))
        );
        assert_eq!(r.priority_label("high"), Some("priority:high"));
        assert_eq!(r.priority_label("P1"), Some("P1"));
        assert_eq!(r.priority_label("Lowest"), None);
        assert!(matched("ü*", "ü").is_some() && matched("üx*", "ü").is_none());
    }
}
