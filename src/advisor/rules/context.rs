//! What every rule reads, indexed once per run: tickets by source and id and by project,
//! project summaries, the members of each project and who holds how much work.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::analysis::baseline::FnvBuild;
use crate::analysis::workload::Workload;
use crate::analysis::{Analysis, ProjectSummary, StalledTicket};
use crate::domain::{Member, Portfolio, Priority, StatusCategory, Subject, Ticket};

pub struct Context<'a> {
    pub analysis: &'a Analysis,
    pub now: DateTime<Utc>,
    pub workload: Workload<'a>,
    /// The ticket of each stalled entry, by (source, id): a few thousand, where a map of
    /// every ticket would be a hundred thousand entries to build and miss the cache in.
    stalled: HashMap<(&'a str, u64), Option<&'a Ticket>, FnvBuild>,
    /// (source, project) -> position in `projects`; looked up by position so that what is
    /// found keeps the portfolio's lifetime, not the key's.
    projects: HashMap<(&'a str, &'a str), usize, FnvBuild>,
    by_project: Vec<Vec<&'a Ticket>>,
    summaries: Vec<Option<&'a ProjectSummary>>,
    members: Vec<Vec<&'a Member>>,
}

impl<'a> Context<'a> {
    pub fn new(
        portfolio: &'a Portfolio,
        analysis: &'a Analysis,
        members: &'a [Member],
        now: DateTime<Utc>,
    ) -> Context<'a> {
        let mut c = Context {
            analysis,
            now,
            workload: Workload::default(),
            stalled: analysis
                .stalled
                .iter()
                .map(|s| ((s.source.as_str(), s.id), None))
                .collect(),
            projects: HashMap::default(),
            by_project: Vec::new(),
            summaries: Vec::new(),
            members: Vec::new(),
        };
        // One walk over the tickets (a large portfolio is tens of megabytes: each walk costs).
        for t in &portfolio.tickets {
            let at = c.slot(t.source.as_str(), t.project.as_str());
            c.by_project[at].push(t);
            c.workload.count(t);
            if t.category == StatusCategory::InProgress
                && let Some(slot) = c.stalled.get_mut(&(t.source.as_str(), t.id))
            {
                *slot = Some(t);
            }
        }
        for s in &analysis.projects {
            let at = c.slot(s.source.as_str(), s.key.as_str());
            c.summaries[at] = Some(s);
        }
        for m in members {
            let at = c.slot(m.source.as_str(), m.project.as_str());
            c.members[at].push(m);
        }
        c
    }

    fn slot(&mut self, source: &'a str, project: &'a str) -> usize {
        let next = self.by_project.len();
        let at = *self.projects.entry((source, project)).or_insert(next);
        if at == next {
            self.by_project.push(Vec::new());
            self.summaries.push(None);
            self.members.push(Vec::new());
        }
        at
    }

    fn position(&self, source: &str, project: &str) -> Option<usize> {
        self.projects.get(&(source, project)).copied()
    }

    /// The ticket a stalled entry of the analysis is about.
    pub fn stalled_ticket(&self, s: &StalledTicket) -> Option<&'a Ticket> {
        self.stalled
            .get(&(s.source.as_str(), s.id))
            .copied()
            .flatten()
    }

    pub fn tickets_of(&self, source: &str, project: &str) -> &[&'a Ticket] {
        match self.position(source, project) {
            Some(at) => &self.by_project[at],
            None => &[],
        }
    }

    /// The name to show for `who` as a ticket names them: a member's display name where
    /// the tracker names people by login.
    pub fn display<'w>(&self, source: &str, project: &str, who: &'w str) -> &'w str
    where
        'a: 'w,
    {
        self.members_of(source, project)
            .iter()
            .find(|m| m.login == who)
            .map(|m| m.display_name.as_str())
            .unwrap_or(who)
    }

    pub fn summary(&self, source: &str, project: &str) -> Option<&'a ProjectSummary> {
        self.summaries[self.position(source, project)?]
    }

    pub fn members_of(&self, source: &str, project: &str) -> &[&'a Member] {
        match self.position(source, project) {
            Some(at) => &self.members[at],
            None => &[],
        }
    }
}

pub fn ticket_subject(t: &Ticket) -> Subject {
    Subject::Ticket {
        source: t.source.to_string(),
        id: t.id,
        key: t.key.to_string(),
        project: t.project.to_string(),
    }
}

/// How much a ticket's priority weighs in the impact of acting on it.
pub fn weight(p: Priority) -> f64 {
    match p {
        Priority::Lowest => 0.6,
        Priority::Low => 0.8,
        Priority::Medium => 1.0,
        Priority::High => 1.2,
        Priority::Highest => 1.4,
    }
}

/// A status where work waits for a review.
pub fn is_review_status(status: &str) -> bool {
    status.to_lowercase().contains("review")
}
