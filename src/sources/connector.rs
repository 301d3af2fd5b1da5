//! What a configured source is, whatever its kind: the connector's own settings behind
//! `ConnectorSettings`, which describe themselves for doctor and build the `Source`.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use super::Source;
use crate::domain::Portfolio;

/// What building a source may draw on.
pub struct Build<'a> {
    /// The source's name in the config.
    pub name: &'a str,
    /// What the store holds now (the demo tracker resumes from it).
    pub stored: &'a Portfolio,
    /// Where the demo tracker takes its writes, when writes can happen (the store, through
    /// the sync layer: sources never reach the store themselves).
    pub desk: Option<Arc<dyn super::demo::Desk>>,
}

/// A connector's checked settings (see `registry` for how a connector is added).
pub trait ConnectorSettings: fmt::Debug + Send + Sync + 'static {
    /// The kind as written in the config (`kind = "jira"`).
    fn kind(&self) -> &'static str;

    /// One line for doctor's heading: the kind and where it reads from.
    fn describe(&self) -> String;

    fn build(&self, at: &Build<'_>) -> Box<dyn Source>;

    /// What the tracker needs from the user (which variables hold which credentials, and
    /// what the account may do), for doctor to say when it cannot get in.
    fn access(&self) -> Option<String> {
        None
    }

    /// The built-in demo tracker: a sync resumes it from the stored portfolio.
    fn is_demo(&self) -> bool {
        false
    }

    /// A file, not a server: doctor reads it instead of asking for projects.
    fn is_file(&self) -> bool {
        false
    }
}

/// What `SourceKind` needs beyond the connector's trait, given to every settings type that
/// can be compared.
trait Held: ConnectorSettings {
    fn as_any(&self) -> &dyn Any;
    fn same(&self, other: &dyn Held) -> bool;
}

impl<S: ConnectorSettings + PartialEq> Held for S {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn same(&self, other: &dyn Held) -> bool {
        other.as_any().downcast_ref::<S>() == Some(self)
    }
}

/// A configured source's kind and its connector's settings (shared: they never change once
/// read).
#[derive(Clone)]
pub struct SourceKind(Arc<dyn Held>);

impl SourceKind {
    pub fn new<S: ConnectorSettings + PartialEq>(settings: S) -> SourceKind {
        SourceKind(Arc::new(settings))
    }

    /// The kind as written in the config (`kind = "jira"`).
    pub fn label(&self) -> &'static str {
        self.0.kind()
    }

    /// The settings, if they are a `S` (tests and kind-specific callers look inside).
    pub fn get<S: 'static>(&self) -> Option<&S> {
        self.0.as_any().downcast_ref::<S>()
    }

    pub fn describe(&self) -> String {
        self.0.describe()
    }

    pub fn access(&self) -> Option<String> {
        self.0.access()
    }

    pub fn build(&self, at: &Build<'_>) -> Box<dyn Source> {
        self.0.build(at)
    }

    pub fn is_demo(&self) -> bool {
        self.0.is_demo()
    }

    pub fn is_file(&self) -> bool {
        self.0.is_file()
    }
}

impl PartialEq for SourceKind {
    fn eq(&self, other: &Self) -> bool {
        self.0.same(other.0.as_ref())
    }
}

impl fmt::Debug for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
