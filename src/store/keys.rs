//! Key encoding: big-endian numbers and NUL-separated strings, so that sled's byte order is the
//! order lookout reads in (a source's tickets by id, a ticket's notes and time entries together).

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

/// The prefix every key of `source` starts with.
pub fn source_prefix(source: &str) -> Vec<u8> {
    with_source(source, 0)
}

pub fn ticket(source: &str, id: u64) -> Vec<u8> {
    let mut k = with_source(source, 8);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// The source and id of a ticket key.
pub fn parse_ticket(key: &[u8]) -> Option<(&str, u64)> {
    let nul = key.iter().position(|&b| b == 0)?;
    let source = std::str::from_utf8(&key[..nul]).ok()?;
    let id: [u8; 8] = key.get(nul + 1..nul + 9)?.try_into().ok()?;
    Some((source, u64::from_be_bytes(id)))
}

/// Key of a record that belongs to a ticket (time entries, notes).
pub fn child(source: &str, ticket: u64, id: u64) -> Vec<u8> {
    let mut k = with_source(source, 16);
    k.extend_from_slice(&ticket.to_be_bytes());
    k.extend_from_slice(&id.to_be_bytes());
    k
}

pub fn snapshot(source: &str, project: &str, day: chrono::NaiveDate) -> Vec<u8> {
    use chrono::Datelike;
    let mut k = with_source(source, project.len() + 5);
    k.extend_from_slice(project.as_bytes());
    k.push(0);
    k.extend_from_slice(&((day.num_days_from_ce() as u32) ^ (1 << 31)).to_be_bytes());
    k
}

/// The standing warnings of a source (see `ChangeSet::standing_warnings`).
pub fn warnings(source: &str) -> Vec<u8> {
    let mut k = b"warnings\0".to_vec();
    k.extend_from_slice(source.as_bytes());
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

    #[test]
    fn tickets_sort_by_source_then_id_and_parse_back() {
        assert!(ticket("s", 255) < ticket("s", 256), "ids are big-endian");
        assert!(
            ticket("a", u64::MAX) < ticket("ab", 0),
            "sources do not bleed into each other"
        );
        assert_eq!(parse_ticket(&ticket("ops", 42)), Some(("ops", 42)));
        assert_eq!(parse_ticket(b"no-separator"), None);
    }

    #[test]
    fn children_sort_by_ticket_then_id() {
        assert!(child("s", 1, 9) < child("s", 2, 0));
        assert!(child("s", 1, 1) < child("s", 1, 2));
    }
}
