//! `evbus topics partition-for`: which partition each key lands on with Kafka's default
//! partitioner, over the topic's partition count from the broker or from `--partitions`.

use std::sync::Arc;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::app::App;
use crate::cli::PartitionForArgs;
use crate::exit::{Exit, Outcome};
use crate::kafka::lag::partition_ids;
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;
use crate::topics::partitioner::{parse_hex_key, partition_for_key};

#[derive(Serialize)]
struct Row<'a> {
    key: &'a str,
    partition: i32,
}

pub(super) async fn partition_for(app: &App, a: PartitionForArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    // Bad keys are a usage error before any broker is asked.
    let keys: Vec<Vec<u8>> = if a.key_hex {
        a.keys
            .iter()
            .map(|k| parse_hex_key(k).map_err(|e| Exit::usage(format!("--key-hex {}: {e}", for_terminal(k)))))
            .collect::<Result<_, _>>()?
    } else {
        a.keys.iter().map(|k| k.as_bytes().to_vec()).collect()
    };
    let partitions = match a.partitions {
        Some(n) => n,
        None => {
            app.settings.log_effective();
            let admin = Arc::new(app.settings.admin()?);
            let md = admin.metadata(Some(&a.topic)).await?;
            let n = partition_ids(&md, &a.topic).len();
            if n == 0 {
                bail!(
                    "topic '{}' does not exist on {} (--partitions N answers without a broker)",
                    for_terminal(&a.topic),
                    app.settings.brokers
                );
            }
            i32::try_from(n)?
        }
    };
    let rows: Vec<Row> =
        a.keys.iter().zip(&keys).map(|(k, b)| Row { key: k, partition: partition_for_key(b, partitions) }).collect();
    match mode {
        Mode::Json => app.ui.json(&rows)?,
        Mode::Table => {
            let mut t = app.ui.table();
            t.set_header(vec!["key", "partition"]);
            for r in &rows {
                t.add_row(vec![for_terminal(r.key).into_owned(), r.partition.to_string()]);
            }
            app.ui.out(&t.to_string())?;
        }
    }
    Ok(Outcome::Ok)
}
