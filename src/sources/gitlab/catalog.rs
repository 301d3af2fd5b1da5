//! The projects a GitLab source covers and their members: the configured projects, and
//! every project in the configured groups and their subgroups.

use std::collections::HashMap;

use super::{GitLabSource, NAMED_SKIPS, dto, encode};
use crate::domain::{Member, Project};
use crate::sources::SourceError;
use crate::sources::lenient::{Unreadable, warn_each};

/// Project id to path: issues name their project by id.
#[derive(Debug, Default)]
pub struct Catalog {
    pub paths: HashMap<u64, String>,
}

impl Catalog {
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

impl GitLabSource {
    pub(super) async fn refresh_catalog(
        &mut self,
        warnings: &mut Vec<String>,
    ) -> Result<(Vec<Project>, Vec<Member>), SourceError> {
        let mut listed: Vec<(dto::Project, Option<usize>)> = Vec::new();
        let mut odd: Vec<String> = Vec::new();
        for path in &self.settings.projects {
            let project: dto::Project = self
                .get_json(&format!("/projects/{}", encode(path)), &[])
                .await
                .map_err(|e| not_visible(e, "project", path))?;
            listed.push((project, None));
        }
        // Members of a group are members of each of its projects.
        let mut group_members: Vec<Vec<dto::User>> = Vec::new();
        for group in &self.settings.groups {
            let base = format!("/groups/{}", encode(group));
            let query = [
                ("include_subgroups", "true".to_string()),
                ("with_issues_enabled", "true".to_string()),
            ];
            let projects: Vec<Result<dto::Project, Unreadable>> = self
                .all(&format!("{base}/projects"), &query)
                .await
                .map_err(|e| not_visible(e, "group", group))?;
            let members = self.all(&format!("{base}/members/all"), &[]).await?;
            group_members.push(readable(members, "a member of", group, &mut odd));
            let at = group_members.len() - 1;
            for p in readable(projects, "a project of", group, &mut odd) {
                if !listed.iter().any(|(l, _)| l.id == p.id) {
                    listed.push((p, Some(at)));
                }
            }
        }
        let mut members = Vec::new();
        for (project, group) in &listed {
            let users = match group {
                Some(g) => &group_members[*g],
                None => {
                    let path = format!("/projects/{}/members/all", project.id);
                    let found = self.all(&path, &[]).await?;
                    let users =
                        readable(found, "a member of", &project.path_with_namespace, &mut odd);
                    group_members.push(users);
                    &group_members[group_members.len() - 1]
                }
            };
            members.extend(users.iter().map(|u| Member {
                source: self.name.as_str().into(),
                project: project.path_with_namespace.as_str().into(),
                login: compact_str::ToCompactString::to_compact_string(&u.id),
                display_name: u.shown().into(),
            }));
        }
        warn_each(odd, NAMED_SKIPS, warnings);
        self.catalog.paths = listed
            .iter()
            .map(|(p, _)| (p.id, p.path_with_namespace.clone()))
            .collect();
        let projects = listed
            .into_iter()
            .map(|(p, _)| Project {
                source: self.name.clone(),
                key: p.path_with_namespace,
                name: p.name,
                description: p.description,
                created: p.created_at,
                url: p.web_url,
                target: None,
            })
            .collect();
        Ok((projects, members))
    }
}

/// The records that read; the others named in `odd`.
fn readable<T>(
    found: Vec<Result<T, Unreadable>>,
    what: &str,
    of: &str,
    odd: &mut Vec<String>,
) -> Vec<T> {
    let mut out = Vec::with_capacity(found.len());
    for f in found {
        match f {
            Ok(t) => out.push(t),
            Err(u) => odd.push(format!(
                "{what} {of} skipped ({}): {}",
                u.name_or("no id"),
                u.reason
            )),
        }
    }
    out
}

/// A 404 for a configured path is a config problem: GitLab answers 404, not 403, for what
/// the token cannot see.
fn not_visible(e: SourceError, what: &str, path: &str) -> SourceError {
    match e {
        SourceError::NotFound(_) => SourceError::Config(format!(
            "{what} {path:?} is not visible to this token (check `{what}s` in the config and \
             the token's access to it)"
        )),
        other => other,
    }
}
