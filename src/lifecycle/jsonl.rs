//! zstd-compressed JSON lines: written whole to a side file, synced and renamed into place;
//! read line by line with the damage a reader meets phrased for the user.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::FileError;

/// Middle of zstd's range: about as fast as writing the file uncompressed, several times
/// smaller.
const LEVEL: i32 = 9;

pub struct Writer {
    path: PathBuf,
    side: PathBuf,
    encoder: zstd::Encoder<'static, BufWriter<File>>,
}

impl Writer {
    /// Starts the file `path`, which must not exist yet.
    pub fn create(path: &Path) -> Result<Writer, FileError> {
        if path.exists() {
            return Err(FileError::Exists {
                path: path.to_path_buf(),
            });
        }
        let write = |source| FileError::Write {
            path: path.to_path_buf(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(write)?;
        }
        let mut side = path.as_os_str().to_owned();
        side.push(".partial");
        let side = PathBuf::from(side);
        let file = File::create(&side).map_err(write)?;
        let mut encoder = zstd::Encoder::new(BufWriter::new(file), LEVEL).map_err(write)?;
        // A checksum of the content: a flipped byte anywhere is caught on reading.
        encoder.include_checksum(true).map_err(write)?;
        Ok(Writer {
            path: path.to_path_buf(),
            side,
            encoder,
        })
    }

    pub fn line<T: Serialize>(&mut self, value: &T) -> Result<(), FileError> {
        let write = |source| FileError::Write {
            path: self.path.clone(),
            source,
        };
        serde_json::to_writer(&mut self.encoder, value).map_err(|e| write(e.into()))?;
        self.encoder.write_all(b"\n").map_err(write)
    }

    /// Ends the stream, syncs the file to disk and renames it into place.
    pub fn finish(self) -> Result<PathBuf, FileError> {
        let write = |source| FileError::Write {
            path: self.path.clone(),
            source,
        };
        let done = (|| {
            let file = self
                .encoder
                .finish()?
                .into_inner()
                .map_err(|e| e.into_error())?;
            file.sync_all()?;
            std::fs::rename(&self.side, &self.path)?;
            if let Some(dir) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
                File::open(dir)?.sync_all()?;
            }
            Ok(())
        })();
        if let Err(e) = done {
            let _ = std::fs::remove_file(&self.side);
            return Err(write(e));
        }
        Ok(self.path)
    }
}

/// Calls `each` with every line of the file and its number (from 1); stops at the first
/// error, which names the line.
pub fn read(
    path: &Path,
    mut each: impl FnMut(usize, &str) -> Result<(), String>,
) -> Result<(), FileError> {
    let file = File::open(path).map_err(|source| FileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let decoder = zstd::Decoder::new(file).map_err(|e| damaged(path, 0, e))?;
    for (i, line) in BufReader::new(decoder).lines().enumerate() {
        let line = line.map_err(|e| damaged(path, i + 1, e))?;
        each(i + 1, &line)
            .map_err(|what| FileError::invalid(path, format!("line {}: {what}", i + 1)))?;
    }
    Ok(())
}

fn damaged(path: &Path, line: usize, e: std::io::Error) -> FileError {
    let at = if line > 0 {
        format!(" at line {line}")
    } else {
        String::new()
    };
    let what = match e.kind() {
        std::io::ErrorKind::UnexpectedEof => {
            format!("it is cut short{at} (the file is incomplete)")
        }
        std::io::ErrorKind::InvalidData if e.to_string().contains("UTF-8") => {
            format!("it is damaged{at} (text that is not UTF-8)")
        }
        _ => format!("it is damaged or not a zstd file{at} ({e})"),
    };
    FileError::invalid(path, what)
}
