//! The records `dlq inspect --records` lists, kept in an anonymous temporary file while the topic
//! is read and written out after the summary they follow, one at a time.
//!
//! Why: the summary (counts per original topic × error) needs the whole topic read before it can
//! be printed, and the listed records come after it in the output. Holding them in memory cost
//! ~6 KB each (issue 26: a million dead letters took 6 GB); on disk, rendered, memory stays flat
//! in their number and the output is byte for byte what it was.

use std::cell::RefCell;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Seek, Write};

use anyhow::{Context, Result};
use serde::de::DeserializeOwned;
use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};

/// Rendered items, one JSON line each, in the order they were pushed.
pub(super) struct Spool {
    file: BufWriter<File>,
    len: u64,
}

impl Spool {
    pub(super) fn new() -> Result<Self> {
        let file = tempfile::tempfile().context("cannot create a temporary file for the listed records")?;
        Ok(Self { file: BufWriter::new(file), len: 0 })
    }

    pub(super) fn push(&mut self, item: &impl Serialize) -> Result<()> {
        serde_json::to_writer(&mut self.file, item).context("cannot write the listed records' temporary file")?;
        self.file.write_all(b"\n").context("cannot write the listed records' temporary file")?;
        self.len += 1;
        Ok(())
    }

    pub(super) fn len(&self) -> u64 {
        self.len
    }

    /// The items pushed, from the first.
    pub(super) fn into_items(self) -> Result<Items> {
        let mut file = self.file.into_inner().map_err(|e| e.into_error()).context("cannot write the listed records")?;
        file.rewind().context("cannot read back the listed records")?;
        Ok(Items { reader: BufReader::new(file), line: String::new(), len: self.len })
    }
}

/// Reads a [`Spool`] back, one item at a time.
pub(super) struct Items {
    reader: BufReader<File>,
    line: String,
    len: u64,
}

impl Items {
    pub(super) fn next<T: DeserializeOwned>(&mut self) -> Result<Option<T>> {
        self.line.clear();
        if self.reader.read_line(&mut self.line).context("cannot read back the listed records")? == 0 {
            return Ok(None);
        }
        Ok(Some(serde_json::from_str(&self.line).context("the listed records' temporary file is damaged")?))
    }
}

/// Serialises as a JSON array of the spooled items, read one at a time while it is written.
/// Serialising consumes the items (a second attempt writes an empty array).
pub(super) struct AsArray(RefCell<Option<Items>>);

impl AsArray {
    pub(super) fn new(items: Items) -> Self {
        Self(RefCell::new(Some(items)))
    }
}

impl Serialize for AsArray {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let items = self.0.borrow_mut().take();
        let mut seq = s.serialize_seq(Some(items.as_ref().map_or(0, |i| i.len as usize)))?;
        if let Some(mut items) = items {
            while let Some(v) = items.next::<serde_json::Value>().map_err(|e| S::Error::custom(format!("{e:#}")))? {
                seq.serialize_element(&v)?;
            }
        }
        seq.end()
    }
}
