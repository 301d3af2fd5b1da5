//! The edges between lookout and the terminal it runs in: whether there is one to draw on,
//! putting text on the user's clipboard through the terminal, and opening a link.

pub mod clipboard;
pub mod open;
pub mod tty;
