//! Command-line interface (clap). The names and flags here are an interface other tools
//! rely on (DESIGN.md): change them only together with the design.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "dangjian", version, about = "机关党建网：门户、内容管理与智慧党建平台")]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand takes.
#[derive(Args, Debug, Clone, Default)]
pub struct GlobalArgs {
    /// Configuration file (default: ./dangjian.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data directory: SQLite database, media and search index.
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Database URL: postgres://… or sqlite://path (default: <data>/dangjian.db).
    #[arg(long, global = true, value_name = "URL")]
    pub database: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the portal (and, later, the backends and API).
    Serve(ServeArgs),
    /// Create the database if needed and apply migrations.
    Migrate,
    /// Fill an empty database with generated demo content.
    Demo(DemoArgs),
    /// Manage accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Rebuild the search index (<data>/index) from the database. Stop `serve` first:
    /// an index has one writer.
    Reindex,
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create an account; the password comes from DANGJIAN_PASSWORD or a prompt.
    Create(AdminCreateArgs),
}

#[derive(Args, Debug)]
pub struct AdminCreateArgs {
    #[arg(long)]
    pub username: String,
    /// Role code: sysadmin, secadmin, auditor, editor, reviewer, contributor, officer, member.
    #[arg(long = "role", required = true)]
    pub roles: Vec<String>,
    /// Name shown in the backend.
    #[arg(long, default_value = "")]
    pub display_name: String,
    /// For an officer: the organisation id they work in (they see its subtree).
    #[arg(long)]
    pub org: Option<i64>,
    /// For a member: the id of their member record (they see their own record, quizzes,
    /// volunteer hours and points).
    #[arg(long)]
    pub member: Option<i64>,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Walk the hash chain; exit status 0 only when it is intact.
    Verify,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on, e.g. 127.0.0.1:8080 or [::]:80.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Media store URL (local directory by default).
    #[arg(long, value_name = "URL")]
    pub media: Option<String>,
    /// Create the database if missing and fill it with demo content when empty.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// How many articles to generate.
    #[arg(long, default_value_t = 300)]
    pub articles: usize,
    /// Seed of the generator; the same seed gives the same content.
    #[arg(long, default_value_t = 20211)]
    pub seed: u64,
    /// How many party members to generate for the 智慧党建 platform (0: none).
    #[arg(long, default_value_t = 3000)]
    pub members: usize,
}
