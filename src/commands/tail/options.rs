//! tail's options: everything decided from the command line alone (start position, output
//! format, filters), checked before any connection is made so a typo is exit 2 at once.

use anyhow::{Result, bail};
use regex::Regex;

use super::format::Format;
use super::start::StartPos;
use crate::app::App;
use crate::cli::{OutputFormat, StartSpec, TailArgs};
use crate::exit::Exit;
use crate::record::filter::{JqFilter, RecordFilter, parse_header_arg};
use crate::record::render::PrettyOpts;

pub(super) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn pick_format(app: &App, args: &TailArgs) -> Result<Format> {
    let terminal = app.ui.stdout_tty;
    if let Some(t) = &args.template {
        if matches!(app.ui.format, OutputFormat::Json | OutputFormat::Raw | OutputFormat::Pretty) {
            bail!(Exit::usage("--template and -o json/raw/pretty are mutually exclusive"));
        }
        let template =
            crate::record::render::template(t).map_err(|e| Exit::usage(format!("invalid --template: {e}")))?;
        return Ok(Format::Template { template, terminal });
    }
    Ok(match app.ui.format {
        OutputFormat::Json => Format::Json { terminal },
        OutputFormat::Raw => Format::Raw { terminal },
        OutputFormat::Pretty | OutputFormat::Table => Format::Pretty(pretty_opts(app, args)),
        OutputFormat::Auto if terminal => Format::Pretty(pretty_opts(app, args)),
        OutputFormat::Auto => Format::Json { terminal: false },
    })
}

fn pretty_opts(app: &App, args: &TailArgs) -> PrettyOpts {
    PrettyOpts { color: app.ui.color, full: args.full, ..PrettyOpts::default() }
}

fn build_filter(args: &TailArgs) -> Result<RecordFilter> {
    let jq = match &args.filter {
        Some(src) => Some(
            JqFilter::compile(src)
                .map_err(|e| Exit::usage(format!("invalid --filter: {e}")))?
                .with_memory_limit(args.filter_memory.bytes),
        ),
        None => None,
    };
    let headers = args.headers.iter().map(|h| parse_header_arg(h).map_err(Exit::usage)).collect::<Result<Vec<_>>>()?;
    Ok(RecordFilter {
        jq,
        key: args.key.clone(),
        headers,
        event_type: args.event_type.clone(),
        grep: args.grep.clone(),
    })
}

/// Everything decided from the command line alone.
pub(super) struct Options {
    pub(super) start: StartPos,
    pub(super) until_ms: Option<i64>,
    pub(super) pattern: Option<Regex>,
    pub(super) format: Format,
    pub(super) filter: RecordFilter,
}

pub(super) fn options(app: &App, args: &TailArgs) -> Result<Options> {
    if args.topics.is_empty() && args.pattern.is_none() && !args.all {
        bail!(Exit::usage("name the topics to follow, or use --pattern REGEX or --all"));
    }
    if args.all && (args.pattern.is_some() || !args.topics.is_empty()) {
        bail!(Exit::usage("--all follows every topic; do not combine it with topic names or --pattern"));
    }
    // One clock reading for every "duration ago" on the command line, so `--since 2h --until 1h`
    // is exactly one hour.
    let now = now_ms();
    let start = match (args.window.since, args.from) {
        (Some(t), _) | (None, StartSpec::Time(t)) => StartPos::Time(t.at(now)),
        (None, StartSpec::End) => StartPos::End,
        (None, StartSpec::Beginning) => StartPos::Beginning,
        (None, StartSpec::Offset(n)) => StartPos::Offset(n),
        (None, StartSpec::Last(n)) => StartPos::Last(n),
    };
    let until_ms = args.window.until.map(|t| t.at(now));
    let pattern = match &args.pattern {
        Some(p) => Some(Regex::new(p).map_err(|e| Exit::usage(format!("invalid --pattern: {e}")))?),
        None => None,
    };
    if args.group.is_some() && args.window.since.is_some() {
        bail!(Exit::usage(
            "with --group the group's committed offsets decide where to start; --since cannot be used \
             there (--from end or --from beginning set where partitions without a committed offset start)"
        ));
    }
    if args.group.is_some() && !matches!(start, StartPos::End | StartPos::Beginning) {
        bail!(Exit::usage(
            "with --group the group's committed offsets decide where to start; --from only accepts \
             end or beginning there (for partitions without a committed offset)"
        ));
    }
    if args.count == Some(0) {
        bail!(Exit::usage("--count must be at least 1"));
    }
    let filter = build_filter(args)?;
    Ok(Options { start, until_ms, pattern, format: pick_format(app, args)?, filter })
}
