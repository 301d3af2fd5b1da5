//! Where the config and the data live: flag, then environment, then the platform's place.

use std::path::PathBuf;

use directories::ProjectDirs;

fn dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "lookout")
}

/// The config file to read, and whether the user named it (a named file must exist).
pub fn config_file(flag: Option<PathBuf>) -> Option<(PathBuf, bool)> {
    if let Some(p) = flag {
        return Some((p, true));
    }
    if let Some(p) = std::env::var_os("LOOKOUT_CONFIG").filter(|v| !v.is_empty()) {
        return Some((PathBuf::from(p), true));
    }
    dirs().map(|d| (d.config_dir().join("config.toml"), false))
}

pub fn data_dir(flag: Option<PathBuf>) -> Option<PathBuf> {
    flag.or_else(|| {
        std::env::var_os("LOOKOUT_DATA_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
    .or_else(|| dirs().map(|d| d.data_dir().to_path_buf()))
}
