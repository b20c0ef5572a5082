//! One module per subcommand: each takes its parsed arguments, wires sources, scanner and
//! reporter together, and returns an exit status.

pub mod check;
pub mod gitignore;
pub mod install_hook;
pub mod journal;
pub mod rules;
pub mod scan;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::Error;
use crate::cli::ColorChoice;

/// Where a report goes: standard output, or a file that appears atomically when complete.
pub struct Output {
    target: Option<(tempfile::NamedTempFile, PathBuf)>,
    pub color: bool,
}

impl Output {
    /// Open the destination and decide on colors.
    pub fn open(
        path: Option<&Path>,
        color: ColorChoice,
    ) -> Result<(Self, Box<dyn Write + Send>), Error> {
        let color_ok = |is_terminal: bool| match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                is_terminal
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        };
        match path {
            None => {
                let stdout = io::stdout();
                let color = color_ok(stdout.is_terminal());
                Ok((
                    Output {
                        target: None,
                        color,
                    },
                    Box::new(io::BufWriter::new(stdout)),
                ))
            }
            Some(path) => {
                let dir = match path.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                let temp =
                    tempfile::NamedTempFile::new_in(dir).map_err(|source| Error::Output {
                        path: path.to_owned(),
                        source,
                    })?;
                let file = temp.reopen().map_err(|source| Error::Output {
                    path: path.to_owned(),
                    source,
                })?;
                let writer = Box::new(io::BufWriter::new(file));
                Ok((
                    Output {
                        target: Some((temp, path.to_owned())),
                        color: color_ok(false),
                    },
                    writer,
                ))
            }
        }
    }

    /// Move the finished report into place.
    pub fn commit(self) -> Result<(), Error> {
        if let Some((temp, path)) = self.target {
            temp.persist(&path).map_err(|e| Error::Output {
                path,
                source: e.error,
            })?;
        }
        Ok(())
    }
}
