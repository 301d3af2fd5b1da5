//! Close as duplicate: an open ticket whose title shares at least 80 % of its words (Jaccard
//! similarity of the two sets of words, at least three words each) with another ticket of
//! the same project that is open or was delivered in the last 180 days.
//!
//! It must scale to portfolios of 100,000 tickets, so pairs are never all compared: within a
//! project, each title's words are ordered rarest first and only its prefix that any title
//! this similar must share (prefix filtering) is indexed and probed; words in more than 64
//! titles of the project are never probed (they would pull in most of the project), and
//! titles with exactly the same words are found by a hash of their word set instead.
//!
//! Of an open pair, the newer ticket is the duplicate; of an open and a delivered one, the
//! open one. The proposal moves it to the done status the project's duplicates went to (or,
//! failing that, its most used done status), or, where the project has none, comments.

use std::collections::HashMap;
use std::hash::Hasher;

use super::candidate::{Draft, evidence, proposal};
use super::context::{Context, ticket_subject, weight};
use super::words::{self, MixBuild};
use crate::analysis::baseline::Fnv;
use crate::analysis::flow::days;
use crate::domain::{Change, Kind, Signal, StatusCategory, Ticket, Unit};

pub const THRESHOLD: f64 = 0.8;
pub const MIN_WORDS: usize = 3;
/// Delivered tickets resolved within this many days can be the original of a duplicate.
pub const RECENT_DAYS: f64 = 180.0;
/// Words in more titles than this (in one project) are not probed.
pub const MAX_POSTINGS: usize = 64;

/// A title's words, as ranges into two shared arrays (one allocation for all the titles of a
/// project rather than two per title).
struct Doc<'a> {
    ticket: &'a Ticket,
    /// Word ids, ascending.
    words: std::ops::Range<usize>,
    /// The rarest words, as many as any title this similar must share one of.
    prefix: std::ops::Range<usize>,
}

fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    both as f64 / (a.len() + b.len() - both) as f64
}

fn set_hash(words: &[u32]) -> u64 {
    let mut h = Fnv::default();
    for w in words {
        h.write(&w.to_be_bytes());
    }
    h.finish()
}

/// The done status to close a duplicate with, as this project's tickets use it.
fn done_status(tickets: &[&Ticket]) -> Option<String> {
    let mut duplicates: HashMap<&str, usize> = HashMap::new();
    let mut done: HashMap<&str, usize> = HashMap::new();
    for t in tickets
        .iter()
        .filter(|t| t.category == StatusCategory::Done)
    {
        *done.entry(t.status.as_str()).or_default() += 1;
        if t.resolution
            .as_deref()
            .is_some_and(|r| r.to_lowercase().contains("duplicate"))
        {
            *duplicates.entry(t.status.as_str()).or_default() += 1;
        }
    }
    let most = |m: HashMap<&str, usize>| {
        m.into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(s, _)| s.to_string())
    };
    most(duplicates).or_else(|| most(done))
}

/// Pairs (duplicate, original, similarity) within one project's candidate tickets.
fn pairs<'a>(tickets: &[&'a Ticket]) -> Vec<(&'a Ticket, &'a Ticket, f64)> {
    // Words are known by their 64-bit hashes: two words colliding is far less likely than
    // two titles being alike.
    let mut vocabulary: HashMap<u64, u32, MixBuild> = HashMap::default();
    let mut df: Vec<u32> = Vec::new();
    let mut docs: Vec<Doc<'a>> = Vec::with_capacity(tickets.len());
    let mut all: Vec<u32> = Vec::with_capacity(tickets.len() * 6);
    let mut ws = Vec::new();
    for t in tickets {
        words::hashes(&t.title, &mut ws);
        let start = all.len();
        if ws.len() >= MIN_WORDS {
            for &w in &ws {
                let next = vocabulary.len() as u32;
                let id = *vocabulary.entry(w).or_insert(next);
                if id as usize == df.len() {
                    df.push(0);
                }
                df[id as usize] += 1;
                all.push(id);
            }
        }
        all[start..].sort_unstable();
        docs.push(Doc {
            ticket: t,
            words: start..all.len(),
            prefix: 0..0,
        });
    }
    let mut prefixes: Vec<u32> = Vec::with_capacity(docs.len() * 2);
    let mut rare = Vec::new();
    for d in &mut docs {
        rare.clear();
        rare.extend_from_slice(&all[d.words.clone()]);
        rare.sort_by_key(|w| (df[*w as usize], *w));
        let n = rare.len();
        let keep = n + 1 - ((THRESHOLD * n as f64) - 1e-9).ceil() as usize;
        rare.truncate(keep.min(n));
        rare.retain(|w| df[*w as usize] as usize <= MAX_POSTINGS);
        let start = prefixes.len();
        prefixes.extend_from_slice(&rare);
        d.prefix = start..prefixes.len();
    }
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); df.len()];
    let mut exact: HashMap<u64, usize, MixBuild> = HashMap::default();
    let mut stamp: Vec<usize> = vec![usize::MAX; docs.len()];
    let mut out = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        if d.words.is_empty() {
            continue;
        }
        let mine = &all[d.words.clone()];
        let hash = set_hash(mine);
        let mut best: Option<(usize, f64)> = None;
        let mut consider = |j: usize, stamp: &mut Vec<usize>| {
            if stamp[j] == i {
                return;
            }
            stamp[j] = i;
            let theirs = &all[docs[j].words.clone()];
            let (a, b) = (mine.len() as f64, theirs.len() as f64);
            if a.min(b) < THRESHOLD * a.max(b) {
                return;
            }
            let s = jaccard(mine, theirs);
            if s >= THRESHOLD && best.is_none_or(|(_, b)| s > b) {
                best = Some((j, s));
            }
        };
        if let Some(&j) = exact.get(&hash) {
            consider(j, &mut stamp);
        }
        let prefix = &prefixes[d.prefix.clone()];
        for w in prefix {
            for &j in &postings[*w as usize] {
                consider(j as usize, &mut stamp);
            }
        }
        exact.entry(hash).or_insert(i);
        for w in prefix {
            postings[*w as usize].push(i as u32);
        }
        if let Some((j, s)) = best {
            let (newer, older) = (d.ticket, docs[j].ticket);
            match (newer.is_open(), older.is_open()) {
                (true, _) => out.push((newer, older, s)),
                (false, true) => out.push((older, newer, s)),
                (false, false) => {}
            }
        }
    }
    out
}

