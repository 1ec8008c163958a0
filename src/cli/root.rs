//! The top-level command line: [`Cli`] (global options and one [`Command`]), its `--help`
//! epilogue, and the check that a command prints the output format asked for.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use clap::{Parser, Subcommand, ValueEnum as _};

use super::*;
use crate::term::ui::OutputFormat;

const ABOUT: &str = "Admin and dev toolkit for Kafka event platforms: declarative topics, sample events, \
tail with jq filters, lag verdicts, consumer groups, DLQ replay and health checks.";

const EXAMPLES: &str = "\
Examples:
  evbus topics plan                       # what would change on the cluster
  evbus topics apply --yes                # create/alter topics from topics.yaml
  evbus produce auth.user.registered -n 10
  evbus tail auth.user.registered --from beginning --filter '.payload.role == \"doctor\"'
  evbus lag --max-lag 1000
  evbus groups reset billing --topic orders --to-datetime 2024-05-01T00:00:00Z --dry-run
  evbus dlq inspect
  evbus health --wait 60s";

/// The top-level `--help` epilogue: the examples, then the exit codes from [`crate::exit::TABLE`].
fn after_help() -> String {
    format!("{EXAMPLES}\n\nExit codes:\n{}", crate::exit::help_rows(None))
}

#[derive(Debug, Parser)]
#[command(name = "evbus", version = crate::version::short(), long_version = crate::version::long(),
          about = ABOUT, after_help = after_help(), propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Declarative topics: validate, plan and apply topics.yaml; list and describe topics
    #[command(
        subcommand,
        after_help = "Examples:\n  evbus topics validate\n  evbus topics plan --detailed-exitcode\n  evbus topics apply --yes\n  evbus topics list\n  evbus topics describe auth.user.registered"
    )]
    Topics(TopicsCommand),
    /// JSON Schemas of the platform's events: list, validate, sample
    #[command(
        subcommand,
        after_help = "Examples:\n  evbus schemas list\n  evbus schemas validate\n  evbus schemas sample auth.user.registered -n 3 --seed 1"
    )]
    Schemas(SchemasCommand),
    /// Produce sample events generated from a JSON Schema, or validated events from a JSON Lines file
    Produce(ProduceArgs),
    /// Follow and filter topics (never joins a group unless --group)
    #[command(arg = tail::output_arg())]
    Tail(TailArgs),
    /// Consumer-group lag per partition, in offsets and in time, totals, and a status verdict
    Lag(LagArgs),
    /// Consumer groups: list, describe, reset offsets, delete
    #[command(subcommand, after_help = GROUPS_HELP)]
    Groups(GroupsCommand),
    /// Dead-letter queues: inspect what failed and replay it safely
    #[command(
        subcommand,
        after_help = "Examples:\n  evbus dlq inspect\n  evbus dlq replay --dry-run\n  evbus dlq replay --topic auth.user.registered --yes"
    )]
    Dlq(DlqCommand),
    /// Is the event platform OK? Checks with exit codes for CI and healthchecks
    Health(HealthArgs),
    /// Serve health endpoints and Prometheus metrics (lag, offsets, verdicts, partitions) over HTTP
    Serve(ServeArgs),
    /// Print Prometheus alerting rules generated from topics.yaml, for the metrics of `evbus serve`
    Alerts(AlertsArgs),
    /// Local development broker, or a cluster for failure drills (Apache Kafka, else nisshi)
    #[command(subcommand)]
    Dev(DevCommand),
    /// Contexts (named broker profiles) from evbus.yaml
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script
    Completions(CompletionsArgs),
}

