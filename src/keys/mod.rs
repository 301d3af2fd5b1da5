//! Keys as data: the actions a user can ask for, the scopes they apply in, and the keymap
//! that binds keys to them.
//!
//! Both the config (which rebinds keys) and the app (which interprets actions) use this
//! module; it uses neither, so neither depends on the other.

mod action;
mod chord;
mod command;
mod doc;
mod keymap;
mod scope;

pub use action::Action;
pub use chord::Chord;
pub use command::{Command, takes_argument};
pub use doc::markdown;
pub use keymap::{Binding, Conflict, Keymap};
pub use scope::Scope;
