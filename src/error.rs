//! The errors billrecon reports and the exit code each one means.
//!
//! Every input problem carries a [`Location`] so the message names the file, line and column a
//! user has to open; all of them exit 2 ([`Exit::BadInput`]) because nothing trustworthy was reported.

use crate::exit::Exit;
use std::fmt;
use std::io;

/// Where in an input something was found. Lines and columns count from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub line: Option<u64>,
    pub column: Option<usize>,
}

impl Location {
    pub fn file(path: &str) -> Self {
        Location {
            path: path.to_string(),
            line: None,
            column: None,
        }
    }

    pub fn at(path: &str, line: u64, column: Option<usize>) -> Self {
        Location {
            path: path.to_string(),
            line: Some(line),
            column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag value or combination that cannot work.
    #[error("{0}")]
    Usage(String),
    /// A bill export, register or rules file that cannot be read as what it claims to be.
    #[error("{loc}: {msg}")]
    Input { loc: Location, msg: String },
    /// A file that cannot be opened or read.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    /// The report could not be written.
    #[error("cannot write the report to {target}: {source}")]
    Output {
        target: String,
        #[source]
        source: io::Error,
    },
}

impl Error {
    pub fn input(loc: Location, msg: impl Into<String>) -> Self {
        Error::Input {
            loc,
            msg: msg.into(),
        }
    }

    pub fn io(path: &str, source: io::Error) -> Self {
        Error::Io {
            path: path.to_string(),
            source,
        }
    }

    /// A closed stdout (`billrecon … | head`) is how a reader says it has seen enough.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }

    /// Every error means bad usage or bad input.
    pub fn exit_code(&self) -> Exit {
        Exit::BadInput
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_read_like_compiler_messages() {
        assert_eq!(Location::file("a.csv").to_string(), "a.csv");
        assert_eq!(Location::at("a.csv", 12, None).to_string(), "a.csv:12");
        assert_eq!(Location::at("a.csv", 12, Some(5)).to_string(), "a.csv:12:5");
        let e = Error::input(Location::at("a.csv", 3, Some(2)), "bad amount");
        assert_eq!(e.to_string(), "a.csv:3:2: bad amount");
        assert_eq!(e.exit_code(), Exit::BadInput);
    }
}
