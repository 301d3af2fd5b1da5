//! A rule's finding turned into a suggestion: its stable id, the fingerprint of its evidence,
//! its band and its one-line rationale.
//!
//! The fingerprint hashes the kind, the subject (and the related ticket) and every evidence
//! item's signal, value and baseline, each value rounded to the step it is read at, so that
//! the drift of a fraction between two refreshes does not make a rejected suggestion return:
//! days to whole days, counts to whole numbers, shares to 5 points, points to halves, rates
//! per week to halves, ratios to quarters. A value still changes the fingerprint once it
//! crosses a step (a ticket waiting in review one whole day longer).

use std::hash::Hasher;

use crate::analysis::baseline::Fnv;
use crate::domain::{
    Band, Change, Evidence, Kind, Proposal, Seen, Subject, Suggestion, SuggestionState, Ticket,
    TrackerAction, Unit,
};

/// What a rule found, before it is given an id, a fingerprint and a band.
pub struct Draft {
    pub kind: Kind,
    pub subject: Subject,
    pub related: Option<Subject>,
    pub proposal: Option<Proposal>,
    pub evidence: Vec<Evidence>,
    pub confidence: f64,
    pub impact: f64,
    /// What the suggestion says, before the evidence: "stalled with Ann; Bob has less".
    pub lead: String,
}

impl Draft {
    pub fn finish(self) -> Suggestion {
        let id = id_of(self.kind, &self.subject, self.related.as_ref());
        let confidence = self.confidence.clamp(0.0, 1.0);
        let mut rationale = self.lead;
        for (i, e) in self.evidence.iter().enumerate() {
            rationale.push_str(if i == 0 { ": " } else { "; " });
            rationale.push_str(&e.sentence());
        }
        // One line, whatever a status or a name held.
        if rationale.contains(['\n', '\r']) {
            rationale = rationale.replace(['\n', '\r'], " ");
        }
        Suggestion {
            fingerprint: fingerprint(&id, self.kind, &self.evidence),
            id,
            kind: self.kind,
            subject: self.subject,
            proposal: self.proposal,
            evidence: self.evidence,
            confidence,
            band: Band::of(confidence),
            impact: self.impact,
            rationale,
            related: self.related,
            state: SuggestionState::Pending,
        }
    }
}

/// `kind:source:ticket id` (`:other id` for duplicates) or `kind:source:project key`.
pub fn id_of(kind: Kind, subject: &Subject, related: Option<&Subject>) -> String {
    let mut id = match subject {
        Subject::Ticket { source, id, .. } => format!("{}:{source}:{id}", kind.name()),
        Subject::Project { source, key } => format!("{}:{source}:{key}", kind.name()),
    };
    if let Some(Subject::Ticket { id: other, .. }) = related {
        id.push_str(&format!(":{other}"));
    }
    id
}

/// The step a value of `unit` is rounded to before it is hashed.
fn step(unit: Unit) -> f64 {
    match unit {
        Unit::Days | Unit::Count => 1.0,
        Unit::Share => 0.05,
        Unit::Points | Unit::PerWeek => 0.5,
        Unit::Ratio => 0.25,
    }
}

fn rounded(value: f64, unit: Unit) -> i64 {
    (value / step(unit)).round() as i64
}

pub fn fingerprint(id: &str, kind: Kind, evidence: &[Evidence]) -> u64 {
    let mut h = Fnv::default();
    h.write(kind.name().as_bytes());
    h.write(&[0]);
    h.write(id.as_bytes());
    for e in evidence {
        h.write(&[0]);
        // The signal as its JSON (kind and names), written straight into the hash.
        let _ = serde_json::to_writer(Hashing(&mut h), &e.signal);
        h.write(&rounded(e.value, e.unit).to_be_bytes());
        match e.baseline {
            Some(b) => h.write(&rounded(b, e.unit).to_be_bytes()),
            None => h.write(&[0xff]),
        }
    }
    h.finish()
}

/// Feeds what is written to it into a hash.
struct Hashing<'h>(&'h mut Fnv);

impl std::io::Write for Hashing<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A write to `t`, checked against the ticket as the rules saw it.
pub fn proposal(t: &Ticket, change: Change, alternatives: Vec<Change>) -> Proposal {
    Proposal {
        source: t.source.to_string(),
        action: TrackerAction {
            ticket: t.id,
            key: t.key.to_string(),
            change,
        },
        alternatives,
        seen: Seen::of(t),
    }
}

pub fn evidence(
    signal: crate::domain::Signal,
    value: f64,
    baseline: Option<f64>,
    unit: Unit,
) -> Evidence {
    Evidence {
        signal,
        value,
        baseline,
        unit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Signal;

    fn days(v: f64) -> Vec<Evidence> {
        vec![evidence(Signal::Inactive, v, Some(14.0), Unit::Days)]
    }

    #[test]
    fn hours_of_drift_keep_the_fingerprint_a_day_changes_it() {
        let f = |v| fingerprint("ask_info:s:1", Kind::AskInfo, &days(v));
        assert_eq!(f(30.1), f(30.3));
        assert_ne!(f(30.1), f(31.2));
        assert_ne!(
            fingerprint("ask_info:s:1", Kind::AskInfo, &days(30.1)),
            fingerprint("ask_info:s:2", Kind::AskInfo, &days(30.1))
        );
    }

    #[test]
    fn ids_name_kind_source_and_subject() {
        let t = Subject::Ticket {
            source: "demo".into(),
            id: 7,
            key: "A-7".into(),
            project: "A".into(),
        };
        let p = Subject::Project {
            source: "demo".into(),
            key: "A".into(),
        };
        assert_eq!(id_of(Kind::Reassign, &t, None), "reassign:demo:7");
        assert_eq!(id_of(Kind::FlagRisk, &p, None), "flag_risk:demo:A");
        assert_eq!(
            id_of(Kind::CloseDuplicate, &t, Some(&t)),
            "close_duplicate:demo:7:7"
        );
    }
}
