//! A tracker's address from the config, checked before anything is sent to it.
//!
//! Only what can work passes: http or https, a host, a port that is a number, no credentials
//! in the address (secrets stay out of the file), no query or fragment, and where a tracker
//! wants its site root (Jira Cloud), no path. The message says what to write instead.

use reqwest::Url;

/// Whether the tracker may live below a path (Redmine under `/redmine`) or wants the root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    PathAllowed,
    SiteRoot,
}

/// The address without a trailing slash, or why it cannot work.
pub fn check(text: &str, root: Root) -> Result<String, String> {
    let text = text.trim();
    let Some((scheme, rest)) = text.split_once("://") else {
        return Err(format!(
            "{text:?} is not an address; write it with http:// or https://"
        ));
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(format!(
            "{text:?} uses the scheme {scheme:?}; lookout speaks http:// and https:// only"
        ));
    }
    // The parser reads `host:` as the default port; an empty port is a typo here.
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.ends_with(':') {
        return Err(format!(
            "{text:?} has an empty port; write the port after the colon or drop the colon"
        ));
    }
    // The parser would take `https:///path` as the host `path`.
    if authority.is_empty() {
        return Err(format!("{text:?} has no host name"));
    }
    let url = Url::parse(text).map_err(|e| format!("{text:?} is not an address: {e}"))?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{text:?} has no host name"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "{text:?} carries credentials; keep them out of the file and name the variable \
             that holds them instead"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "{text:?} has a query or a fragment; write the tracker's address only"
        ));
    }
    let root_only = format!("{}://{}", url.scheme(), authority);
    if root == Root::SiteRoot && url.path() != "/" {
        return Err(format!(
            "{text:?} points inside the site; write the site root, {root_only}"
        ));
    }
    Ok(text.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_that_cannot_work_are_refused_with_what_to_write() {
        let refused = |text: &str, root: Root, says: &str| {
            let err = check(text, root).expect_err(text);
            assert!(err.contains(says), "{text}: {err}");
        };
        refused("http://127.0.0.1:", Root::PathAllowed, "empty port");
        refused("http://127.0.0.1:/redmine", Root::PathAllowed, "empty port");
        refused("http://127.0.0.1:80x", Root::PathAllowed, "not an address");
        refused("http://", Root::PathAllowed, "no host name");
        refused("https:///path", Root::PathAllowed, "no host name");
        refused("ftp://tracker.example", Root::PathAllowed, "scheme \"ftp\"");
        refused("tracker.example", Root::PathAllowed, "http:// or https://");
        refused(
            "https://me:secret@tracker.example",
            Root::PathAllowed,
            "credentials",
        );
        refused("https://tracker.example/?x=1", Root::PathAllowed, "query");
        refused(
            "https://acme.atlassian.net/jira/software/projects/EE/boards/1",
            Root::SiteRoot,
            "write the site root, https://acme.atlassian.net",
        );
    }

    #[test]
    fn working_addresses_pass_without_a_trailing_slash() {
        assert_eq!(
            check("https://acme.atlassian.net/", Root::SiteRoot),
            Ok("https://acme.atlassian.net".into())
        );
        assert_eq!(
            check("http://127.0.0.1:3000", Root::SiteRoot),
            Ok("http://127.0.0.1:3000".into())
        );
        assert_eq!(
            check(" http://host/redmine/ ", Root::PathAllowed),
            Ok("http://host/redmine".into())
        );
        assert_eq!(
            check("http://[::1]:8080", Root::PathAllowed),
            Ok("http://[::1]:8080".into())
        );
    }
}
