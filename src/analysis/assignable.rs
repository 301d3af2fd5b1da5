//! Who a ticket can be given to: a project's members with the work in progress each holds,
//! lightest first, for an assign picker.
//!
//! Work in progress counts as the advisor counts it (`workload`): a person's in-progress
//! tickets across the whole source, under either of their names, so the picker and a
//! reassign suggestion name the same numbers. Pure: no store, no tracker.

use std::collections::HashMap;

use crate::domain::{Member, Portfolio, StatusCategory};

/// The project's members, each with the in-progress tickets they hold across the source,
/// fewest first, then by name. Each carries the login `Change::Assign` takes.
///
/// A source that reports no members for the project (a file, a tracker that hides them)
/// falls back to the people its tickets are assigned to, their login taken from the source's
/// members elsewhere where one names them, else the name the tickets use (what a tracker
/// that names people by login, like the demo, takes).
pub fn assignable(p: &Portfolio, source: &str, project: &str) -> Vec<(Member, usize)> {
    let mut held: HashMap<&str, usize> = HashMap::new();
    for t in p
        .tickets
        .iter()
        .filter(|t| t.source == source && t.category == StatusCategory::InProgress)
    {
        if let Some(who) = t.assignee.as_deref() {
            *held.entry(who).or_default() += 1;
        }
    }
    let wip = |m: &Member| {
        let by_name = held.get(m.display_name.as_str()).copied().unwrap_or(0);
        let by_login = if m.login == m.display_name {
            0
        } else {
            held.get(m.login.as_str()).copied().unwrap_or(0)
        };
        by_name + by_login
    };
    let mut people: Vec<Member> = p
        .members
        .iter()
        .filter(|m| m.source == source && m.project == project)
        .cloned()
        .collect();
    if people.is_empty() {
        people = assigned(p, source, project);
    }
    people.sort_by(|a, b| a.login.cmp(&b.login));
    people.dedup_by(|a, b| a.login == b.login);
    let mut out: Vec<(Member, usize)> = people
        .into_iter()
        .map(|m| {
            let n = wip(&m);
            (m, n)
        })
        .collect();
    out.sort_by(|a, b| {
        a.1.cmp(&b.1)
            .then_with(|| a.0.display_name.cmp(&b.0.display_name))
            .then_with(|| a.0.login.cmp(&b.0.login))
    });
    out
}

/// The people the project's tickets are assigned to, as members of it.
fn assigned(p: &Portfolio, source: &str, project: &str) -> Vec<Member> {
    let known = |name: &str| {
        p.members
            .iter()
            .find(|m| m.source == source && (m.display_name == name || m.login == name))
    };
    let mut names: Vec<&str> = p
        .tickets
        .iter()
        .filter(|t| t.source == source && t.project == project)
        .filter_map(|t| t.assignee.as_deref())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|name| Member {
            source: source.into(),
            project: project.into(),
            login: known(name).map_or_else(|| name.into(), |m| m.login.clone()),
            display_name: name.into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Priority, Ticket};
    use chrono::{DateTime, Utc};

    fn member(project: &str, login: &str, name: &str) -> Member {
        Member {
            source: "jira".into(),
            project: project.into(),
            login: login.into(),
            display_name: name.into(),
        }
    }

    fn ticket(id: u64, project: &str, who: Option<&str>, category: StatusCategory) -> Ticket {
        let t0 = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).expect("time");
        Ticket {
            source: "jira".into(),
            id,
            project: project.into(),
            key: format!("{project}-{id}").into(),
            title: format!("Ticket {id}"),
            status: "In Progress".into(),
            category,
            assignee: who.map(Into::into),
            priority: Priority::Medium,
            estimate: None,
            labels: Vec::new(),
            created: t0,
            updated: t0,
            started: None,
            resolved: None,
            resolution: None,
            url: None,
        }
    }

    fn portfolio() -> Portfolio {
        let busy = StatusCategory::InProgress;
        Portfolio {
            members: vec![
                member("OPS", "acc-1", "Ana Lima"),
                member("OPS", "acc-2", "Bo Chen"),
                member("OPS", "acc-3", "Cy Diaz"),
                member("WEB", "acc-4", "Dee Eng"),
            ],
            tickets: vec![
                ticket(1, "OPS", Some("Ana Lima"), busy),
                ticket(2, "OPS", Some("Ana Lima"), busy),
                // Work elsewhere in the source counts: a load has no project edge.
                ticket(3, "WEB", Some("Ana Lima"), busy),
                ticket(4, "OPS", Some("Bo Chen"), busy),
                // Waiting and finished work is not in progress.
                ticket(5, "OPS", Some("Cy Diaz"), StatusCategory::Todo),
                ticket(6, "OPS", Some("Cy Diaz"), StatusCategory::Done),
                ticket(7, "WEB", Some("Dee Eng"), busy),
                ticket(8, "WEB", Some("Eli Fox"), busy),
            ],
            ..Portfolio::default()
        }
    }

    fn shown(list: &[(Member, usize)]) -> Vec<(String, String, usize)> {
        list.iter()
            .map(|(m, n)| (m.login.to_string(), m.display_name.to_string(), *n))
            .collect()
    }

    #[test]
    fn the_lightest_members_come_first_with_the_login_a_write_takes() {
        let list = assignable(&portfolio(), "jira", "OPS");
        assert_eq!(
            shown(&list),
            [
                ("acc-3".into(), "Cy Diaz".into(), 0),
                ("acc-2".into(), "Bo Chen".into(), 1),
                ("acc-1".into(), "Ana Lima".into(), 3),
            ]
        );
    }

    #[test]
    fn equal_loads_are_ordered_by_name() {
        let mut p = portfolio();
        p.tickets.clear();
        let list = assignable(&p, "jira", "OPS");
        let names: Vec<&str> = list.iter().map(|(m, _)| m.display_name.as_str()).collect();
        assert_eq!(names, ["Ana Lima", "Bo Chen", "Cy Diaz"]);
    }

    #[test]
    fn work_held_under_a_login_counts_too() {
        let mut p = portfolio();
        p.tickets
            .push(ticket(9, "OPS", Some("acc-3"), StatusCategory::InProgress));
        p.tickets
            .push(ticket(10, "OPS", Some("acc-3"), StatusCategory::InProgress));
        let list = assignable(&p, "jira", "OPS");
        assert_eq!(
            list.last().map(|(m, n)| (m.login.as_str(), *n)),
            Some(("acc-1", 3))
        );
        assert_eq!(list[1].0.login, "acc-3");
        assert_eq!(list[1].1, 2);
    }

    #[test]
    fn without_members_the_people_assigned_in_the_project_are_offered() {
        let mut p = portfolio();
        p.members.retain(|m| m.project != "WEB");
        let list = assignable(&p, "jira", "WEB");
        assert_eq!(
            shown(&list),
            [
                // Nobody names them otherwise: the name the tickets use.
                ("Dee Eng".into(), "Dee Eng".into(), 1),
                ("Eli Fox".into(), "Eli Fox".into(), 1),
                // Known as a member of another project: the login comes from there.
                ("acc-1".into(), "Ana Lima".into(), 3),
            ]
        );
    }

    #[test]
    fn another_source_or_project_offers_nobody_from_here() {
        assert!(assignable(&portfolio(), "redmine", "OPS").is_empty());
        assert!(assignable(&portfolio(), "jira", "NONE").is_empty());
    }
}
