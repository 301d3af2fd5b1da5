//! Key encoding: big-endian numbers and NUL-separated strings, so that sled's byte order is the
//! order lookout reads in (a ticket's transitions are contiguous and chronological).

use chrono::{DateTime, Utc};

use crate::domain::Field;

fn with_source(source: &str, extra: usize) -> Vec<u8> {
    let mut k = Vec::with_capacity(source.len() + 1 + extra);
    k.extend_from_slice(source.as_bytes());
    k.push(0);
    k
}

pub fn project(source: &str, key: &str) -> Vec<u8> {
    let mut k = with_source(source, key.len());
    k.extend_from_slice(key.as_bytes());
    k
}

pub fn member(source: &str, project: &str, login: &str) -> Vec<u8> {
    let mut k = with_source(source, project.len() + 1 + login.len());
    k.extend_from_slice(project.as_bytes());
    k.push(0);
    k.extend_from_slice(login.as_bytes());
    k
}

pub fn ticket(source: &str, id: u64) -> Vec<u8> {
    let mut k = with_source(source, 8);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// Timestamps flip the sign bit so negative (pre-1970) instants still sort first.
fn instant(at: DateTime<Utc>) -> [u8; 8] {
    ((at.timestamp_millis() as u64) ^ (1 << 63)).to_be_bytes()
}

pub fn transition(source: &str, ticket: u64, at: DateTime<Utc>, field: Field) -> Vec<u8> {
    let mut k = with_source(source, 17);
    k.extend_from_slice(&ticket.to_be_bytes());
    k.extend_from_slice(&instant(at));
    k.push(field.tag());
    k
}

/// Key of a record that belongs to a ticket (time entries, notes).
pub fn child(source: &str, ticket: u64, id: u64) -> Vec<u8> {
    let mut k = with_source(source, 16);
    k.extend_from_slice(&ticket.to_be_bytes());
    k.extend_from_slice(&id.to_be_bytes());
    k
}

pub fn cursor(source: &str) -> Vec<u8> {
    let mut k = b"cursor\0".to_vec();
    k.extend_from_slice(source.as_bytes());
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn transitions_sort_by_ticket_then_time() {
        let early = Utc
            .with_ymd_and_hms(1969, 12, 31, 0, 0, 0)
            .single()
            .expect("valid date");
        let late = Utc
            .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
            .single()
            .expect("valid date");
        let a = transition("s", 1, late, Field::Status);
        let b = transition("s", 1, early, Field::Status);
        let c = transition("s", 2, early, Field::Status);
        assert!(b < a, "earlier instant sorts first, even before 1970");
        assert!(a < c, "ticket id dominates time");
        assert!(ticket("s", 255) < ticket("s", 256), "ids are big-endian");
    }

    #[test]
    fn sources_do_not_bleed_into_each_other() {
        assert!(ticket("a", u64::MAX) < ticket("ab", 0));
    }
}
