//! Project work: the configured ConnectWise projects (`/project/projects`), each a lookout
//! project keyed by its id (names repeat, one "Office 365 Migration" per client), and the
//! way their tickets are asked for and told apart from service tickets.

use chrono::{DateTime, Utc};

use super::source::ConnectWiseSource;
use super::{Projects, dto};
use crate::domain::Project;
use crate::sources::SourceError;

/// The lookout project of ConnectWise project `id`: stable while the project is renamed.
pub fn key(id: u64) -> String {
    format!("P{id}")
}

/// A project ticket's key: ConnectWise numbers service and project tickets alike, and the
/// prefix both tells the user it is project work and sends writes to `/project/tickets`.
pub fn ticket_key(id: u64) -> String {
    format!("P#{id}")
}

/// Whether `key` names a project ticket (see `ticket_key`).
pub fn is_project_ticket(key: &str) -> bool {
    key.starts_with("P#")
}

/// `conditions` for the tickets of `projects`.
pub fn tickets_of(projects: &[dto::Project]) -> String {
    let ids: Vec<String> = projects.iter().map(|p| p.id.to_string()).collect();
    format!("project/id in ({})", ids.join(","))
}

/// `conditions` for projects by name, quoted as the API quotes strings.
fn named(names: &[String]) -> String {
    let each: Vec<String> = names
        .iter()
        .map(|n| format!("name=\"{}\"", n.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    each.join(" or ")
}

impl ConnectWiseSource {
    /// The configured projects; a name no visible project has is a config error, named.
    pub(super) async fn projects_wanted(
        &self,
        odd: &mut Vec<String>,
    ) -> Result<Vec<dto::Project>, SourceError> {
        let listed: Vec<dto::Project> = match &self.settings.projects {
            Projects::None => return Ok(Vec::new()),
            Projects::Open => {
                self.listing(
                    "project",
                    "/project/projects",
                    Some("closedFlag=false"),
                    odd,
                )
                .await?
            }
            Projects::Named(names) => {
                let listed: Vec<dto::Project> = self
                    .listing("project", "/project/projects", Some(&named(names)), odd)
                    .await?;
                if let Some(missing) = names.iter().find(|n| !listed.iter().any(|p| &p.name == *n))
                {
                    return Err(SourceError::Config(format!(
                        "project {missing:?} is not visible to this API member (check \
                         `projects` and the member's Project > Project Headers permission)"
                    )));
                }
                listed
            }
        };
        Ok(listed)
    }
}

/// The lookout project: the client, status, manager and hours say what the project is.
pub fn project(source: &str, p: &dto::Project, now: DateTime<Utc>) -> Project {
    let mut about: Vec<String> = Vec::new();
    let name_of = |r: &dto::Reference| {
        r.name
            .as_deref()
            .or(r.identifier.as_deref())
            .map(crate::text::sanitize)
            .filter(|n| !n.is_empty())
    };
    if let Some(company) = p.company.as_ref().and_then(name_of) {
        about.push(company);
    }
    let closed = p.closed_flag == Some(true);
    match p.status.as_ref().and_then(name_of) {
        Some(status) if closed => about.push(format!("{status} (closed)")),
        Some(status) => about.push(status),
        None if closed => about.push("closed".into()),
        None => {}
    }
    if let Some(manager) = p.manager.as_ref().and_then(|m| {
        m.identifier
            .as_deref()
            .or(m.name.as_deref())
            .map(crate::text::sanitize)
    }) {
        about.push(format!("manager {manager}"));
    }
    let hours = |h: Option<f64>| h.filter(|h| h.is_finite() && *h > 0.0);
    match (hours(p.estimated_hours), hours(p.actual_hours)) {
        (Some(e), Some(a)) => about.push(format!("{e} h estimated, {a} h actual")),
        (Some(e), None) => about.push(format!("{e} h estimated")),
        (None, Some(a)) => about.push(format!("{a} h actual")),
        (None, None) => {}
    }
    Project {
        source: source.to_string(),
        key: key(p.id),
        name: crate::text::sanitize(&p.name),
        description: about.join(" · "),
        created: p
            .info
            .as_ref()
            .and_then(|i| i.date_entered)
            .or(p.estimated_start)
            .unwrap_or(now),
        url: None,
        target: p.estimated_end.map(|d| d.date_naive()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_project_reads_as_its_client_status_manager_and_hours() {
        let p: dto::Project = serde_json::from_value(serde_json::json!({
            "id": 42,
            "name": "Website Redesign",
            "status": {"id": 1, "name": "Open"},
            "closedFlag": null,
            "manager": {"id": 7, "identifier": "jdoe", "name": "Jane Doe"},
            "company": {"id": 2, "identifier": "Acme", "name": "Acme Corp"},
            "estimatedHours": 120,
            "actualHours": 0,
            "estimatedStart": "2026-01-05T00:00:00Z",
            "estimatedEnd": "2026-03-31T00:00:00Z",
            "_info": {"lastUpdated": "2026-01-06T00:00:00Z", "updatedBy": "jdoe"}
        }))
        .expect("a project as 2022.1 sends it");
        let now = DateTime::parse_from_rfc3339("2026-02-01T00:00:00Z")
            .expect("a date")
            .with_timezone(&Utc);
        let mapped = project("psa", &p, now);
        assert_eq!(
            (mapped.key.as_str(), mapped.name.as_str()),
            ("P42", "Website Redesign")
        );
        assert_eq!(
            mapped.description,
            "Acme Corp · Open · manager jdoe · 120 h estimated"
        );
        assert_eq!(mapped.created.to_rfc3339(), "2026-01-05T00:00:00+00:00");
        assert_eq!(
            mapped.target.map(|d| d.to_string()).as_deref(),
            Some("2026-03-31")
        );
        assert!(is_project_ticket(&ticket_key(9)) && !is_project_ticket("#9"));
        assert_eq!(
            named(&["A \"B\"".into(), "C".into()]),
            r#"name="A \"B\"" or name="C""#
        );
    }
}