impl Cli {
    /// Refuses an output format the command does not print (`-o raw` anywhere but `tail`) before
    /// anything runs, with the same usage error `Ui::mode` gives, naming the formats it takes.
    pub fn check_output(&self) -> anyhow::Result<()> {
        let takes = match &self.command {
            Command::Tail(_) => RECORD_FORMATS,
            _ => TABLE_FORMATS,
        };
        if takes.contains(&self.global.output) {
            return Ok(());
        }
        let spell = |f: &OutputFormat| f.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default();
        let mut list: Vec<String> = takes.iter().map(spell).collect();
        let last = list.pop().unwrap_or_default();
        Err(crate::exit::Exit::usage(format!(
            "-o {} is only for record streams (tail); use {} or {last} here",
            spell(&self.global.output),
            list.join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(std::iter::once("evbus").chain(args.iter().copied())).unwrap()
    }

    fn output_values(path: &[&str]) -> Vec<String> {
        let mut cmd = Cli::command();
        cmd.build();
        let mut c = &cmd;
        for name in path {
            c = c.find_subcommand(name).unwrap();
        }
        let arg = c.get_arguments().find(|a| a.get_id() == "output").unwrap();
        arg.get_possible_values().iter().filter(|v| !v.is_hide_set()).map(|v| v.get_name().to_string()).collect()
    }

    #[test]
    fn definitions_pass_clap_debug_asserts() {
        Cli::command().debug_assert();
    }

    #[test]
    fn only_tail_lists_the_record_formats() {
        assert_eq!(output_values(&[]), ["auto", "table", "json"]);
        assert_eq!(output_values(&["lag"]), ["auto", "table", "json"]);
        assert_eq!(output_values(&["topics", "plan"]), ["auto", "table", "json"]);
        assert_eq!(output_values(&["tail"]), ["auto", "table", "json", "pretty", "raw"]);
    }

    #[test]
    fn tail_takes_record_formats_before_and_after_its_name() {
        assert_eq!(parse(&["tail", "t", "-o", "raw"]).global.output, OutputFormat::Raw);
        assert_eq!(parse(&["-o", "pretty", "tail", "t"]).global.output, OutputFormat::Pretty);
        assert_eq!(parse(&["-o", "json", "tail", "t"]).global.output, OutputFormat::Json);
        assert_eq!(parse(&["tail", "t"]).global.output, OutputFormat::Auto);
        assert!(parse(&["tail", "t", "-o", "raw"]).check_output().is_ok());
    }

    #[test]
    fn other_commands_refuse_record_formats_as_a_usage_error() {
        for args in
            [&["lag", "-o", "pretty"][..], &["-o", "raw", "topics", "list"], &["completions", "bash", "-o", "raw"]]
        {
            let err = parse(args).check_output().unwrap_err();
            let exit = err.downcast_ref::<crate::exit::Exit>().unwrap();
            assert_eq!(exit.code, crate::exit::USAGE, "{args:?}");
            assert!(exit.message.ends_with("use auto, table or json here"), "{}", exit.message);
        }
        assert!(parse(&["lag", "-o", "table"]).check_output().is_ok());
        assert!(parse(&["groups", "list", "-o", "json"]).check_output().is_ok());
        assert!(Cli::try_parse_from(["evbus", "lag", "-o", "yaml"]).is_err());
    }

    /// The exit codes in `--help` texts are the `exit::` constants, not hand copies.
    #[test]
    fn exit_codes_in_help_are_the_exit_constants() {
        use crate::exit::{CHANGES_PENDING, ERROR, LAG_OVER, OK, UNHEALTHY};
        let mut cmd = Cli::command();
        cmd.build();
        let sub = |path: &[&str]| {
            let mut c = &cmd;
            for name in path {
                c = c.find_subcommand(name).unwrap();
            }
            c.clone()
        };
        let arg_help = |c: &clap::Command, id: &str| {
            c.get_arguments().find(|a| a.get_id() == id).unwrap().get_help().unwrap().to_string()
        };
        let status = sub(&["dev", "status"]).get_about().unwrap().to_string();
        assert!(status.contains(&format!("Exit {OK} running, {ERROR} stopped, {UNHEALTHY} running")), "{status}");
        let plan = sub(&["topics", "plan"]);
        assert!(arg_help(&plan, "detailed_exitcode").starts_with(&format!(
            "Exit {OK} when there are no changes, {CHANGES_PENDING} when changes are pending, {ERROR} on error"
        )));
        assert!(plan.get_after_help().unwrap().to_string().contains(&format!("exit {CHANGES_PENDING} when")));
        let lag = sub(&["lag"]);
        assert!(arg_help(&lag, "max_lag").starts_with(&format!("Exit {LAG_OVER} when")));
        assert!(arg_help(&lag, "max_time_lag").starts_with(&format!("Exit {LAG_OVER} when")));
        assert_eq!(lag.get_after_help().unwrap().to_string().matches(&format!("# exit {LAG_OVER} when")).count(), 2);
    }

    #[test]
    fn partition_for_needs_keys_and_a_positive_count() {
        let c = parse(&["topics", "partition-for", "t", "a", "b", "--partitions", "6"]);
        let Command::Topics(TopicsCommand::PartitionFor(a)) = c.command else { panic!("{c:?}") };
        assert_eq!((a.keys, a.partitions, a.key_hex), (vec!["a".to_string(), "b".to_string()], Some(6), false));
        assert!(Cli::try_parse_from(["evbus", "topics", "partition-for", "t"]).is_err());
        assert!(Cli::try_parse_from(["evbus", "topics", "partition-for", "t", "k", "--partitions", "0"]).is_err());
    }
}