pub fn duplicates(c: &Context<'_>, out: &mut Vec<Draft>) {
    for p in &c.analysis.projects {
        let all = c.tickets_of(&p.source, &p.key);
        let mut candidates: Vec<&Ticket> = all
            .iter()
            .copied()
            .filter(|t| {
                t.is_open()
                    || (t.delivered() && t.resolved.is_some_and(|r| days(c.now - r) <= RECENT_DAYS))
            })
            .collect();
        if !candidates.iter().any(|t| t.is_open()) {
            continue;
        }
        candidates.sort_by_key(|t| (t.created, t.id));
        let mut best: HashMap<u64, (&Ticket, &Ticket, f64)> = HashMap::new();
        for (dup, original, s) in pairs(&candidates) {
            let slot = best.entry(dup.id).or_insert((dup, original, s));
            if s > slot.2 || (s == slot.2 && original.created < slot.1.created) {
                *slot = (dup, original, s);
            }
        }
        let status = done_status(all);
        let mut found: Vec<_> = best.into_values().collect();
        found.sort_by_key(|(d, _, _)| d.id);
        for (dup, original, s) in found {
            let change = match &status {
                Some(status) => Change::Transition {
                    status: status.clone(),
                },
                None => Change::Comment {
                    body: format!(
                        "This looks like a duplicate of {}: their titles share {:.0} % of their \
                         words. If it is, could it be closed in favour of {}?",
                        original.key,
                        s * 100.0,
                        original.key
                    ),
                },
            };
            out.push(Draft {
                kind: Kind::CloseDuplicate,
                subject: ticket_subject(dup),
                related: Some(ticket_subject(original)),
                proposal: Some(proposal(dup, change, Vec::new())),
                evidence: vec![evidence(
                    Signal::Similarity {
                        other: original.key.to_string(),
                    },
                    s,
                    Some(THRESHOLD),
                    Unit::Share,
                )],
                confidence: 0.5 + 2.0 * (s - THRESHOLD)
                    - if original.is_open() { 0.0 } else { 0.1 },
                impact: (1.0 + s) * weight(dup.priority) / 2.0,
                lead: "filed twice?".into(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};

    fn titled(id: u64, title: &str) -> Ticket {
        Ticket {
            title: title.into(),
            ..Ticket::stub(id, Utc::now() + Duration::minutes(id as i64))
        }
    }

    #[test]
    fn near_and_exact_titles_pair_newer_with_older() {
        let ts = [
            titled(1, "Invoice export drops the last row"),
            titled(2, "Rate limiter ignores Retry-After"),
            titled(3, "invoice export drops last row!"),
            titled(4, "Invoice export drops the first row"),
        ];
        let refs: Vec<&Ticket> = ts.iter().collect();
        let found: Vec<(u64, u64, f64)> = pairs(&refs)
            .into_iter()
            .map(|(a, b, s)| (a.id, b.id, s))
            .collect();
        assert_eq!(found, vec![(3, 1, 1.0)], "4 shares 4 of 6 words: 0.67");
        assert!((jaccard(&[1, 2, 3, 4], &[1, 2, 3, 5]) - 0.6).abs() < 1e-9);
    }
}
