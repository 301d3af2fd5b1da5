use serde::{Deserialize, Serialize};

/// A person who can be assigned tickets in a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub source: String,
    pub project: String,
    /// The tracker's login or account id.
    pub login: String,
    pub display_name: String,
}
