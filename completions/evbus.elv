
use builtin;
use str;

set edit:completion:arg-completer[evbus] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'evbus'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'evbus'= {
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand topics 'Declarative topics: validate, plan and apply topics.yaml; list and describe topics'
            cand schemas 'JSON Schemas of the platform''s events: list, validate, sample'
            cand produce 'Produce sample events generated from a JSON Schema, or validated events from a JSON Lines file'
            cand tail 'Follow and filter topics (never joins a group unless --group)'
            cand lag 'Consumer-group lag per partition, in offsets and in time, totals, and a status verdict'
            cand groups 'Consumer groups: list, describe, reset offsets, delete'
            cand dlq 'Dead-letter queues: inspect what failed and replay it safely'
            cand health 'Is the event platform OK? Checks with exit codes for CI and healthchecks'
            cand serve 'Serve health endpoints and Prometheus metrics (lag, offsets, verdicts, partitions) over HTTP'
            cand alerts 'Print Prometheus alerting rules generated from topics.yaml, for the metrics of `evbus serve`'
            cand dev 'Local development broker, or a cluster for failure drills (Apache Kafka, else nisshi)'
            cand config 'Contexts (named broker profiles) from evbus.yaml'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'evbus;topics'= {
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand validate 'Check topics.yaml without contacting a broker'
            cand plan 'Show what `apply` would change on the cluster'
            cand apply 'Apply topics.yaml to the cluster (asks first on a terminal; --yes otherwise)'
            cand list 'List topics with partitions, replication and offset spans (high - low watermark)'
            cand describe 'Partitions (leader, replicas, ISR, watermarks) and configs with their sources'
            cand export 'Write a topics.yaml from a running cluster (topics, configs, consumer groups)'
            cand partition-for 'Which partition each key lands on (Kafka''s default partitioner: murmur2, as in Java)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'evbus;topics;validate'= {
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;topics;plan'= {
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --prune 'Also plan removal of what the manifest does not declare (unmanaged topics and config keys)'
            cand --detailed-exitcode 'Exit 0 when there are no changes, 3 when changes are pending, 1 on error'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;topics;apply'= {
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --throttle 'Limit replica moves to RATE bytes/s per broker (e.g. 10MiB), removed when they finish; given while a move runs, changes its rate'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --prune 'Also delete unmanaged topics and remove unmanaged config keys of managed topics'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --dry-run 'Show the plan and stop'
            cand --no-wait 'Start replica moves (replication-factor changes) and return without waiting for them; `topics plan` shows them in progress, the next `apply` watches them finish'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;topics;list'= {
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --all 'Include internal topics (__consumer_offsets, ...)'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;topics;describe'= {
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --overrides-only 'Show only the configs set on the topic itself (no inherited defaults)'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;topics;export'= {
            cand --topic 'Export only the topics whose name matches this regex (unanchored: ''^orders-'' for a prefix)'
            cand -f 'Write the manifest to FILE instead of stdout'
            cand --output-file 'Write the manifest to FILE instead of stdout'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --force 'Replace FILE when it exists'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;topics;partition-for'= {
            cand --partitions 'Answer for this many partitions, without asking a broker'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --key-hex 'Keys are hex-encoded bytes (e.g. 00ff10), for binary keys'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;topics;help'= {
            cand validate 'Check topics.yaml without contacting a broker'
            cand plan 'Show what `apply` would change on the cluster'
            cand apply 'Apply topics.yaml to the cluster (asks first on a terminal; --yes otherwise)'
            cand list 'List topics with partitions, replication and offset spans (high - low watermark)'
            cand describe 'Partitions (leader, replicas, ISR, watermarks) and configs with their sources'
            cand export 'Write a topics.yaml from a running cluster (topics, configs, consumer groups)'
            cand partition-for 'Which partition each key lands on (Kafka''s default partitioner: murmur2, as in Java)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'evbus;topics;help;validate'= {
        }
        &'evbus;topics;help;plan'= {
        }
        &'evbus;topics;help;apply'= {
        }
        &'evbus;topics;help;list'= {
        }
        &'evbus;topics;help;describe'= {
        }
        &'evbus;topics;help;export'= {
        }
        &'evbus;topics;help;partition-for'= {
        }
        &'evbus;topics;help;help'= {
        }
        &'evbus;schemas'= {
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Schemas in the schema directory and the topics using them'
            cand validate 'Every schema compiles, every $ref resolves, every manifest topic has its schema'
            cand sample 'Print sample events as JSON lines (no broker needed)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'evbus;schemas;list'= {
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --schemas 'Schema directory'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;schemas;validate'= {
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --schemas 'Schema directory'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --only-with-schemas 'Check only the topics whose schema files exist; list the others instead of failing (for CI on a platform that adds schemas topic by topic; `schema: false` topics are always left out)'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;schemas;sample'= {
            cand -n 'Number of samples'
            cand --count 'Number of samples'
            cand --seed 'Seed for reproducible output (byte-identical across runs)'
            cand --producer 'Envelope `producer` value (where the schema leaves it free)'
            cand --type 'Only events of this type (a oneOf schema, or a topic with several event types)'
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --schemas 'Schema directory'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;schemas;help'= {
            cand list 'Schemas in the schema directory and the topics using them'
            cand validate 'Every schema compiles, every $ref resolves, every manifest topic has its schema'
            cand sample 'Print sample events as JSON lines (no broker needed)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'evbus;schemas;help;list'= {
        }
        &'evbus;schemas;help;validate'= {
        }
        &'evbus;schemas;help;sample'= {
        }
        &'evbus;schemas;help;help'= {
        }
        &'evbus;produce'= {
            cand -n 'Number of sample events to generate (ignored with --input)'
            cand --count 'Number of sample events to generate (ignored with --input)'
            cand --seed 'Seed for reproducible samples'
            cand --rate 'Maximum send rate: N/s, N/m or N/h, e.g. 200/s, 50/m, 1000 (per second)'
            cand --schema 'Schema name or path to a schema file (default: the topic''s manifest entry, else the topic name)'
            cand --type 'Event type: samples only of this type (a topic with several), and the event-type header of events that have no eventType field'
            cand -i 'Read events from a JSON Lines file (''-'' for stdin) instead of generating them'
            cand --input 'Read events from a JSON Lines file (''-'' for stdin) instead of generating them'
            cand --records 'Read records in evbus''s record format (''-'' for stdin; JSON lines as `tail -o json` writes them) and write them exactly: key and value bytes, tombstones, headers in order'
            cand -k 'Dot path into the event whose value becomes the key (default: the manifest''s `key`)'
            cand --key 'Dot path into the event whose value becomes the key (default: the manifest''s `key`)'
            cand --key-literal 'The same literal key for every record'
            cand -H 'Extra header (repeatable)'
            cand --header 'Extra header (repeatable)'
            cand --producer 'Envelope `producer` value for generated events (where the schema leaves it free)'
            cand --compression 'Compress with this codec (default: none, as Kafka''s producer does, or the topic''s compression.type when it names a codec; -X compression.type wins)'
            cand --schemas 'Schema directory'
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --keep-timestamps 'With --records: give each record the timestamp in its line (default: the time of writing)'
            cand --keep-partitions 'With --records: write each record to the partition in its line (default: by key, as Kafka''s producer places it)'
            cand --skip-invalid 'With --input or --records: send the valid lines and report the invalid ones (default: all-or-nothing)'
            cand --no-validate 'Send events without validating them against the schema'
            cand --dry-run 'Print the events as JSON lines instead of sending them'
            cand --create 'Create the topic when it does not exist (with the broker''s default partitions and replication). A topic declared in the manifest is created as declared without this flag; any other missing topic is an error, never auto-created'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;tail'= {
            cand --pattern 'Follow every topic whose name matches this regex'
            cand --from 'Where to start: end, beginning, an offset, -N (last N per partition), or a TIME: RFC 3339 or a duration ago like 15m (a bare number is an offset here)'
            cand -n 'Stop after N matching records'
            cand --count 'Stop after N matching records'
            cand --idle-timeout 'Stop after this long without records'
            cand --filter 'jq filter on the decoded value (records match when it yields true or non-null)'
            cand --filter-memory 'Memory one --filter evaluation may hold; past it the record does not match and a warning says why'
            cand --key 'Only records with this key'
            cand --header 'Only records with this header (repeatable, all must match)'
            cand --type 'Only events with this eventType (value field, else the event-type header)'
            cand --grep 'Only records whose value or key contains this text'
            cand --template 'kcat-style format: %t topic %p partition %o offset %k key %s value %S size %T timestamp %h headers'
            cand -g 'Consume as a member of this group and commit after printing (default: no group, no commits)'
            cand --group 'Consume as a member of this group and commit after printing (default: no group, no commits)'
            cand --schemas 'Schema directory (for --validate)'
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --since 'Start at this TIME: RFC 3339, epoch ms, or a duration ago like 15m'
            cand --until 'Stop at the first record newer than this TIME: RFC 3339, epoch ms, or a duration ago like 15m'
            cand -o 'Output format: auto = pretty records on a terminal, JSON lines when piped'
            cand --output 'Output format: auto = pretty records on a terminal, JSON lines when piped'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --all 'Follow every non-internal topic'
            cand -e 'Stop at the end of every partition (like kcat -e)'
            cand --exit 'Stop at the end of every partition (like kcat -e)'
            cand --allow-gaps 'Exit 0 even when records were removed (retention, DeleteRecords) before they were read; such a gap is always reported, and by default fails a run that ends by itself'
            cand --validate 'Check every event against its topic''s schema and mark the invalid ones'
            cand --only-invalid 'With --validate: print only the invalid events'
            cand --full 'Print large values whole in pretty mode'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;lag'= {
            cand --max-lag 'Exit 5 when any group''s total lag is over N (default: the manifest''s per-group max_lag)'
            cand --max-time-lag 'Exit 5 when any group''s time lag (age of its oldest unconsumed record) is over this'
            cand --retention-warn 'Warn when the oldest unconsumed record is this old, as a percentage of the topic''s retention.ms'
            cand --interval 'Time between samples in --watch (at least 500ms)'
            cand --window 'Number of samples in the evaluation window (--watch)'
            cand --samples 'Stop --watch after this many samples (default: until Ctrl-C)'
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -d 'A row per partition'
            cand --detail 'A row per partition'
            cand -w 'Sample repeatedly and evaluate each partition with Burrow''s rules'
            cand --watch 'Sample repeatedly and evaluate each partition with Burrow''s rules'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;groups'= {
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Every group with its type, state, members, topics and total lag'
            cand describe 'Members and their assignments; per partition: committed offset, log end, lag, time lag, owner'
            cand reset 'Move a group''s committed offsets: prints the plan, asks (or needs --yes), then commits it'
            cand delete 'Delete a group, or only its committed offsets on some topics (asks, or needs --yes)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'evbus;groups;list'= {
            cand --type 'Only groups of this type (repeatable)'
            cand --state 'Only groups in this state, case-insensitive: stable, empty, dead, preparingrebalance, completingrebalance, assigning, reconciling (repeatable)'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;groups;describe'= {
            cand --retention-warn 'Warn when the oldest unconsumed record is this old, as a percentage of retention.ms'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;groups;reset'= {
            cand --topic 'Topic to reset, every partition (TOPIC) or some (TOPIC:0,2); repeatable. With --from-file, only these topics of the plan'
            cand --to 'The log start, the log end, or the committed offset as it is'
            cand --to-offset 'This offset on every selected partition'
            cand --to-datetime 'The first record at or after this TIME: RFC 3339, epoch ms, or a duration ago like 2h (the log end when no record is that recent)'
            cand --by-duration 'The first record at or after this long ago (e.g. 2h, 30m, 1d, or ISO 8601 like PT31M, P1DT2H as kafka-consumer-groups takes); takes any TIME like --to-datetime'
            cand --shift-by 'Move each committed offset by N (negative = re-read N records); refuses a named partition without one unless --include-uncommitted (then it moves from the log end)'
            cand --from-file 'Apply a plan: one written by `groups reset -o json`, or the CSV (topic,partition,offset) of `kafka-consumer-groups --reset-offsets --export`'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --all-topics 'Every partition where the group has a committed offset'
            cand --include-uncommitted 'Also commit offsets on the partitions of --all-topics'' topics or of a --topic TOPIC where the group has none (their consumers then stop following auto.offset.reset there)'
            cand --delete-internal-topics 'Streams groups: also delete the group''s internal (repartition and changelog) topics once the offsets are reset, so its state starts over (as kafka-streams-groups --execute does)'
            cand --dry-run 'Print the plan and change nothing'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;groups;delete'= {
            cand --topic 'Delete only the group''s committed offsets on this topic (repeatable); the group stays'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --delete-internal-topics 'Streams groups: also delete the group''s internal (repartition and changelog) topics'
            cand --dry-run 'Print what would be deleted and change nothing'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;groups;help'= {
            cand list 'Every group with its type, state, members, topics and total lag'
            cand describe 'Members and their assignments; per partition: committed offset, log end, lag, time lag, owner'
            cand reset 'Move a group''s committed offsets: prints the plan, asks (or needs --yes), then commits it'
            cand delete 'Delete a group, or only its committed offsets on some topics (asks, or needs --yes)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'evbus;groups;help;list'= {
        }
        &'evbus;groups;help;describe'= {
        }
        &'evbus;groups;help;reset'= {
        }
        &'evbus;groups;help;delete'= {
        }
        &'evbus;groups;help;help'= {
        }
        &'evbus;dlq'= {
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand inspect 'Summarise a dead-letter topic: where records came from and why they failed (read-only)'
            cand replay 'Republish dead-letter records to their original topics, resuming where the last run stopped'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'evbus;dlq;inspect'= {
            cand --limit 'At most this many records with --records'
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --records 'List individual records'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;dlq;replay'= {
            cand --topic 'Only records whose original topic is this (repeatable)'
            cand --error 'Only records whose error class or message matches this regex'
            cand --from-offset 'Only DLQ offsets ≥ N'
            cand --to-offset 'Only DLQ offsets ≤ N'
            cand --filter 'jq filter on the DLQ record''s value (same engine as tail; $__meta available)'
            cand --filter-memory 'Memory one --filter evaluation may hold; past it the record does not match and a warning says why'
            cand --limit 'Replay at most N records'
            cand --to 'Send every record here instead of its original topic'
            cand --compression 'Compress with this codec (default: none, as Kafka''s producer does, or the --to topic''s compression.type when it names a codec; -X compression.type wins)'
            cand --allow-internal 'Allow writing to this internal topic (__*, _schemas, _confluent*, Streams/Connect internals), which is refused otherwise even when a dead letter names it (repeatable)'
            cand --rate 'Maximum replay rate: N/s, N/m or N/h, e.g. 50/s'
            cand -g 'Consumer group on the DLQ that remembers how far replay got'
            cand --group 'Consumer group on the DLQ that remembers how far replay got'
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --since 'Only records written to the DLQ at or after this TIME: RFC 3339, epoch ms, or a duration ago like 2h'
            cand --until 'Only records written to the DLQ before this TIME: RFC 3339, epoch ms, or a duration ago'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --same-partition 'Send to the original partition when known (default: partition by key, murmur2)'
            cand --allow-undeclared 'With a manifest: also write to topics it does not declare'
            cand --skip-unknown 'Skip records that cannot be replayed (unknown origin, topic missing) instead of stopping'
            cand --skip-refused 'Skip records the broker refuses (too large, not authorized) instead of stopping'
            cand --dry-run 'Print the plan and send nothing; exits 1, like the replay, when it would stop at a record'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --from-start 'Ignore the saved position and start at the DLQ''s first record'
            cand --pending 'Replay only the records earlier runs passed over (not selected by their filters, or skipped), each once; the saved position stays where it is'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;dlq;help'= {
            cand inspect 'Summarise a dead-letter topic: where records came from and why they failed (read-only)'
            cand replay 'Republish dead-letter records to their original topics, resuming where the last run stopped'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'evbus;dlq;help;inspect'= {
        }
        &'evbus;dlq;help;replay'= {
        }
        &'evbus;dlq;help;help'= {
        }
        &'evbus;health'= {
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --health-topic 'Topic used by --roundtrip (created when missing)'
            cand --wait 'Retry until healthy or until this much time has passed'
            cand --expect-brokers 'Fail unless the metadata lists at least this many brokers (default: the manifest''s `cluster: {brokers: N}`, else no expectation)'
            cand --retention-warn 'Warn when a group''s oldest unconsumed record is this old, as a percentage of retention.ms'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --strict 'Treat warnings as failures'
            cand --roundtrip 'Produce a probe record and consume it back, reporting end-to-end latency'
            cand --brokers-only 'Check only that the brokers answer, whatever the manifest says (with --wait: the "wait until Kafka is up" step before `topics apply`)'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;serve'= {
            cand --listen 'Address to listen on (loopback unless told otherwise)'
            cand --interval 'Time between two collections (metrics and health checks; at least 500ms)'
            cand --window 'Collections in the window of the lag verdicts (evbus_consumer_group_status), as lag --window'
            cand --retention-warn 'Warn when a group''s oldest unconsumed record is this old, as a percentage of retention.ms'
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;alerts'= {
            cand --for 'How long a condition must hold before its alert fires (Prometheus `for:`)'
            cand --max-time-lag 'Alert when a manifest group''s time lag (age of its oldest unconsumed record) is over this'
            cand --min-brokers 'Alert when the cluster has fewer brokers [default: the manifest''s largest replication factor]'
            cand --dlq-window 'Alert when a dead-letter topic received records within this window'
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;dev'= {
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand up 'Start a local broker (Apache Kafka, else nisshi) on 127.0.0.1 with durable storage under .evbus/dev/'
            cand down 'Stop the local broker (SIGTERM, then SIGKILL after 30s for Kafka, 5s for nisshi); data is kept'
            cand status 'Is the local broker running, and which one? Exit 0 running, 1 stopped, 4 running but not answering'
            cand stop-broker 'Stop one node of a `dev up --brokers N` cluster (SIGTERM: Kafka''s controlled shutdown), for a failure drill'
            cand start-broker 'Start one stopped node of a `dev up --brokers N` cluster again, on its data and ports'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'evbus;dev;up'= {
            cand --port 'Port to listen on (`up`); `down` and `status` use the address `up` recorded'
            cand --dir 'State directory (pid file, storage, log)'
            cand --broker 'Which broker to run'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --install 'Install what the broker needs when it is missing: Kafka''s jars (scripts/install-kafka.sh), or nisshi with --broker nisshi (scripts/install-broker.sh)'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;dev;down'= {
            cand --port 'Port to listen on (`up`); `down` and `status` use the address `up` recorded'
            cand --dir 'State directory (pid file, storage, log)'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;dev;status'= {
            cand --port 'Port to listen on (`up`); `down` and `status` use the address `up` recorded'
            cand --dir 'State directory (pid file, storage, log)'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;dev;stop-broker'= {
            cand --dir 'State directory of the cluster'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --kill 'SIGKILL at once (a crash: no controlled shutdown) instead of SIGTERM'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;dev;start-broker'= {
            cand --dir 'State directory of the cluster'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;dev;help'= {
            cand up 'Start a local broker (Apache Kafka, else nisshi) on 127.0.0.1 with durable storage under .evbus/dev/'
            cand down 'Stop the local broker (SIGTERM, then SIGKILL after 30s for Kafka, 5s for nisshi); data is kept'
            cand status 'Is the local broker running, and which one? Exit 0 running, 1 stopped, 4 running but not answering'
            cand stop-broker 'Stop one node of a `dev up --brokers N` cluster (SIGTERM: Kafka''s controlled shutdown), for a failure drill'
            cand start-broker 'Start one stopped node of a `dev up --brokers N` cluster again, on its data and ports'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'evbus;dev;help;up'= {
        }
        &'evbus;dev;help;down'= {
        }
        &'evbus;dev;help;status'= {
        }
        &'evbus;dev;help;stop-broker'= {
        }
        &'evbus;dev;help;start-broker'= {
        }
        &'evbus;dev;help;help'= {
        }
        &'evbus;config'= {
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Contexts in the config file (the active one marked with *)'
            cand use 'Make a context the default (sets `current:` in the config file, comments kept)'
            cand show 'The effective configuration and where each value comes from (secrets redacted)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'evbus;config;list'= {
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;config;use'= {
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;config;show'= {
            cand -f 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand --file 'Topics manifest [default: the context''s manifest, else ./topics.yaml]'
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;config;help'= {
            cand list 'Contexts in the config file (the active one marked with *)'
            cand use 'Make a context the default (sets `current:` in the config file, comments kept)'
            cand show 'The effective configuration and where each value comes from (secrets redacted)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'evbus;config;help;list'= {
        }
        &'evbus;config;help;use'= {
        }
        &'evbus;config;help;show'= {
        }
        &'evbus;config;help;help'= {
        }
        &'evbus;completions'= {
            cand -b 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand --brokers 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context''s brokers, else 127.0.0.1:9092]'
            cand -X 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem'
            cand --timeout 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)'
            cand -o 'Output format: auto = table on a terminal, JSON when piped'
            cand --output 'Output format: auto = table on a terminal, JSON when piped'
            cand --color 'When to use colours (NO_COLOR in the environment means never for auto)'
            cand --context 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]'
            cand --dynamic 'Script that asks evbus at completion time (completes topic/group/schema names)'
            cand -q 'Print only data and errors (no summaries, no progress)'
            cand --quiet 'Print only data and errors (no summaries, no progress)'
            cand -v 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand --verbose 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'evbus;help'= {
            cand topics 'Declarative topics: validate, plan and apply topics.yaml; list and describe topics'
            cand schemas 'JSON Schemas of the platform''s events: list, validate, sample'
            cand produce 'Produce sample events generated from a JSON Schema, or validated events from a JSON Lines file'
            cand tail 'Follow and filter topics (never joins a group unless --group)'
            cand lag 'Consumer-group lag per partition, in offsets and in time, totals, and a status verdict'
            cand groups 'Consumer groups: list, describe, reset offsets, delete'
            cand dlq 'Dead-letter queues: inspect what failed and replay it safely'
            cand health 'Is the event platform OK? Checks with exit codes for CI and healthchecks'
            cand serve 'Serve health endpoints and Prometheus metrics (lag, offsets, verdicts, partitions) over HTTP'
            cand alerts 'Print Prometheus alerting rules generated from topics.yaml, for the metrics of `evbus serve`'
            cand dev 'Local development broker, or a cluster for failure drills (Apache Kafka, else nisshi)'
            cand config 'Contexts (named broker profiles) from evbus.yaml'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'evbus;help;topics'= {
            cand validate 'Check topics.yaml without contacting a broker'
            cand plan 'Show what `apply` would change on the cluster'
            cand apply 'Apply topics.yaml to the cluster (asks first on a terminal; --yes otherwise)'
            cand list 'List topics with partitions, replication and offset spans (high - low watermark)'
            cand describe 'Partitions (leader, replicas, ISR, watermarks) and configs with their sources'
            cand export 'Write a topics.yaml from a running cluster (topics, configs, consumer groups)'
            cand partition-for 'Which partition each key lands on (Kafka''s default partitioner: murmur2, as in Java)'
        }
        &'evbus;help;topics;validate'= {
        }
        &'evbus;help;topics;plan'= {
        }
        &'evbus;help;topics;apply'= {
        }
        &'evbus;help;topics;list'= {
        }
        &'evbus;help;topics;describe'= {
        }
        &'evbus;help;topics;export'= {
        }
        &'evbus;help;topics;partition-for'= {
        }
        &'evbus;help;schemas'= {
            cand list 'Schemas in the schema directory and the topics using them'
            cand validate 'Every schema compiles, every $ref resolves, every manifest topic has its schema'
            cand sample 'Print sample events as JSON lines (no broker needed)'
        }
        &'evbus;help;schemas;list'= {
        }
        &'evbus;help;schemas;validate'= {
        }
        &'evbus;help;schemas;sample'= {
        }
        &'evbus;help;produce'= {
        }
        &'evbus;help;tail'= {
        }
        &'evbus;help;lag'= {
        }
        &'evbus;help;groups'= {
            cand list 'Every group with its type, state, members, topics and total lag'
            cand describe 'Members and their assignments; per partition: committed offset, log end, lag, time lag, owner'
            cand reset 'Move a group''s committed offsets: prints the plan, asks (or needs --yes), then commits it'
            cand delete 'Delete a group, or only its committed offsets on some topics (asks, or needs --yes)'
        }
        &'evbus;help;groups;list'= {
        }
        &'evbus;help;groups;describe'= {
        }
        &'evbus;help;groups;reset'= {
        }
        &'evbus;help;groups;delete'= {
        }
        &'evbus;help;dlq'= {
            cand inspect 'Summarise a dead-letter topic: where records came from and why they failed (read-only)'
            cand replay 'Republish dead-letter records to their original topics, resuming where the last run stopped'
        }
        &'evbus;help;dlq;inspect'= {
        }
        &'evbus;help;dlq;replay'= {
        }
        &'evbus;help;health'= {
        }
        &'evbus;help;serve'= {
        }
        &'evbus;help;alerts'= {
        }
        &'evbus;help;dev'= {
            cand up 'Start a local broker (Apache Kafka, else nisshi) on 127.0.0.1 with durable storage under .evbus/dev/'
            cand down 'Stop the local broker (SIGTERM, then SIGKILL after 30s for Kafka, 5s for nisshi); data is kept'
            cand status 'Is the local broker running, and which one? Exit 0 running, 1 stopped, 4 running but not answering'
            cand stop-broker 'Stop one node of a `dev up --brokers N` cluster (SIGTERM: Kafka''s controlled shutdown), for a failure drill'
            cand start-broker 'Start one stopped node of a `dev up --brokers N` cluster again, on its data and ports'
        }
        &'evbus;help;dev;up'= {
        }
        &'evbus;help;dev;down'= {
        }
        &'evbus;help;dev;status'= {
        }
        &'evbus;help;dev;stop-broker'= {
        }
        &'evbus;help;dev;start-broker'= {
        }
        &'evbus;help;config'= {
            cand list 'Contexts in the config file (the active one marked with *)'
            cand use 'Make a context the default (sets `current:` in the config file, comments kept)'
            cand show 'The effective configuration and where each value comes from (secrets redacted)'
        }
        &'evbus;help;config;list'= {
        }
        &'evbus;help;config;use'= {
        }
        &'evbus;help;config;show'= {
        }
        &'evbus;help;completions'= {
        }
        &'evbus;help;help'= {
        }
    ]
    $completions[$command]
}
