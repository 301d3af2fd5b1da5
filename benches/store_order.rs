//! What a first sync's store writes cost, by the order tickets arrive in and their size:
//! 100,000 tickets with four changes each, written in change sets of 2,000 (as a connector
//! hands them over), into a fresh store on disk each time.
//!
//! Trackers send a first sync by when issues were last updated, which is no order at all by
//! id, the order of the store's keys: each change set then lands on leaves all over the tree.
//! The runs compare that with id order, and with each ticket carrying a 48-byte web address
//! (what GitHub, GitLab and Jira tickets hold) against none. Run:
//! `cargo bench --bench store_order`.

mod common;
#[path = "common/cpu.rs"]
#[allow(dead_code)]
mod cpu;

use std::time::Instant;

use lookout::domain::{ChangeSet, Transition};
use lookout::rng::Rng;
use lookout::store::Store;

const TICKETS: u64 = 100_000;
const PER_WRITE: usize = 2_000;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let mut rng = Rng::new(7);
    let mut all = ChangeSet::new("bench");
    for first in (0..TICKETS).step_by(common::BATCH as usize) {
        let b = common::batch(first, &mut rng);
        all.projects.extend(b.projects);
        all.tickets.extend(b.tickets);
        all.transitions.extend(b.transitions);
    }
    let mut shuffled: Vec<usize> = (0..all.tickets.len()).collect();
    for i in (1..shuffled.len()).rev() {
        shuffled.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let by_id: Vec<usize> = (0..all.tickets.len()).collect();
    println!(
        "store_order: {TICKETS} tickets, {} changes, written {PER_WRITE} at a time",
        all.transitions.len()
    );
    for (name, order, url) in [
        ("id order, no address", &by_id, false),
        ("arrival order, no address", &shuffled, false),
        ("id order, 48-byte address", &by_id, true),
        ("arrival order, 48-byte address", &shuffled, true),
    ] {
        let (cpu, wall) = write_all(&all, order, url);
        println!("{name:32} CPU {cpu:.2} s, wall {wall:.2} s");
    }
}

/// Writes the tickets of `all` in `order`, `PER_WRITE` to a change set; returns the CPU and
/// wall seconds of the writes.
fn write_all(all: &ChangeSet, order: &[usize], url: bool) -> (f64, f64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    let mut changes: Vec<&[Transition]> = Vec::with_capacity(all.tickets.len());
    let mut at = 0;
    for t in &all.tickets {
        let n = all.transitions[at..]
            .iter()
            .take_while(|c| c.ticket == t.id)
            .count();
        changes.push(&all.transitions[at..at + n]);
        at += n;
    }
    let sets: Vec<ChangeSet> = order
        .chunks(PER_WRITE)
        .enumerate()
        .map(|(i, chunk)| {
            let mut c = ChangeSet::new("bench");
            if i == 0 {
                c.projects = all.projects.clone();
            }
            for &k in chunk {
                let mut t = all.tickets[k].clone();
                if url {
                    t.url = Some(format!("https://tracker.example.com/browse/{}", t.key));
                }
                c.tickets.push(t);
                c.transitions.extend(changes[k].iter().cloned());
            }
            c.cursor = Some(i.to_string());
            c
        })
        .collect();
    let (cpu0, _) = cpu::usage();
    let began = Instant::now();
    for c in &sets {
        store.write(c).expect("write");
    }
    let wall = began.elapsed().as_secs_f64();
    let (cpu1, _) = cpu::usage();
    assert_eq!(store.load().expect("load").tickets.len() as u64, TICKETS);
    (cpu1 - cpu0, wall)
}
