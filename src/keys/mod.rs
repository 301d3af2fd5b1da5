//! Keys as data: the actions a user can ask for and the keymap that binds keys to them.
//!
//! Both the config (which rebinds keys) and the app (which interprets actions) use this
//! module; it uses neither, so neither depends on the other.

mod action;
mod keymap;

pub use action::Action;
pub use keymap::{Binding, Chord, Context, Keymap};
