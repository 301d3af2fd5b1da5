//! README's Keys section is the keymap table: a rebound default that README does not show
//! fails here. `LOOKOUT_BLESS=1 cargo test --test readme_keys` rewrites the section.

use lookout::keys::{Keymap, markdown};

const START: &str = "<!-- keys:start (generated from assets/keymap.default.toml) -->\n";
const END: &str = "<!-- keys:end -->";

#[test]
fn readme_keys_section_matches_the_keymap() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (Some(a), Some(b)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the keys markers:\n{START}{END}");
    };
    let shown = &readme[a + START.len()..b];
    let map = Keymap::default_table().expect("keymap");
    let expected = markdown(&map);
    if shown != expected {
        if std::env::var_os("LOOKOUT_BLESS").is_some() {
            let fixed = format!("{}{START}{expected}{}", &readme[..a], &readme[b..]);
            std::fs::write(&path, fixed).expect("write README.md");
            return;
        }
        panic!(
            "README's Keys section differs from the keymap; run \
             `LOOKOUT_BLESS=1 cargo test --test readme_keys`. Expected:\n{expected}"
        );
    }
}
