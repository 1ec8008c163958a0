
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'evbus' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'evbus'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'evbus' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('topics', 'topics', [CompletionResultType]::ParameterValue, 'Declarative topics: validate, plan and apply topics.yaml; list and describe topics')
            [CompletionResult]::new('schemas', 'schemas', [CompletionResultType]::ParameterValue, 'JSON Schemas of the platform''s events: list, validate, sample')
            [CompletionResult]::new('produce', 'produce', [CompletionResultType]::ParameterValue, 'Produce sample events generated from a JSON Schema, or validated events from a JSON Lines file')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Follow and filter topics (never joins a group unless --group)')
            [CompletionResult]::new('lag', 'lag', [CompletionResultType]::ParameterValue, 'Consumer-group lag per partition, in offsets and in time, totals, and a status verdict')
            [CompletionResult]::new('groups', 'groups', [CompletionResultType]::ParameterValue, 'Consumer groups: list, describe, reset offsets, delete')
            [CompletionResult]::new('dlq', 'dlq', [CompletionResultType]::ParameterValue, 'Dead-letter queues: inspect what failed and replay it safely')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Is the event platform OK? Checks with exit codes for CI and healthchecks')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve health endpoints and Prometheus metrics (lag, offsets, verdicts, partitions) over HTTP')
            [CompletionResult]::new('alerts', 'alerts', [CompletionResultType]::ParameterValue, 'Print Prometheus alerting rules generated from topics.yaml, for the metrics of `evbus serve`')
            [CompletionResult]::new('dev', 'dev', [CompletionResultType]::ParameterValue, 'Local development broker, or a cluster for failure drills (Apache Kafka, else nisshi)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Contexts (named broker profiles) from evbus.yaml')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'evbus;topics' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check topics.yaml without contacting a broker')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show what `apply` would change on the cluster')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply topics.yaml to the cluster (asks first on a terminal; --yes otherwise)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List topics with partitions, replication and offset spans (high - low watermark)')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Partitions (leader, replicas, ISR, watermarks) and configs with their sources')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write a topics.yaml from a running cluster (topics, configs, consumer groups)')
            [CompletionResult]::new('partition-for', 'partition-for', [CompletionResultType]::ParameterValue, 'Which partition each key lands on (Kafka''s default partitioner: murmur2, as in Java)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'evbus;topics;validate' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;topics;plan' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Also plan removal of what the manifest does not declare (unmanaged topics and config keys)')
            [CompletionResult]::new('--detailed-exitcode', '--detailed-exitcode', [CompletionResultType]::ParameterName, 'Exit 0 when there are no changes, 3 when changes are pending, 1 on error')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;topics;apply' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--throttle', '--throttle', [CompletionResultType]::ParameterName, 'Limit replica moves to RATE bytes/s per broker (e.g. 10MiB), removed when they finish; given while a move runs, changes its rate')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--prune', '--prune', [CompletionResultType]::ParameterName, 'Also delete unmanaged topics and remove unmanaged config keys of managed topics')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the plan and stop')
            [CompletionResult]::new('--no-wait', '--no-wait', [CompletionResultType]::ParameterName, 'Start replica moves (replication-factor changes) and return without waiting for them; `topics plan` shows them in progress, the next `apply` watches them finish')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;topics;list' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Include internal topics (__consumer_offsets, ...)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;topics;describe' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--overrides-only', '--overrides-only', [CompletionResultType]::ParameterName, 'Show only the configs set on the topic itself (no inherited defaults)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;topics;export' {
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Export only the topics whose name matches this regex (unanchored: ''^orders-'' for a prefix)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Write the manifest to FILE instead of stdout')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write the manifest to FILE instead of stdout')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace FILE when it exists')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;topics;partition-for' {
            [CompletionResult]::new('--partitions', '--partitions', [CompletionResultType]::ParameterName, 'Answer for this many partitions, without asking a broker')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--key-hex', '--key-hex', [CompletionResultType]::ParameterName, 'Keys are hex-encoded bytes (e.g. 00ff10), for binary keys')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;topics;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check topics.yaml without contacting a broker')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show what `apply` would change on the cluster')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply topics.yaml to the cluster (asks first on a terminal; --yes otherwise)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List topics with partitions, replication and offset spans (high - low watermark)')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Partitions (leader, replicas, ISR, watermarks) and configs with their sources')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write a topics.yaml from a running cluster (topics, configs, consumer groups)')
            [CompletionResult]::new('partition-for', 'partition-for', [CompletionResultType]::ParameterValue, 'Which partition each key lands on (Kafka''s default partitioner: murmur2, as in Java)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'evbus;topics;help;validate' {
            break
        }
        'evbus;topics;help;plan' {
            break
        }
        'evbus;topics;help;apply' {
            break
        }
        'evbus;topics;help;list' {
            break
        }
        'evbus;topics;help;describe' {
            break
        }
        'evbus;topics;help;export' {
            break
        }
        'evbus;topics;help;partition-for' {
            break
        }
        'evbus;topics;help;help' {
            break
        }
        'evbus;schemas' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Schemas in the schema directory and the topics using them')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Every schema compiles, every $ref resolves, every manifest topic has its schema')
            [CompletionResult]::new('sample', 'sample', [CompletionResultType]::ParameterValue, 'Print sample events as JSON lines (no broker needed)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'evbus;schemas;list' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--schemas', '--schemas', [CompletionResultType]::ParameterName, 'Schema directory')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;schemas;validate' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--schemas', '--schemas', [CompletionResultType]::ParameterName, 'Schema directory')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--only-with-schemas', '--only-with-schemas', [CompletionResultType]::ParameterName, 'Check only the topics whose schema files exist; list the others instead of failing (for CI on a platform that adds schemas topic by topic; `schema: false` topics are always left out)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;schemas;sample' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Number of samples')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Number of samples')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for reproducible output (byte-identical across runs)')
            [CompletionResult]::new('--producer', '--producer', [CompletionResultType]::ParameterName, 'Envelope `producer` value (where the schema leaves it free)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only events of this type (a oneOf schema, or a topic with several event types)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--schemas', '--schemas', [CompletionResultType]::ParameterName, 'Schema directory')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;schemas;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Schemas in the schema directory and the topics using them')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Every schema compiles, every $ref resolves, every manifest topic has its schema')
            [CompletionResult]::new('sample', 'sample', [CompletionResultType]::ParameterValue, 'Print sample events as JSON lines (no broker needed)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'evbus;schemas;help;list' {
            break
        }
        'evbus;schemas;help;validate' {
            break
        }
        'evbus;schemas;help;sample' {
            break
        }
        'evbus;schemas;help;help' {
            break
        }
        'evbus;produce' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Number of sample events to generate (ignored with --input)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Number of sample events to generate (ignored with --input)')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for reproducible samples')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Maximum send rate: N/s, N/m or N/h, e.g. 200/s, 50/m, 1000 (per second)')
            [CompletionResult]::new('--schema', '--schema', [CompletionResultType]::ParameterName, 'Schema name or path to a schema file (default: the topic''s manifest entry, else the topic name)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Event type: samples only of this type (a topic with several), and the event-type header of events that have no eventType field')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Read events from a JSON Lines file (''-'' for stdin) instead of generating them')
            [CompletionResult]::new('--input', '--input', [CompletionResultType]::ParameterName, 'Read events from a JSON Lines file (''-'' for stdin) instead of generating them')
            [CompletionResult]::new('--records', '--records', [CompletionResultType]::ParameterName, 'Read records in evbus''s record format (''-'' for stdin; JSON lines as `tail -o json` writes them) and write them exactly: key and value bytes, tombstones, headers in order')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Dot path into the event whose value becomes the key (default: the manifest''s `key`)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Dot path into the event whose value becomes the key (default: the manifest''s `key`)')
            [CompletionResult]::new('--key-literal', '--key-literal', [CompletionResultType]::ParameterName, 'The same literal key for every record')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Extra header (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Extra header (repeatable)')
            [CompletionResult]::new('--producer', '--producer', [CompletionResultType]::ParameterName, 'Envelope `producer` value for generated events (where the schema leaves it free)')
            [CompletionResult]::new('--compression', '--compression', [CompletionResultType]::ParameterName, 'Compress with this codec (default: none, as Kafka''s producer does, or the topic''s compression.type when it names a codec; -X compression.type wins)')
            [CompletionResult]::new('--schemas', '--schemas', [CompletionResultType]::ParameterName, 'Schema directory')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--keep-timestamps', '--keep-timestamps', [CompletionResultType]::ParameterName, 'With --records: give each record the timestamp in its line (default: the time of writing)')
            [CompletionResult]::new('--keep-partitions', '--keep-partitions', [CompletionResultType]::ParameterName, 'With --records: write each record to the partition in its line (default: by key, as Kafka''s producer places it)')
            [CompletionResult]::new('--skip-invalid', '--skip-invalid', [CompletionResultType]::ParameterName, 'With --input or --records: send the valid lines and report the invalid ones (default: all-or-nothing)')
            [CompletionResult]::new('--no-validate', '--no-validate', [CompletionResultType]::ParameterName, 'Send events without validating them against the schema')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the events as JSON lines instead of sending them')
            [CompletionResult]::new('--create', '--create', [CompletionResultType]::ParameterName, 'Create the topic when it does not exist (with the broker''s default partitions and replication). A topic declared in the manifest is created as declared without this flag; any other missing topic is an error, never auto-created')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;tail' {
            [CompletionResult]::new('--pattern', '--pattern', [CompletionResultType]::ParameterName, 'Follow every topic whose name matches this regex')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Where to start: end, beginning, an offset, -N (last N per partition), or a TIME: RFC 3339 or a duration ago like 15m (a bare number is an offset here)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Stop after N matching records')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N matching records')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'Stop after this long without records')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'jq filter on the decoded value (records match when it yields true or non-null)')
            [CompletionResult]::new('--filter-memory', '--filter-memory', [CompletionResultType]::ParameterName, 'Memory one --filter evaluation may hold; past it the record does not match and a warning says why')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Only records with this key')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Only records with this header (repeatable, all must match)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only events with this eventType (value field, else the event-type header)')
            [CompletionResult]::new('--grep', '--grep', [CompletionResultType]::ParameterName, 'Only records whose value or key contains this text')
            [CompletionResult]::new('--template', '--template', [CompletionResultType]::ParameterName, 'kcat-style format: %t topic %p partition %o offset %k key %s value %S size %T timestamp %h headers')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Consume as a member of this group and commit after printing (default: no group, no commits)')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Consume as a member of this group and commit after printing (default: no group, no commits)')
            [CompletionResult]::new('--schemas', '--schemas', [CompletionResultType]::ParameterName, 'Schema directory (for --validate)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Start at this TIME: RFC 3339, epoch ms, or a duration ago like 15m')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Stop at the first record newer than this TIME: RFC 3339, epoch ms, or a duration ago like 15m')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = pretty records on a terminal, JSON lines when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = pretty records on a terminal, JSON lines when piped')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Follow every non-internal topic')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'Stop at the end of every partition (like kcat -e)')
            [CompletionResult]::new('--exit', '--exit', [CompletionResultType]::ParameterName, 'Stop at the end of every partition (like kcat -e)')
            [CompletionResult]::new('--allow-gaps', '--allow-gaps', [CompletionResultType]::ParameterName, 'Exit 0 even when records were removed (retention, DeleteRecords) before they were read; such a gap is always reported, and by default fails a run that ends by itself')
            [CompletionResult]::new('--validate', '--validate', [CompletionResultType]::ParameterName, 'Check every event against its topic''s schema and mark the invalid ones')
            [CompletionResult]::new('--only-invalid', '--only-invalid', [CompletionResultType]::ParameterName, 'With --validate: print only the invalid events')
            [CompletionResult]::new('--full', '--full', [CompletionResultType]::ParameterName, 'Print large values whole in pretty mode')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;lag' {
            [CompletionResult]::new('--max-lag', '--max-lag', [CompletionResultType]::ParameterName, 'Exit 5 when any group''s total lag is over N (default: the manifest''s per-group max_lag)')
            [CompletionResult]::new('--max-time-lag', '--max-time-lag', [CompletionResultType]::ParameterName, 'Exit 5 when any group''s time lag (age of its oldest unconsumed record) is over this')
            [CompletionResult]::new('--retention-warn', '--retention-warn', [CompletionResultType]::ParameterName, 'Warn when the oldest unconsumed record is this old, as a percentage of the topic''s retention.ms')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between samples in --watch (at least 500ms)')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Number of samples in the evaluation window (--watch)')
            [CompletionResult]::new('--samples', '--samples', [CompletionResultType]::ParameterName, 'Stop --watch after this many samples (default: until Ctrl-C)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'A row per partition')
            [CompletionResult]::new('--detail', '--detail', [CompletionResultType]::ParameterName, 'A row per partition')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Sample repeatedly and evaluate each partition with Burrow''s rules')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Sample repeatedly and evaluate each partition with Burrow''s rules')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;groups' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every group with its type, state, members, topics and total lag')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Members and their assignments; per partition: committed offset, log end, lag, time lag, owner')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Move a group''s committed offsets: prints the plan, asks (or needs --yes), then commits it')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a group, or only its committed offsets on some topics (asks, or needs --yes)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'evbus;groups;list' {
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only groups of this type (repeatable)')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Only groups in this state, case-insensitive: stable, empty, dead, preparingrebalance, completingrebalance, assigning, reconciling (repeatable)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;groups;describe' {
            [CompletionResult]::new('--retention-warn', '--retention-warn', [CompletionResultType]::ParameterName, 'Warn when the oldest unconsumed record is this old, as a percentage of retention.ms')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;groups;reset' {
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic to reset, every partition (TOPIC) or some (TOPIC:0,2); repeatable. With --from-file, only these topics of the plan')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The log start, the log end, or the committed offset as it is')
            [CompletionResult]::new('--to-offset', '--to-offset', [CompletionResultType]::ParameterName, 'This offset on every selected partition')
            [CompletionResult]::new('--to-datetime', '--to-datetime', [CompletionResultType]::ParameterName, 'The first record at or after this TIME: RFC 3339, epoch ms, or a duration ago like 2h (the log end when no record is that recent)')
            [CompletionResult]::new('--by-duration', '--by-duration', [CompletionResultType]::ParameterName, 'The first record at or after this long ago (e.g. 2h, 30m, 1d, or ISO 8601 like PT31M, P1DT2H as kafka-consumer-groups takes); takes any TIME like --to-datetime')
            [CompletionResult]::new('--shift-by', '--shift-by', [CompletionResultType]::ParameterName, 'Move each committed offset by N (negative = re-read N records); refuses a named partition without one unless --include-uncommitted (then it moves from the log end)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Apply a plan: one written by `groups reset -o json`, or the CSV (topic,partition,offset) of `kafka-consumer-groups --reset-offsets --export`')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--all-topics', '--all-topics', [CompletionResultType]::ParameterName, 'Every partition where the group has a committed offset')
            [CompletionResult]::new('--include-uncommitted', '--include-uncommitted', [CompletionResultType]::ParameterName, 'Also commit offsets on the partitions of --all-topics'' topics or of a --topic TOPIC where the group has none (their consumers then stop following auto.offset.reset there)')
            [CompletionResult]::new('--delete-internal-topics', '--delete-internal-topics', [CompletionResultType]::ParameterName, 'Streams groups: also delete the group''s internal (repartition and changelog) topics once the offsets are reset, so its state starts over (as kafka-streams-groups --execute does)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;groups;delete' {
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Delete only the group''s committed offsets on this topic (repeatable); the group stays')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--delete-internal-topics', '--delete-internal-topics', [CompletionResultType]::ParameterName, 'Streams groups: also delete the group''s internal (repartition and changelog) topics')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be deleted and change nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;groups;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every group with its type, state, members, topics and total lag')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Members and their assignments; per partition: committed offset, log end, lag, time lag, owner')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Move a group''s committed offsets: prints the plan, asks (or needs --yes), then commits it')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a group, or only its committed offsets on some topics (asks, or needs --yes)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'evbus;groups;help;list' {
            break
        }
        'evbus;groups;help;describe' {
            break
        }
        'evbus;groups;help;reset' {
            break
        }
        'evbus;groups;help;delete' {
            break
        }
        'evbus;groups;help;help' {
            break
        }
        'evbus;dlq' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Summarise a dead-letter topic: where records came from and why they failed (read-only)')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Republish dead-letter records to their original topics, resuming where the last run stopped')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'evbus;dlq;inspect' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'At most this many records with --records')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--records', '--records', [CompletionResultType]::ParameterName, 'List individual records')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;dlq;replay' {
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Only records whose original topic is this (repeatable)')
            [CompletionResult]::new('--error', '--error', [CompletionResultType]::ParameterName, 'Only records whose error class or message matches this regex')
            [CompletionResult]::new('--from-offset', '--from-offset', [CompletionResultType]::ParameterName, 'Only DLQ offsets ≥ N')
            [CompletionResult]::new('--to-offset', '--to-offset', [CompletionResultType]::ParameterName, 'Only DLQ offsets ≤ N')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'jq filter on the DLQ record''s value (same engine as tail; $__meta available)')
            [CompletionResult]::new('--filter-memory', '--filter-memory', [CompletionResultType]::ParameterName, 'Memory one --filter evaluation may hold; past it the record does not match and a warning says why')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Replay at most N records')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Send every record here instead of its original topic')
            [CompletionResult]::new('--compression', '--compression', [CompletionResultType]::ParameterName, 'Compress with this codec (default: none, as Kafka''s producer does, or the --to topic''s compression.type when it names a codec; -X compression.type wins)')
            [CompletionResult]::new('--allow-internal', '--allow-internal', [CompletionResultType]::ParameterName, 'Allow writing to this internal topic (__*, _schemas, _confluent*, Streams/Connect internals), which is refused otherwise even when a dead letter names it (repeatable)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Maximum replay rate: N/s, N/m or N/h, e.g. 50/s')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Consumer group on the DLQ that remembers how far replay got')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Consumer group on the DLQ that remembers how far replay got')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only records written to the DLQ at or after this TIME: RFC 3339, epoch ms, or a duration ago like 2h')
            [CompletionResult]::new('--until', '--until', [CompletionResultType]::ParameterName, 'Only records written to the DLQ before this TIME: RFC 3339, epoch ms, or a duration ago')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--same-partition', '--same-partition', [CompletionResultType]::ParameterName, 'Send to the original partition when known (default: partition by key, murmur2)')
            [CompletionResult]::new('--allow-undeclared', '--allow-undeclared', [CompletionResultType]::ParameterName, 'With a manifest: also write to topics it does not declare')
            [CompletionResult]::new('--skip-unknown', '--skip-unknown', [CompletionResultType]::ParameterName, 'Skip records that cannot be replayed (unknown origin, topic missing) instead of stopping')
            [CompletionResult]::new('--skip-refused', '--skip-refused', [CompletionResultType]::ParameterName, 'Skip records the broker refuses (too large, not authorized) instead of stopping')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and send nothing; exits 1, like the replay, when it would stop at a record')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--from-start', '--from-start', [CompletionResultType]::ParameterName, 'Ignore the saved position and start at the DLQ''s first record')
            [CompletionResult]::new('--pending', '--pending', [CompletionResultType]::ParameterName, 'Replay only the records earlier runs passed over (not selected by their filters, or skipped), each once; the saved position stays where it is')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;dlq;help' {
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Summarise a dead-letter topic: where records came from and why they failed (read-only)')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Republish dead-letter records to their original topics, resuming where the last run stopped')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'evbus;dlq;help;inspect' {
            break
        }
        'evbus;dlq;help;replay' {
            break
        }
        'evbus;dlq;help;help' {
            break
        }
        'evbus;health' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--health-topic', '--health-topic', [CompletionResultType]::ParameterName, 'Topic used by --roundtrip (created when missing)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Retry until healthy or until this much time has passed')
            [CompletionResult]::new('--expect-brokers', '--expect-brokers', [CompletionResultType]::ParameterName, 'Fail unless the metadata lists at least this many brokers (default: the manifest''s `cluster: {brokers: N}`, else no expectation)')
            [CompletionResult]::new('--retention-warn', '--retention-warn', [CompletionResultType]::ParameterName, 'Warn when a group''s oldest unconsumed record is this old, as a percentage of retention.ms')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Treat warnings as failures')
            [CompletionResult]::new('--roundtrip', '--roundtrip', [CompletionResultType]::ParameterName, 'Produce a probe record and consume it back, reporting end-to-end latency')
            [CompletionResult]::new('--brokers-only', '--brokers-only', [CompletionResultType]::ParameterName, 'Check only that the brokers answer, whatever the manifest says (with --wait: the "wait until Kafka is up" step before `topics apply`)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to listen on (loopback unless told otherwise)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between two collections (metrics and health checks; at least 500ms)')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Collections in the window of the lag verdicts (evbus_consumer_group_status), as lag --window')
            [CompletionResult]::new('--retention-warn', '--retention-warn', [CompletionResultType]::ParameterName, 'Warn when a group''s oldest unconsumed record is this old, as a percentage of retention.ms')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;alerts' {
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'How long a condition must hold before its alert fires (Prometheus `for:`)')
            [CompletionResult]::new('--max-time-lag', '--max-time-lag', [CompletionResultType]::ParameterName, 'Alert when a manifest group''s time lag (age of its oldest unconsumed record) is over this')
            [CompletionResult]::new('--min-brokers', '--min-brokers', [CompletionResultType]::ParameterName, 'Alert when the cluster has fewer brokers [default: the manifest''s largest replication factor]')
            [CompletionResult]::new('--dlq-window', '--dlq-window', [CompletionResultType]::ParameterName, 'Alert when a dead-letter topic received records within this window')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;dev' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start a local broker (Apache Kafka, else nisshi) on 127.0.0.1 with durable storage under .evbus/dev/')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop the local broker (SIGTERM, then SIGKILL after 30s for Kafka, 5s for nisshi); data is kept')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Is the local broker running, and which one? Exit 0 running, 1 stopped, 4 running but not answering')
            [CompletionResult]::new('stop-broker', 'stop-broker', [CompletionResultType]::ParameterValue, 'Stop one node of a `dev up --brokers N` cluster (SIGTERM: Kafka''s controlled shutdown), for a failure drill')
            [CompletionResult]::new('start-broker', 'start-broker', [CompletionResultType]::ParameterValue, 'Start one stopped node of a `dev up --brokers N` cluster again, on its data and ports')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'evbus;dev;up' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (`up`); `down` and `status` use the address `up` recorded')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (pid file, storage, log)')
            [CompletionResult]::new('--broker', '--broker', [CompletionResultType]::ParameterName, 'Which broker to run')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--install', '--install', [CompletionResultType]::ParameterName, 'Install what the broker needs when it is missing: Kafka''s jars (scripts/install-kafka.sh), or nisshi with --broker nisshi (scripts/install-broker.sh)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;dev;down' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (`up`); `down` and `status` use the address `up` recorded')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (pid file, storage, log)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;dev;status' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to listen on (`up`); `down` and `status` use the address `up` recorded')
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory (pid file, storage, log)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;dev;stop-broker' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory of the cluster')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--kill', '--kill', [CompletionResultType]::ParameterName, 'SIGKILL at once (a crash: no controlled shutdown) instead of SIGTERM')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;dev;start-broker' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'State directory of the cluster')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;dev;help' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start a local broker (Apache Kafka, else nisshi) on 127.0.0.1 with durable storage under .evbus/dev/')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop the local broker (SIGTERM, then SIGKILL after 30s for Kafka, 5s for nisshi); data is kept')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Is the local broker running, and which one? Exit 0 running, 1 stopped, 4 running but not answering')
            [CompletionResult]::new('stop-broker', 'stop-broker', [CompletionResultType]::ParameterValue, 'Stop one node of a `dev up --brokers N` cluster (SIGTERM: Kafka''s controlled shutdown), for a failure drill')
            [CompletionResult]::new('start-broker', 'start-broker', [CompletionResultType]::ParameterValue, 'Start one stopped node of a `dev up --brokers N` cluster again, on its data and ports')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'evbus;dev;help;up' {
            break
        }
        'evbus;dev;help;down' {
            break
        }
        'evbus;dev;help;status' {
            break
        }
        'evbus;dev;help;stop-broker' {
            break
        }
        'evbus;dev;help;start-broker' {
            break
        }
        'evbus;dev;help;help' {
            break
        }
        'evbus;config' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Contexts in the config file (the active one marked with *)')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a context the default (sets `current:` in the config file, comments kept)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The effective configuration and where each value comes from (secrets redacted)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'evbus;config;list' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;config;use' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;config;show' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Topics manifest [default: the context''s manifest, else ./topics.yaml]')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;config;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Contexts in the config file (the active one marked with *)')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a context the default (sets `current:` in the config file, comments kept)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The effective configuration and where each value comes from (secrets redacted)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'evbus;config;help;list' {
            break
        }
        'evbus;config;help;use' {
            break
        }
        'evbus;config;help;show' {
            break
        }
        'evbus;config;help;help' {
            break
        }
        'evbus;completions' {
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('--brokers', '--brokers', [CompletionResultType]::ParameterName, 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: auto = table on a terminal, JSON when piped')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours (NO_COLOR in the environment means never for auto)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]')
            [CompletionResult]::new('--dynamic', '--dynamic', [CompletionResultType]::ParameterName, 'Script that asks evbus at completion time (completes topic/group/schema names)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors (no summaries, no progress)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'evbus;help' {
            [CompletionResult]::new('topics', 'topics', [CompletionResultType]::ParameterValue, 'Declarative topics: validate, plan and apply topics.yaml; list and describe topics')
            [CompletionResult]::new('schemas', 'schemas', [CompletionResultType]::ParameterValue, 'JSON Schemas of the platform''s events: list, validate, sample')
            [CompletionResult]::new('produce', 'produce', [CompletionResultType]::ParameterValue, 'Produce sample events generated from a JSON Schema, or validated events from a JSON Lines file')
            [CompletionResult]::new('tail', 'tail', [CompletionResultType]::ParameterValue, 'Follow and filter topics (never joins a group unless --group)')
            [CompletionResult]::new('lag', 'lag', [CompletionResultType]::ParameterValue, 'Consumer-group lag per partition, in offsets and in time, totals, and a status verdict')
            [CompletionResult]::new('groups', 'groups', [CompletionResultType]::ParameterValue, 'Consumer groups: list, describe, reset offsets, delete')
            [CompletionResult]::new('dlq', 'dlq', [CompletionResultType]::ParameterValue, 'Dead-letter queues: inspect what failed and replay it safely')
            [CompletionResult]::new('health', 'health', [CompletionResultType]::ParameterValue, 'Is the event platform OK? Checks with exit codes for CI and healthchecks')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve health endpoints and Prometheus metrics (lag, offsets, verdicts, partitions) over HTTP')
            [CompletionResult]::new('alerts', 'alerts', [CompletionResultType]::ParameterValue, 'Print Prometheus alerting rules generated from topics.yaml, for the metrics of `evbus serve`')
            [CompletionResult]::new('dev', 'dev', [CompletionResultType]::ParameterValue, 'Local development broker, or a cluster for failure drills (Apache Kafka, else nisshi)')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Contexts (named broker profiles) from evbus.yaml')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'evbus;help;topics' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check topics.yaml without contacting a broker')
            [CompletionResult]::new('plan', 'plan', [CompletionResultType]::ParameterValue, 'Show what `apply` would change on the cluster')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply topics.yaml to the cluster (asks first on a terminal; --yes otherwise)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List topics with partitions, replication and offset spans (high - low watermark)')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Partitions (leader, replicas, ISR, watermarks) and configs with their sources')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write a topics.yaml from a running cluster (topics, configs, consumer groups)')
            [CompletionResult]::new('partition-for', 'partition-for', [CompletionResultType]::ParameterValue, 'Which partition each key lands on (Kafka''s default partitioner: murmur2, as in Java)')
            break
        }
        'evbus;help;topics;validate' {
            break
        }
        'evbus;help;topics;plan' {
            break
        }
        'evbus;help;topics;apply' {
            break
        }
        'evbus;help;topics;list' {
            break
        }
        'evbus;help;topics;describe' {
            break
        }
        'evbus;help;topics;export' {
            break
        }
        'evbus;help;topics;partition-for' {
            break
        }
        'evbus;help;schemas' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Schemas in the schema directory and the topics using them')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Every schema compiles, every $ref resolves, every manifest topic has its schema')
            [CompletionResult]::new('sample', 'sample', [CompletionResultType]::ParameterValue, 'Print sample events as JSON lines (no broker needed)')
            break
        }
        'evbus;help;schemas;list' {
            break
        }
        'evbus;help;schemas;validate' {
            break
        }
        'evbus;help;schemas;sample' {
            break
        }
        'evbus;help;produce' {
            break
        }
        'evbus;help;tail' {
            break
        }
        'evbus;help;lag' {
            break
        }
        'evbus;help;groups' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every group with its type, state, members, topics and total lag')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Members and their assignments; per partition: committed offset, log end, lag, time lag, owner')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Move a group''s committed offsets: prints the plan, asks (or needs --yes), then commits it')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a group, or only its committed offsets on some topics (asks, or needs --yes)')
            break
        }
        'evbus;help;groups;list' {
            break
        }
        'evbus;help;groups;describe' {
            break
        }
        'evbus;help;groups;reset' {
            break
        }
        'evbus;help;groups;delete' {
            break
        }
        'evbus;help;dlq' {
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Summarise a dead-letter topic: where records came from and why they failed (read-only)')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Republish dead-letter records to their original topics, resuming where the last run stopped')
            break
        }
        'evbus;help;dlq;inspect' {
            break
        }
        'evbus;help;dlq;replay' {
            break
        }
        'evbus;help;health' {
            break
        }
        'evbus;help;serve' {
            break
        }
        'evbus;help;alerts' {
            break
        }
        'evbus;help;dev' {
            [CompletionResult]::new('up', 'up', [CompletionResultType]::ParameterValue, 'Start a local broker (Apache Kafka, else nisshi) on 127.0.0.1 with durable storage under .evbus/dev/')
            [CompletionResult]::new('down', 'down', [CompletionResultType]::ParameterValue, 'Stop the local broker (SIGTERM, then SIGKILL after 30s for Kafka, 5s for nisshi); data is kept')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Is the local broker running, and which one? Exit 0 running, 1 stopped, 4 running but not answering')
            [CompletionResult]::new('stop-broker', 'stop-broker', [CompletionResultType]::ParameterValue, 'Stop one node of a `dev up --brokers N` cluster (SIGTERM: Kafka''s controlled shutdown), for a failure drill')
            [CompletionResult]::new('start-broker', 'start-broker', [CompletionResultType]::ParameterValue, 'Start one stopped node of a `dev up --brokers N` cluster again, on its data and ports')
            break
        }
        'evbus;help;dev;up' {
            break
        }
        'evbus;help;dev;down' {
            break
        }
        'evbus;help;dev;status' {
            break
        }
        'evbus;help;dev;stop-broker' {
            break
        }
        'evbus;help;dev;start-broker' {
            break
        }
        'evbus;help;config' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Contexts in the config file (the active one marked with *)')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make a context the default (sets `current:` in the config file, comments kept)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The effective configuration and where each value comes from (secrets redacted)')
            break
        }
        'evbus;help;config;list' {
            break
        }
        'evbus;help;config;use' {
            break
        }
        'evbus;help;config;show' {
            break
        }
        'evbus;help;completions' {
            break
        }
        'evbus;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
