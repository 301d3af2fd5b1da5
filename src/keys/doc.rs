//! The keymap as a Markdown table, for README's Keys section (a test keeps the two equal).

use super::{Chord, Keymap};

/// One table per scope, in the order scopes are listed, with every binding that has keys and,
/// after them, the commands reached by name from the palette.
pub fn markdown(map: &Keymap) -> String {
    let mut out = String::new();
    for scope in super::Scope::ALL {
        let bindings: Vec<_> = map.bindings.iter().filter(|b| b.scope == scope).collect();
        if bindings.is_empty() {
            continue;
        }
        out.push_str(&format!("**{}** (`{}`)\n\n", scope.title(), scope.name()));
        out.push_str("| keys | command | what it does |\n| --- | --- | --- |\n");
        for b in bindings {
            let keys = if b.keys.is_empty() {
                "palette".to_string()
            } else {
                b.keys
                    .iter()
                    .map(|k| format!("`{}`", cell(&Chord::label(k))))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            out.push_str(&format!(
                "| {keys} | `{}` | {} |\n",
                cell(&b.command.name()),
                cell(&b.description)
            ));
        }
        out.push('\n');
    }
    out
}

/// A table cell's text: a `|` would end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}
