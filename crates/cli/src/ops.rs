//! Operations on the store itself: `desist backup FILE` copies the embedded database while it
//! serves; `desist restore FILE` checks a backup and puts it back. PostgreSQL deployments use
//! `pg_dump` and `pg_restore` (see the README).

use crate::config::{Config, redact_url};
use anyhow::Context;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct BackupArgs {
    /// The new file to write the copy to (never overwritten).
    pub file: PathBuf,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// The backup to put back; checked first (a desist database, intact, not from a newer desist).
    pub file: PathBuf,
}

impl BackupArgs {
    pub async fn run(&self, config: &Config, out: &mut impl Write) -> anyhow::Result<()> {
        let checked = store::backup::backup(&config.database_url, &self.file)
            .await
            .with_context(|| format!("backing up {}", redact_url(&config.database_url)))?;
        writeln!(
            out,
            "backup written to {}: {} people, {} migrations; checked intact",
            self.file.display(),
            checked.people,
            checked.migrations
        )?;
        Ok(())
    }
}

impl RestoreArgs {
    pub async fn run(&self, config: &Config, out: &mut impl Write) -> anyhow::Result<()> {
        let checked = store::backup::restore(&config.database_url, &self.file)
            .await
            .with_context(|| format!("restoring {} into {}", self.file.display(), redact_url(&config.database_url)))?;
        writeln!(
            out,
            "restored {} into {}: {} people, {} migrations (start desist to bring the schema up to date)",
            self.file.display(),
            redact_url(&config.database_url),
            checked.people,
            checked.migrations
        )?;
        Ok(())
    }
}
