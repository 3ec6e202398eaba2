//! The exit codes billrecon promises (the contract's exit-code table), as one named type: every
//! subcommand and every error ends in one of these, and nothing else picks a number.

/// How a run ended, as the process exit code says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: every deleted resource is confirmed stopped (`check`), or the command did what was
    /// asked (`inspect`, `explain-id`, `--help`); also `check --exit-zero` whatever it found.
    Stopped,
    /// 1: at least one resource is still billing.
    Findings,
    /// 2: bad usage or bad input: nothing trustworthy was reported.
    BadInput,
    /// 3: nothing is still billing, but something is pending or not in the bill: too early to
    /// tell, run again later.
    TooEarly,
}

impl Exit {
    /// The number the process exits with.
    pub fn code(self) -> u8 {
        match self {
            Exit::Stopped => 0,
            Exit::Findings => 1,
            Exit::BadInput => 2,
            Exit::TooEarly => 3,
        }
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_contract() {
        let codes: Vec<u8> = [
            Exit::Stopped,
            Exit::Findings,
            Exit::BadInput,
            Exit::TooEarly,
        ]
        .iter()
        .map(|e| e.code())
        .collect();
        assert_eq!(codes, [0, 1, 2, 3]);
    }
}
