# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_evbus_global_optspecs
    string join \n b/brokers= X= timeout= o/output= color= context= q/quiet v/verbose h/help V/version
end

function __fish_evbus_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_evbus_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_evbus_using_subcommand
    set -l cmd (__fish_evbus_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c evbus -n "__fish_evbus_needs_command" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_needs_command" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_needs_command" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_needs_command" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_needs_command" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_needs_command" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_needs_command" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_needs_command" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_needs_command" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_needs_command" -f -a "topics" -d 'Declarative topics: validate, plan and apply topics.yaml; list and describe topics'
complete -c evbus -n "__fish_evbus_needs_command" -f -a "schemas" -d 'JSON Schemas of the platform\'s events: list, validate, sample'
complete -c evbus -n "__fish_evbus_needs_command" -f -a "produce" -d 'Produce sample events generated from a JSON Schema, or validated events from a JSON Lines file'
complete -c evbus -n "__fish_evbus_needs_command" -f -a "tail" -d 'Follow and filter topics (never joins a group unless --group)'
complete -c evbus -n "__fish_evbus_needs_command" -f -a "lag" -d 'Consumer-group lag per partition, in offsets and in time, totals, and a status verdict'
complete -c evbus -n "__fish_evbus_needs_command" -f -a "groups" -d 'Consumer groups: list, describe, reset offsets, delete'
complete -c evbus -n "__fish_evbus_needs_command" -f -a "dlq" -d 'Dead-letter queues: inspect what failed and replay it safely'
complete -c evbus -n "__fish_evbus_needs_command" -f -a "health" -d 'Is the event platform OK? Checks with exit codes for CI and healthchecks'
complete -c evbus -n "__fish_evbus_needs_command" -f -a "serve" -d 'Serve health endpoints and Prometheus metrics (lag, offsets, verdicts, partitions) over HTTP'
complete -c evbus -n "__fish_evbus_needs_command" -f -a "alerts" -d 'Print Prometheus alerting rules generated from topics.yaml, for the metrics of `evbus serve`'
complete -c evbus -n "__fish_evbus_needs_command" -f -a "dev" -d 'Local development broker, or a cluster for failure drills (Apache Kafka, else nisshi)'
complete -c evbus -n "__fish_evbus_needs_command" -f -a "config" -d 'Contexts (named broker profiles) from evbus.yaml'
complete -c evbus -n "__fish_evbus_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c evbus -n "__fish_evbus_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -f -a "validate" -d 'Check topics.yaml without contacting a broker'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -f -a "plan" -d 'Show what `apply` would change on the cluster'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -f -a "apply" -d 'Apply topics.yaml to the cluster (asks first on a terminal; --yes otherwise)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -f -a "list" -d 'List topics with partitions, replication and offset spans (high - low watermark)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -f -a "describe" -d 'Partitions (leader, replicas, ISR, watermarks) and configs with their sources'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -f -a "export" -d 'Write a topics.yaml from a running cluster (topics, configs, consumer groups)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -f -a "partition-for" -d 'Which partition each key lands on (Kafka\'s default partitioner: murmur2, as in Java)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and not __fish_seen_subcommand_from validate plan apply list describe export partition-for help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from validate" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from validate" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from validate" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from validate" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from validate" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from validate" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from validate" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from validate" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from validate" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from plan" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from plan" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from plan" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from plan" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from plan" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from plan" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from plan" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from plan" -l prune -d 'Also plan removal of what the manifest does not declare (unmanaged topics and config keys)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from plan" -l detailed-exitcode -d 'Exit 0 when there are no changes, 3 when changes are pending, 1 on error'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from plan" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from plan" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from plan" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -l throttle -d 'Limit replica moves to RATE bytes/s per broker (e.g. 10MiB), removed when they finish; given while a move runs, changes its rate' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -l prune -d 'Also delete unmanaged topics and remove unmanaged config keys of managed topics'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -l dry-run -d 'Show the plan and stop'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -l no-wait -d 'Start replica moves (replication-factor changes) and return without waiting for them; `topics plan` shows them in progress, the next `apply` watches them finish'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from apply" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from list" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from list" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from list" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from list" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from list" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from list" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from list" -l all -d 'Include internal topics (__consumer_offsets, ...)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from describe" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from describe" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from describe" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from describe" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from describe" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from describe" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from describe" -l overrides-only -d 'Show only the configs set on the topic itself (no inherited defaults)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from describe" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from describe" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from describe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from describe" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from export" -l topic -d 'Export only the topics whose name matches this regex (unanchored: \'^orders-\' for a prefix)' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from export" -s f -l output-file -d 'Write the manifest to FILE instead of stdout' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from export" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from export" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from export" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from export" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from export" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from export" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from export" -l force -d 'Replace FILE when it exists'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from partition-for" -l partitions -d 'Answer for this many partitions, without asking a broker' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from partition-for" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from partition-for" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from partition-for" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from partition-for" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from partition-for" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from partition-for" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from partition-for" -l key-hex -d 'Keys are hex-encoded bytes (e.g. 00ff10), for binary keys'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from partition-for" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from partition-for" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from partition-for" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from partition-for" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Check topics.yaml without contacting a broker'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from help" -f -a "plan" -d 'Show what `apply` would change on the cluster'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Apply topics.yaml to the cluster (asks first on a terminal; --yes otherwise)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from help" -f -a "list" -d 'List topics with partitions, replication and offset spans (high - low watermark)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from help" -f -a "describe" -d 'Partitions (leader, replicas, ISR, watermarks) and configs with their sources'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write a topics.yaml from a running cluster (topics, configs, consumer groups)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from help" -f -a "partition-for" -d 'Which partition each key lands on (Kafka\'s default partitioner: murmur2, as in Java)'
complete -c evbus -n "__fish_evbus_using_subcommand topics; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and not __fish_seen_subcommand_from list validate sample help" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and not __fish_seen_subcommand_from list validate sample help" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and not __fish_seen_subcommand_from list validate sample help" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and not __fish_seen_subcommand_from list validate sample help" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and not __fish_seen_subcommand_from list validate sample help" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and not __fish_seen_subcommand_from list validate sample help" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and not __fish_seen_subcommand_from list validate sample help" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and not __fish_seen_subcommand_from list validate sample help" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and not __fish_seen_subcommand_from list validate sample help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and not __fish_seen_subcommand_from list validate sample help" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and not __fish_seen_subcommand_from list validate sample help" -f -a "list" -d 'Schemas in the schema directory and the topics using them'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and not __fish_seen_subcommand_from list validate sample help" -f -a "validate" -d 'Every schema compiles, every $ref resolves, every manifest topic has its schema'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and not __fish_seen_subcommand_from list validate sample help" -f -a "sample" -d 'Print sample events as JSON lines (no broker needed)'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and not __fish_seen_subcommand_from list validate sample help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from list" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from list" -l schemas -d 'Schema directory' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from list" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from list" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from list" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from list" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from list" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from validate" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from validate" -l schemas -d 'Schema directory' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from validate" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from validate" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from validate" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from validate" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from validate" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from validate" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from validate" -l only-with-schemas -d 'Check only the topics whose schema files exist; list the others instead of failing (for CI on a platform that adds schemas topic by topic; `schema: false` topics are always left out)'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from validate" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from validate" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from validate" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -s n -l count -d 'Number of samples' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -l seed -d 'Seed for reproducible output (byte-identical across runs)' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -l producer -d 'Envelope `producer` value (where the schema leaves it free)' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -l type -d 'Only events of this type (a oneOf schema, or a topic with several event types)' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -l schemas -d 'Schema directory' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from sample" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from help" -f -a "list" -d 'Schemas in the schema directory and the topics using them'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from help" -f -a "validate" -d 'Every schema compiles, every $ref resolves, every manifest topic has its schema'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from help" -f -a "sample" -d 'Print sample events as JSON lines (no broker needed)'
complete -c evbus -n "__fish_evbus_using_subcommand schemas; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c evbus -n "__fish_evbus_using_subcommand produce" -s n -l count -d 'Number of sample events to generate (ignored with --input)' -r
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l seed -d 'Seed for reproducible samples' -r
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l rate -d 'Maximum send rate: N/s, N/m or N/h, e.g. 200/s, 50/m, 1000 (per second)' -r
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l schema -d 'Schema name or path to a schema file (default: the topic\'s manifest entry, else the topic name)' -r
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l type -d 'Event type: samples only of this type (a topic with several), and the event-type header of events that have no eventType field' -r
complete -c evbus -n "__fish_evbus_using_subcommand produce" -s i -l input -d 'Read events from a JSON Lines file (\'-\' for stdin) instead of generating them' -r
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l records -d 'Read records in evbus\'s record format (\'-\' for stdin; JSON lines as `tail -o json` writes them) and write them exactly: key and value bytes, tombstones, headers in order' -r
complete -c evbus -n "__fish_evbus_using_subcommand produce" -s k -l key -d 'Dot path into the event whose value becomes the key (default: the manifest\'s `key`)' -r
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l key-literal -d 'The same literal key for every record' -r
complete -c evbus -n "__fish_evbus_using_subcommand produce" -s H -l header -d 'Extra header (repeatable)' -r
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l producer -d 'Envelope `producer` value for generated events (where the schema leaves it free)' -r
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l compression -d 'Compress with this codec (default: none, as Kafka\'s producer does, or the topic\'s compression.type when it names a codec; -X compression.type wins)' -r -f -a "none\t''
gzip\t''
snappy\t''
lz4\t''
zstd\t''"
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l schemas -d 'Schema directory' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand produce" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand produce" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand produce" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand produce" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l keep-timestamps -d 'With --records: give each record the timestamp in its line (default: the time of writing)'
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l keep-partitions -d 'With --records: write each record to the partition in its line (default: by key, as Kafka\'s producer places it)'
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l skip-invalid -d 'With --input or --records: send the valid lines and report the invalid ones (default: all-or-nothing)'
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l no-validate -d 'Send events without validating them against the schema'
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l dry-run -d 'Print the events as JSON lines instead of sending them'
complete -c evbus -n "__fish_evbus_using_subcommand produce" -l create -d 'Create the topic when it does not exist (with the broker\'s default partitions and replication). A topic declared in the manifest is created as declared without this flag; any other missing topic is an error, never auto-created'
complete -c evbus -n "__fish_evbus_using_subcommand produce" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand produce" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand produce" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand produce" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l pattern -d 'Follow every topic whose name matches this regex' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l from -d 'Where to start: end, beginning, an offset, -N (last N per partition), or a TIME: RFC 3339 or a duration ago like 15m (a bare number is an offset here)' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -s n -l count -d 'Stop after N matching records' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l idle-timeout -d 'Stop after this long without records' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l filter -d 'jq filter on the decoded value (records match when it yields true or non-null)' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l filter-memory -d 'Memory one --filter evaluation may hold; past it the record does not match and a warning says why' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l key -d 'Only records with this key' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l header -d 'Only records with this header (repeatable, all must match)' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l type -d 'Only events with this eventType (value field, else the event-type header)' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l grep -d 'Only records whose value or key contains this text' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l template -d 'kcat-style format: %t topic %p partition %o offset %k key %s value %S size %T timestamp %h headers' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -s g -l group -d 'Consume as a member of this group and commit after printing (default: no group, no commits)' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l schemas -d 'Schema directory (for --validate)' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand tail" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l since -d 'Start at this TIME: RFC 3339, epoch ms, or a duration ago like 15m' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l until -d 'Stop at the first record newer than this TIME: RFC 3339, epoch ms, or a duration ago like 15m' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -s o -l output -d 'Output format: auto = pretty records on a terminal, JSON lines when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'
pretty\t'Records: header line, headers and indented value'
raw\t'Records: value bytes followed by a newline'"
complete -c evbus -n "__fish_evbus_using_subcommand tail" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l all -d 'Follow every non-internal topic'
complete -c evbus -n "__fish_evbus_using_subcommand tail" -s e -l exit -d 'Stop at the end of every partition (like kcat -e)'
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l allow-gaps -d 'Exit 0 even when records were removed (retention, DeleteRecords) before they were read; such a gap is always reported, and by default fails a run that ends by itself'
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l validate -d 'Check every event against its topic\'s schema and mark the invalid ones'
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l only-invalid -d 'With --validate: print only the invalid events'
complete -c evbus -n "__fish_evbus_using_subcommand tail" -l full -d 'Print large values whole in pretty mode'
complete -c evbus -n "__fish_evbus_using_subcommand tail" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand tail" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand tail" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand tail" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand lag" -l max-lag -d 'Exit 5 when any group\'s total lag is over N (default: the manifest\'s per-group max_lag)' -r
complete -c evbus -n "__fish_evbus_using_subcommand lag" -l max-time-lag -d 'Exit 5 when any group\'s time lag (age of its oldest unconsumed record) is over this' -r
complete -c evbus -n "__fish_evbus_using_subcommand lag" -l retention-warn -d 'Warn when the oldest unconsumed record is this old, as a percentage of the topic\'s retention.ms' -r
complete -c evbus -n "__fish_evbus_using_subcommand lag" -l interval -d 'Time between samples in --watch (at least 500ms)' -r
complete -c evbus -n "__fish_evbus_using_subcommand lag" -l window -d 'Number of samples in the evaluation window (--watch)' -r
complete -c evbus -n "__fish_evbus_using_subcommand lag" -l samples -d 'Stop --watch after this many samples (default: until Ctrl-C)' -r
complete -c evbus -n "__fish_evbus_using_subcommand lag" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand lag" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand lag" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand lag" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand lag" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand lag" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand lag" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand lag" -s d -l detail -d 'A row per partition'
complete -c evbus -n "__fish_evbus_using_subcommand lag" -s w -l watch -d 'Sample repeatedly and evaluate each partition with Burrow\'s rules'
complete -c evbus -n "__fish_evbus_using_subcommand lag" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand lag" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand lag" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand lag" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and not __fish_seen_subcommand_from list describe reset delete help" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and not __fish_seen_subcommand_from list describe reset delete help" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and not __fish_seen_subcommand_from list describe reset delete help" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and not __fish_seen_subcommand_from list describe reset delete help" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand groups; and not __fish_seen_subcommand_from list describe reset delete help" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand groups; and not __fish_seen_subcommand_from list describe reset delete help" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and not __fish_seen_subcommand_from list describe reset delete help" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and not __fish_seen_subcommand_from list describe reset delete help" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and not __fish_seen_subcommand_from list describe reset delete help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and not __fish_seen_subcommand_from list describe reset delete help" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and not __fish_seen_subcommand_from list describe reset delete help" -f -a "list" -d 'Every group with its type, state, members, topics and total lag'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and not __fish_seen_subcommand_from list describe reset delete help" -f -a "describe" -d 'Members and their assignments; per partition: committed offset, log end, lag, time lag, owner'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and not __fish_seen_subcommand_from list describe reset delete help" -f -a "reset" -d 'Move a group\'s committed offsets: prints the plan, asks (or needs --yes), then commits it'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and not __fish_seen_subcommand_from list describe reset delete help" -f -a "delete" -d 'Delete a group, or only its committed offsets on some topics (asks, or needs --yes)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and not __fish_seen_subcommand_from list describe reset delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from list" -l type -d 'Only groups of this type (repeatable)' -r -f -a "classic\t'Consumer group on the classic rebalance protocol'
consumer\t'Consumer group on the KIP-848 protocol (group.protocol=consumer)'
share\t'Share group (KIP-932); also matches `share/streams` (type not known)'
streams\t'Streams group (KIP-1071); also matches `share/streams` (type not known)'
connect\t'Kafka Connect workers\' group'"
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from list" -l state -d 'Only groups in this state, case-insensitive: stable, empty, dead, preparingrebalance, completingrebalance, assigning, reconciling (repeatable)' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from list" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from list" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from list" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from list" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from list" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from describe" -l retention-warn -d 'Warn when the oldest unconsumed record is this old, as a percentage of retention.ms' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from describe" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from describe" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from describe" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from describe" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from describe" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from describe" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from describe" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from describe" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from describe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from describe" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -l topic -d 'Topic to reset, every partition (TOPIC) or some (TOPIC:0,2); repeatable. With --from-file, only these topics of the plan' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -l to -d 'The log start, the log end, or the committed offset as it is' -r -f -a "earliest\t'The log start: re-read everything still on the broker'
latest\t'The log end: skip everything not consumed yet'
current\t'The committed offset as it is; the log end where there is none (with --include-uncommitted)'"
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -l to-offset -d 'This offset on every selected partition' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -l to-datetime -d 'The first record at or after this TIME: RFC 3339, epoch ms, or a duration ago like 2h (the log end when no record is that recent)' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -l by-duration -d 'The first record at or after this long ago (e.g. 2h, 30m, 1d, or ISO 8601 like PT31M, P1DT2H as kafka-consumer-groups takes); takes any TIME like --to-datetime' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -l shift-by -d 'Move each committed offset by N (negative = re-read N records); refuses a named partition without one unless --include-uncommitted (then it moves from the log end)' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -l from-file -d 'Apply a plan: one written by `groups reset -o json`, or the CSV (topic,partition,offset) of `kafka-consumer-groups --reset-offsets --export`' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -l all-topics -d 'Every partition where the group has a committed offset'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -l include-uncommitted -d 'Also commit offsets on the partitions of --all-topics\' topics or of a --topic TOPIC where the group has none (their consumers then stop following auto.offset.reset there)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -l delete-internal-topics -d 'Streams groups: also delete the group\'s internal (repartition and changelog) topics once the offsets are reset, so its state starts over (as kafka-streams-groups --execute does)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -l dry-run -d 'Print the plan and change nothing'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from reset" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from delete" -l topic -d 'Delete only the group\'s committed offsets on this topic (repeatable); the group stays' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from delete" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from delete" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from delete" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from delete" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from delete" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from delete" -l delete-internal-topics -d 'Streams groups: also delete the group\'s internal (repartition and changelog) topics'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from delete" -l dry-run -d 'Print what would be deleted and change nothing'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every group with its type, state, members, topics and total lag'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "describe" -d 'Members and their assignments; per partition: committed offset, log end, lag, time lag, owner'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "reset" -d 'Move a group\'s committed offsets: prints the plan, asks (or needs --yes), then commits it'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a group, or only its committed offsets on some topics (asks, or needs --yes)'
complete -c evbus -n "__fish_evbus_using_subcommand groups; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and not __fish_seen_subcommand_from inspect replay help" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and not __fish_seen_subcommand_from inspect replay help" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and not __fish_seen_subcommand_from inspect replay help" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and not __fish_seen_subcommand_from inspect replay help" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and not __fish_seen_subcommand_from inspect replay help" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and not __fish_seen_subcommand_from inspect replay help" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and not __fish_seen_subcommand_from inspect replay help" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and not __fish_seen_subcommand_from inspect replay help" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and not __fish_seen_subcommand_from inspect replay help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and not __fish_seen_subcommand_from inspect replay help" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and not __fish_seen_subcommand_from inspect replay help" -f -a "inspect" -d 'Summarise a dead-letter topic: where records came from and why they failed (read-only)'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and not __fish_seen_subcommand_from inspect replay help" -f -a "replay" -d 'Republish dead-letter records to their original topics, resuming where the last run stopped'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and not __fish_seen_subcommand_from inspect replay help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from inspect" -l limit -d 'At most this many records with --records' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from inspect" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from inspect" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from inspect" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from inspect" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from inspect" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from inspect" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from inspect" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from inspect" -l records -d 'List individual records'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from inspect" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from inspect" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from inspect" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l topic -d 'Only records whose original topic is this (repeatable)' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l error -d 'Only records whose error class or message matches this regex' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l from-offset -d 'Only DLQ offsets ≥ N' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l to-offset -d 'Only DLQ offsets ≤ N' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l filter -d 'jq filter on the DLQ record\'s value (same engine as tail; $__meta available)' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l filter-memory -d 'Memory one --filter evaluation may hold; past it the record does not match and a warning says why' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l limit -d 'Replay at most N records' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l to -d 'Send every record here instead of its original topic' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l compression -d 'Compress with this codec (default: none, as Kafka\'s producer does, or the --to topic\'s compression.type when it names a codec; -X compression.type wins)' -r -f -a "none\t''
gzip\t''
snappy\t''
lz4\t''
zstd\t''"
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l allow-internal -d 'Allow writing to this internal topic (__*, _schemas, _confluent*, Streams/Connect internals), which is refused otherwise even when a dead letter names it (repeatable)' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l rate -d 'Maximum replay rate: N/s, N/m or N/h, e.g. 50/s' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s g -l group -d 'Consumer group on the DLQ that remembers how far replay got' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l since -d 'Only records written to the DLQ at or after this TIME: RFC 3339, epoch ms, or a duration ago like 2h' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l until -d 'Only records written to the DLQ before this TIME: RFC 3339, epoch ms, or a duration ago' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l same-partition -d 'Send to the original partition when known (default: partition by key, murmur2)'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l allow-undeclared -d 'With a manifest: also write to topics it does not declare'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l skip-unknown -d 'Skip records that cannot be replayed (unknown origin, topic missing) instead of stopping'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l skip-refused -d 'Skip records the broker refuses (too large, not authorized) instead of stopping'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l dry-run -d 'Print the plan and send nothing; exits 1, like the replay, when it would stop at a record'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l from-start -d 'Ignore the saved position and start at the DLQ\'s first record'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -l pending -d 'Replay only the records earlier runs passed over (not selected by their filters, or skipped), each once; the saved position stays where it is'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from replay" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Summarise a dead-letter topic: where records came from and why they failed (read-only)'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "replay" -d 'Republish dead-letter records to their original topics, resuming where the last run stopped'
complete -c evbus -n "__fish_evbus_using_subcommand dlq; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c evbus -n "__fish_evbus_using_subcommand health" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand health" -l health-topic -d 'Topic used by --roundtrip (created when missing)' -r
complete -c evbus -n "__fish_evbus_using_subcommand health" -l wait -d 'Retry until healthy or until this much time has passed' -r
complete -c evbus -n "__fish_evbus_using_subcommand health" -l expect-brokers -d 'Fail unless the metadata lists at least this many brokers (default: the manifest\'s `cluster: {brokers: N}`, else no expectation)' -r
complete -c evbus -n "__fish_evbus_using_subcommand health" -l retention-warn -d 'Warn when a group\'s oldest unconsumed record is this old, as a percentage of retention.ms' -r
complete -c evbus -n "__fish_evbus_using_subcommand health" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand health" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand health" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand health" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand health" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand health" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand health" -l strict -d 'Treat warnings as failures'
complete -c evbus -n "__fish_evbus_using_subcommand health" -l roundtrip -d 'Produce a probe record and consume it back, reporting end-to-end latency'
complete -c evbus -n "__fish_evbus_using_subcommand health" -l brokers-only -d 'Check only that the brokers answer, whatever the manifest says (with --wait: the "wait until Kafka is up" step before `topics apply`)'
complete -c evbus -n "__fish_evbus_using_subcommand health" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand health" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand health" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand health" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand serve" -l listen -d 'Address to listen on (loopback unless told otherwise)' -r
complete -c evbus -n "__fish_evbus_using_subcommand serve" -l interval -d 'Time between two collections (metrics and health checks; at least 500ms)' -r
complete -c evbus -n "__fish_evbus_using_subcommand serve" -l window -d 'Collections in the window of the lag verdicts (evbus_consumer_group_status), as lag --window' -r
complete -c evbus -n "__fish_evbus_using_subcommand serve" -l retention-warn -d 'Warn when a group\'s oldest unconsumed record is this old, as a percentage of retention.ms' -r
complete -c evbus -n "__fish_evbus_using_subcommand serve" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand serve" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand serve" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand serve" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand serve" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand serve" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand serve" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand serve" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand serve" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand serve" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand alerts" -l for -d 'How long a condition must hold before its alert fires (Prometheus `for:`)' -r
complete -c evbus -n "__fish_evbus_using_subcommand alerts" -l max-time-lag -d 'Alert when a manifest group\'s time lag (age of its oldest unconsumed record) is over this' -r
complete -c evbus -n "__fish_evbus_using_subcommand alerts" -l min-brokers -d 'Alert when the cluster has fewer brokers [default: the manifest\'s largest replication factor]' -r
complete -c evbus -n "__fish_evbus_using_subcommand alerts" -l dlq-window -d 'Alert when a dead-letter topic received records within this window' -r
complete -c evbus -n "__fish_evbus_using_subcommand alerts" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand alerts" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand alerts" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand alerts" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand alerts" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand alerts" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand alerts" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand alerts" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand alerts" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand alerts" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand alerts" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -f -a "up" -d 'Start a local broker (Apache Kafka, else nisshi) on 127.0.0.1 with durable storage under .evbus/dev/'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -f -a "down" -d 'Stop the local broker (SIGTERM, then SIGKILL after 30s for Kafka, 5s for nisshi); data is kept'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -f -a "status" -d 'Is the local broker running, and which one? Exit 0 running, 1 stopped, 4 running but not answering'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -f -a "stop-broker" -d 'Stop one node of a `dev up --brokers N` cluster (SIGTERM: Kafka\'s controlled shutdown), for a failure drill'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -f -a "start-broker" -d 'Start one stopped node of a `dev up --brokers N` cluster again, on its data and ports'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and not __fish_seen_subcommand_from up down status stop-broker start-broker help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from up" -l port -d 'Port to listen on (`up`); `down` and `status` use the address `up` recorded' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from up" -l dir -d 'State directory (pid file, storage, log)' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from up" -l broker -d 'Which broker to run' -r -f -a "auto\t'Apache Kafka when Java 17+ and Kafka\'s jars are at hand, else nisshi'
kafka\t'Apache Kafka in KRaft mode (Java 17+ and Kafka\'s jars)'
nisshi\t'nisshi, a Kafka-compatible broker with sqlite storage'"
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from up" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from up" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from up" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from up" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from up" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from up" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from up" -l install -d 'Install what the broker needs when it is missing: Kafka\'s jars (scripts/install-kafka.sh), or nisshi with --broker nisshi (scripts/install-broker.sh)'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from up" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from up" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from up" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from up" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from down" -l port -d 'Port to listen on (`up`); `down` and `status` use the address `up` recorded' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from down" -l dir -d 'State directory (pid file, storage, log)' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from down" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from down" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from down" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from down" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from down" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from down" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from down" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from down" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from down" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from down" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from status" -l port -d 'Port to listen on (`up`); `down` and `status` use the address `up` recorded' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from status" -l dir -d 'State directory (pid file, storage, log)' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from status" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from status" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from status" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from status" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from status" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from status" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from stop-broker" -l dir -d 'State directory of the cluster' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from stop-broker" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from stop-broker" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from stop-broker" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from stop-broker" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from stop-broker" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from stop-broker" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from stop-broker" -l kill -d 'SIGKILL at once (a crash: no controlled shutdown) instead of SIGTERM'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from stop-broker" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from stop-broker" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from stop-broker" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from stop-broker" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from start-broker" -l dir -d 'State directory of the cluster' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from start-broker" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from start-broker" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from start-broker" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from start-broker" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from start-broker" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from start-broker" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from start-broker" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from start-broker" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from start-broker" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from start-broker" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from help" -f -a "up" -d 'Start a local broker (Apache Kafka, else nisshi) on 127.0.0.1 with durable storage under .evbus/dev/'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from help" -f -a "down" -d 'Stop the local broker (SIGTERM, then SIGKILL after 30s for Kafka, 5s for nisshi); data is kept'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from help" -f -a "status" -d 'Is the local broker running, and which one? Exit 0 running, 1 stopped, 4 running but not answering'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from help" -f -a "stop-broker" -d 'Stop one node of a `dev up --brokers N` cluster (SIGTERM: Kafka\'s controlled shutdown), for a failure drill'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from help" -f -a "start-broker" -d 'Start one stopped node of a `dev up --brokers N` cluster again, on its data and ports'
complete -c evbus -n "__fish_evbus_using_subcommand dev; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and not __fish_seen_subcommand_from list use show help" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and not __fish_seen_subcommand_from list use show help" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and not __fish_seen_subcommand_from list use show help" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and not __fish_seen_subcommand_from list use show help" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand config; and not __fish_seen_subcommand_from list use show help" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand config; and not __fish_seen_subcommand_from list use show help" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and not __fish_seen_subcommand_from list use show help" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and not __fish_seen_subcommand_from list use show help" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and not __fish_seen_subcommand_from list use show help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand config; and not __fish_seen_subcommand_from list use show help" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand config; and not __fish_seen_subcommand_from list use show help" -f -a "list" -d 'Contexts in the config file (the active one marked with *)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and not __fish_seen_subcommand_from list use show help" -f -a "use" -d 'Make a context the default (sets `current:` in the config file, comments kept)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and not __fish_seen_subcommand_from list use show help" -f -a "show" -d 'The effective configuration and where each value comes from (secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and not __fish_seen_subcommand_from list use show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from list" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from list" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from list" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from list" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from list" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from use" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from use" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from use" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from use" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from use" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from use" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from use" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from use" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from use" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from use" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from show" -s f -l file -d 'Topics manifest [default: the context\'s manifest, else ./topics.yaml]' -r -F
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from show" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from show" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from show" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from show" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "list" -d 'Contexts in the config file (the active one marked with *)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "use" -d 'Make a context the default (sets `current:` in the config file, comments kept)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'The effective configuration and where each value comes from (secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c evbus -n "__fish_evbus_using_subcommand completions" -s b -l brokers -d 'Bootstrap brokers, comma-separated host:port [env: EVBUS_BROKERS, KAFKA_BROKERS, KAFKA_BOOTSTRAP_SERVERS; default: the context\'s brokers, else 127.0.0.1:9092]' -r
complete -c evbus -n "__fish_evbus_using_subcommand completions" -s X -d 'librdkafka property passed through as-is, like kcat -X (repeatable), e.g. -X security.protocol=SSL -X ssl.ca.location=ca.pem' -r
complete -c evbus -n "__fish_evbus_using_subcommand completions" -l timeout -d 'Upper bound for every broker interaction (humantime: 500ms, 10s, 1m)' -r
complete -c evbus -n "__fish_evbus_using_subcommand completions" -s o -l output -d 'Output format: auto = table on a terminal, JSON when piped' -r -f -a "auto\t'Table on a terminal, JSON when piped'
table\t'Human table'
json\t'Machine-readable JSON (JSON lines for record streams)'"
complete -c evbus -n "__fish_evbus_using_subcommand completions" -l color -d 'When to use colours (NO_COLOR in the environment means never for auto)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c evbus -n "__fish_evbus_using_subcommand completions" -l context -d 'Named context from evbus.yaml / $XDG_CONFIG_HOME/evbus/config.yaml [env: EVBUS_CONTEXT]' -r
complete -c evbus -n "__fish_evbus_using_subcommand completions" -l dynamic -d 'Script that asks evbus at completion time (completes topic/group/schema names)'
complete -c evbus -n "__fish_evbus_using_subcommand completions" -s q -l quiet -d 'Print only data and errors (no summaries, no progress)'
complete -c evbus -n "__fish_evbus_using_subcommand completions" -s v -l verbose -d 'Log what evbus does to stderr (effective configuration, requests, timings; secrets redacted)'
complete -c evbus -n "__fish_evbus_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c evbus -n "__fish_evbus_using_subcommand completions" -s V -l version -d 'Print version'
complete -c evbus -n "__fish_evbus_using_subcommand help; and not __fish_seen_subcommand_from topics schemas produce tail lag groups dlq health serve alerts dev config completions help" -f -a "topics" -d 'Declarative topics: validate, plan and apply topics.yaml; list and describe topics'
complete -c evbus -n "__fish_evbus_using_subcommand help; and not __fish_seen_subcommand_from topics schemas produce tail lag groups dlq health serve alerts dev config completions help" -f -a "schemas" -d 'JSON Schemas of the platform\'s events: list, validate, sample'
complete -c evbus -n "__fish_evbus_using_subcommand help; and not __fish_seen_subcommand_from topics schemas produce tail lag groups dlq health serve alerts dev config completions help" -f -a "produce" -d 'Produce sample events generated from a JSON Schema, or validated events from a JSON Lines file'
complete -c evbus -n "__fish_evbus_using_subcommand help; and not __fish_seen_subcommand_from topics schemas produce tail lag groups dlq health serve alerts dev config completions help" -f -a "tail" -d 'Follow and filter topics (never joins a group unless --group)'
complete -c evbus -n "__fish_evbus_using_subcommand help; and not __fish_seen_subcommand_from topics schemas produce tail lag groups dlq health serve alerts dev config completions help" -f -a "lag" -d 'Consumer-group lag per partition, in offsets and in time, totals, and a status verdict'
complete -c evbus -n "__fish_evbus_using_subcommand help; and not __fish_seen_subcommand_from topics schemas produce tail lag groups dlq health serve alerts dev config completions help" -f -a "groups" -d 'Consumer groups: list, describe, reset offsets, delete'
complete -c evbus -n "__fish_evbus_using_subcommand help; and not __fish_seen_subcommand_from topics schemas produce tail lag groups dlq health serve alerts dev config completions help" -f -a "dlq" -d 'Dead-letter queues: inspect what failed and replay it safely'
complete -c evbus -n "__fish_evbus_using_subcommand help; and not __fish_seen_subcommand_from topics schemas produce tail lag groups dlq health serve alerts dev config completions help" -f -a "health" -d 'Is the event platform OK? Checks with exit codes for CI and healthchecks'
complete -c evbus -n "__fish_evbus_using_subcommand help; and not __fish_seen_subcommand_from topics schemas produce tail lag groups dlq health serve alerts dev config completions help" -f -a "serve" -d 'Serve health endpoints and Prometheus metrics (lag, offsets, verdicts, partitions) over HTTP'
complete -c evbus -n "__fish_evbus_using_subcommand help; and not __fish_seen_subcommand_from topics schemas produce tail lag groups dlq health serve alerts dev config completions help" -f -a "alerts" -d 'Print Prometheus alerting rules generated from topics.yaml, for the metrics of `evbus serve`'
complete -c evbus -n "__fish_evbus_using_subcommand help; and not __fish_seen_subcommand_from topics schemas produce tail lag groups dlq health serve alerts dev config completions help" -f -a "dev" -d 'Local development broker, or a cluster for failure drills (Apache Kafka, else nisshi)'
complete -c evbus -n "__fish_evbus_using_subcommand help; and not __fish_seen_subcommand_from topics schemas produce tail lag groups dlq health serve alerts dev config completions help" -f -a "config" -d 'Contexts (named broker profiles) from evbus.yaml'
complete -c evbus -n "__fish_evbus_using_subcommand help; and not __fish_seen_subcommand_from topics schemas produce tail lag groups dlq health serve alerts dev config completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c evbus -n "__fish_evbus_using_subcommand help; and not __fish_seen_subcommand_from topics schemas produce tail lag groups dlq health serve alerts dev config completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from topics" -f -a "validate" -d 'Check topics.yaml without contacting a broker'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from topics" -f -a "plan" -d 'Show what `apply` would change on the cluster'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from topics" -f -a "apply" -d 'Apply topics.yaml to the cluster (asks first on a terminal; --yes otherwise)'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from topics" -f -a "list" -d 'List topics with partitions, replication and offset spans (high - low watermark)'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from topics" -f -a "describe" -d 'Partitions (leader, replicas, ISR, watermarks) and configs with their sources'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from topics" -f -a "export" -d 'Write a topics.yaml from a running cluster (topics, configs, consumer groups)'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from topics" -f -a "partition-for" -d 'Which partition each key lands on (Kafka\'s default partitioner: murmur2, as in Java)'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from schemas" -f -a "list" -d 'Schemas in the schema directory and the topics using them'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from schemas" -f -a "validate" -d 'Every schema compiles, every $ref resolves, every manifest topic has its schema'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from schemas" -f -a "sample" -d 'Print sample events as JSON lines (no broker needed)'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from groups" -f -a "list" -d 'Every group with its type, state, members, topics and total lag'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from groups" -f -a "describe" -d 'Members and their assignments; per partition: committed offset, log end, lag, time lag, owner'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from groups" -f -a "reset" -d 'Move a group\'s committed offsets: prints the plan, asks (or needs --yes), then commits it'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from groups" -f -a "delete" -d 'Delete a group, or only its committed offsets on some topics (asks, or needs --yes)'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "inspect" -d 'Summarise a dead-letter topic: where records came from and why they failed (read-only)'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from dlq" -f -a "replay" -d 'Republish dead-letter records to their original topics, resuming where the last run stopped'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from dev" -f -a "up" -d 'Start a local broker (Apache Kafka, else nisshi) on 127.0.0.1 with durable storage under .evbus/dev/'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from dev" -f -a "down" -d 'Stop the local broker (SIGTERM, then SIGKILL after 30s for Kafka, 5s for nisshi); data is kept'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from dev" -f -a "status" -d 'Is the local broker running, and which one? Exit 0 running, 1 stopped, 4 running but not answering'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from dev" -f -a "stop-broker" -d 'Stop one node of a `dev up --brokers N` cluster (SIGTERM: Kafka\'s controlled shutdown), for a failure drill'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from dev" -f -a "start-broker" -d 'Start one stopped node of a `dev up --brokers N` cluster again, on its data and ports'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "list" -d 'Contexts in the config file (the active one marked with *)'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "use" -d 'Make a context the default (sets `current:` in the config file, comments kept)'
complete -c evbus -n "__fish_evbus_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'The effective configuration and where each value comes from (secrets redacted)'
