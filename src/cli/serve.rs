//! `evbus serve` (health endpoints and Prometheus metrics over HTTP) and `evbus alerts`
//! (Prometheus alerting rules generated from the manifest): their flags and epilogues.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;

use super::common::ManifestArg;
use super::parse;

const SERVE_HELP: &str = "Endpoints:
  /health        the checks of `evbus health` as JSON: 200 healthy, 503 not (?strict: warnings fail)
  /health/kafka  {status, kafka: {connected, brokers, topics}}: 200 healthy, 500 not
  /metrics       Prometheus text format: lag, offsets, time lag, verdicts, partitions, DLQs
  /ready         200 once the first collection succeeded, 503 before

Examples:
  evbus serve
  evbus serve --listen 0.0.0.0:9308 --interval 30s -f topics.yaml
  evbus alerts > evbus-rules.yml && promtool check rules evbus-rules.yml

The brokers are read every --interval, never per request; a broker that goes away is reported
(evbus_up 0, /health 503) until it is back. SIGTERM or Ctrl-C stops the server (exit 0).";

#[derive(Debug, Args)]
#[command(after_help = SERVE_HELP)]
pub struct ServeArgs {
    /// Address to listen on (loopback unless told otherwise)
    #[arg(long, default_value = "127.0.0.1:9308", value_name = "ADDR:PORT")]
    pub listen: SocketAddr,
    /// Time between two collections (metrics and health checks; at least 500ms)
    #[arg(long, value_parser = parse::watch_interval, default_value = "15s", value_name = "DURATION")]
    pub interval: Duration,
    /// Collections in the window of the lag verdicts (evbus_consumer_group_status), as lag --window
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub window: usize,
    /// Warn when a group's oldest unconsumed record is this old, as a percentage of retention.ms
    #[arg(long, default_value = "80%", value_name = "PERCENT")]
    pub retention_warn: String,
    #[command(flatten)]
    pub manifest: ManifestArg,
}

const ALERTS_HELP: &str = "Rules (over the series of `evbus serve`):
  EvbusConsumerLagOverMaxLag   per group with a max_lag: its total lag is over it
  EvbusConsumerTimeLagHigh     per group, with --max-time-lag: its oldest unconsumed record is older
  EvbusConsumerGroupStuck      per group: its lag --watch verdict is ERR (stopped, stalled, rewinding)
  EvbusDeadLettersGrowing      per dlq: true topic: records arrived within --dlq-window
  EvbusDown, EvbusPartitionsOffline, EvbusPartitionsUnderMinIsr, EvbusPartitionsUnderReplicated,
  EvbusBrokersMissing          the cluster

Examples:
  evbus alerts > /etc/prometheus/rules/evbus.yml
  evbus alerts --max-time-lag 5m --for 10m --min-brokers 3";

#[derive(Debug, Args)]
#[command(after_help = ALERTS_HELP)]
pub struct AlertsArgs {
    /// How long a condition must hold before its alert fires (Prometheus `for:`)
    #[arg(long = "for", default_value = "5m", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub for_: Duration,
    /// Alert when a manifest group's time lag (age of its oldest unconsumed record) is over this
    #[arg(long, value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub max_time_lag: Option<Duration>,
    /// Alert when the cluster has fewer brokers [default: the manifest's largest replication factor]
    #[arg(long, value_name = "N")]
    pub min_brokers: Option<usize>,
    /// Alert when a dead-letter topic received records within this window
    #[arg(long, default_value = "10m", value_parser = humantime::parse_duration, value_name = "DURATION")]
    pub dlq_window: Duration,
    #[command(flatten)]
    pub manifest: ManifestArg,
}
