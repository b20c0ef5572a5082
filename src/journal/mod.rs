//! Agent run journals (`.a5c/runs/<runId>/`): finding run directories, telling which file is
//! what (journal event, task definition, result, log, backup), and checking their integrity.
//! See `../shared/journal-format.md` for the on-disk format this follows.

pub mod checksum;
pub mod verify;
