//! Size limits on what evbus reads whole into memory, and the reads that keep to them.
//!
//! Every file evbus holds whole (the config file, the manifest, schemas, secret files, a reset
//! plan) and every stream it buffers (`produce --input -`, a pipe, a device) is bounded: without a
//! limit, `EVBUS_CONFIG=/dev/zero` or `--input /dev/urandom` grows until the machine runs out of
//! memory. A regular file's size is checked before anything is read; a pipe, a FIFO or a device
//! (whose size says nothing) is read up to the limit and refused past it. The message names the
//! limit and the environment variable that raises it, so a legitimately large input is one
//! setting away.
//!
//! Environment variables rather than flags: the limits apply before and outside any one command
//! (the config file is read before the command runs), and a pipeline that needs more sets the
//! variable once. A regular `produce --input` file is memory-mapped, not read, so only buffered
//! input counts against [`INPUT`].
//!
//! A named pipe (FIFO) is opened without waiting for a writer ([`open`]): a plain open blocks
//! until something opens the other end, forever if nothing does. Process substitution
//! (`-f <(make-manifest)`) has its writer from the start; a FIFO nobody writes to is refused
//! after [`FIFO_WAIT`].

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// One limit: its default, and the environment variable that replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The environment variable that sets it (a size like `64MiB` or a number of bytes).
    pub env: &'static str,
    /// The limit when the variable is unset.
    pub default: u64,
    /// What it applies to, for messages (`config, manifest, schema and secret files`).
    pub what: &'static str,
}

/// Files evbus reads whole as configuration: the config file, secret files, manifests, schemas
/// and reset plans. A manifest of ten thousand topics is about 2 MiB.
pub const FILES: Limit =
    Limit { env: "EVBUS_MAX_FILE_SIZE", default: 16 << 20, what: "config, manifest, schema and secret files" };

/// Buffered `produce --input`: stdin, pipes, FIFOs and devices (a regular file is mapped).
pub const INPUT: Limit =
    Limit { env: "EVBUS_MAX_INPUT_SIZE", default: 1 << 30, what: "`produce --input` from stdin, a pipe or a device" };

impl Limit {
    /// The limit in effect: the environment variable's size, else the default. A value that is
    /// not a size is an error naming the variable (silently falling back would hide the typo).
    pub fn bytes(&self) -> Result<u64, ReadError> {
        match std::env::var(self.env) {
            Err(_) => Ok(self.default),
            Ok(v) if v.trim().is_empty() => Ok(self.default),
            Ok(v) => parse_size::Config::new()
                .with_binary()
                .parse_size(v.trim())
                .ok()
                .filter(|b| *b > 0)
                .ok_or(ReadError::BadLimit { env: self.env, value: v }),
        }
    }
}

/// How long [`open`] waits for a named pipe's writer to write (or close).
pub const FIFO_WAIT: Duration = Duration::from_secs(10);

/// Why a bounded read failed.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// It is a directory.
    Directory,
    /// A named pipe that nothing wrote to (nor closed) within [`FIFO_WAIT`].
    QuietFifo,
    /// More bytes than the limit allows. `size` is the file's size when it is a regular file
    /// (checked before reading), `None` for a stream that went past the limit.
    TooLarge {
        /// The limit broken.
        limit: Limit,
        /// The limit's value in bytes.
        bytes: u64,
        /// A regular file's size; `None` for a pipe or device.
        size: Option<u64>,
    },
    /// The limit's environment variable does not hold a size.
    BadLimit {
        /// The variable.
        env: &'static str,
        /// Its value.
        value: String,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::Directory => f.write_str("it is a directory"),
            ReadError::QuietFifo => {
                write!(f, "it is a named pipe (FIFO) and nothing was written to it within {} s", FIFO_WAIT.as_secs())
            }
            ReadError::TooLarge { limit, bytes, size } => {
                match size {
                    Some(s) => write!(f, "it is {}, over", human(*s))?,
                    None => f.write_str("it is not a regular file and gave more than")?,
                }
                let (env, more) = (limit.env, human(bytes.saturating_mul(4)).replace(' ', ""));
                write!(f, " the {} limit for {} (set {env} to raise it, e.g. {env}={more})", human(*bytes), limit.what)
            }
            ReadError::BadLimit { env, value } => {
                write!(f, "{env}={value:?} is not a size (write it like 64MiB, 2GiB or a number of bytes)")
            }
        }
    }
}

impl std::error::Error for ReadError {}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> ReadError {
        ReadError::Io(e)
    }
}

/// A size for messages: `16 MiB`, `1 GiB`, `512 B`.
fn human(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            return if bytes.is_multiple_of(size) {
                format!("{} {unit}", bytes / size)
            } else {
                format!("{:.1} {unit}", bytes as f64 / size as f64)
            };
        }
    }
    format!("{bytes} B")
}

/// Opens `path` for reading without blocking on a named pipe: the open itself never waits for a
/// writer, and a FIFO is handed back once something was written to it or its writer closed it,
/// or refused after [`FIFO_WAIT`]. Reads from the file block as usual.
pub fn open(path: &Path) -> Result<File, ReadError> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(path, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, Mode::empty())
        .map_err(std::io::Error::from)?;
    if rustix::fs::fstat(&fd).map(|st| rustix::fs::FileType::from_raw_mode(st.st_mode)).map_err(std::io::Error::from)?
        == rustix::fs::FileType::Fifo
    {
        let wait = Timespec { tv_sec: FIFO_WAIT.as_secs() as _, tv_nsec: 0 };
        let mut fds = [PollFd::new(&fd, PollFlags::IN)];
        loop {
            match poll(&mut fds, Some(&wait)) {
                Ok(0) => return Err(ReadError::QuietFifo),
                Ok(_) => break,
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(std::io::Error::from(e).into()),
            }
        }
    }
    // Blocking reads from here on (a writer that is slow to write is waited for, as stdin is).
    let flags = rustix::fs::fcntl_getfl(&fd).map_err(std::io::Error::from)?;
    rustix::fs::fcntl_setfl(&fd, flags - OFlags::NONBLOCK).map_err(std::io::Error::from)?;
    Ok(File::from(fd))
}

/// Reads the file at `path` whole, within `limit`: a regular file's size is checked first, any
/// other file (FIFO, device, `/proc` entry) is read up to the limit.
pub fn read(path: &Path, limit: Limit) -> Result<Vec<u8>, ReadError> {
    let bytes = limit.bytes()?;
    let file = open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(ReadError::Directory);
    }
    if meta.is_file() && meta.len() > bytes {
        return Err(ReadError::TooLarge { limit, bytes, size: Some(meta.len()) });
    }
    // A regular file may still grow while it is read, and /proc files say 0: the cap holds anyway.
    let capacity = if meta.is_file() { meta.len() } else { 0 };
    read_stream(file, limit, bytes, capacity)
}

/// [`read`] as UTF-8 text; invalid UTF-8 is an `InvalidData` error.
pub fn read_to_string(path: &Path, limit: Limit) -> Result<String, ReadError> {
    let data = read(path, limit)?;
    String::from_utf8(data).map_err(|_| {
        ReadError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, "stream did not contain valid UTF-8"))
    })
}

/// Reads `from` to its end within `limit` (stdin, a pipe).
pub fn read_all(from: impl Read, limit: Limit) -> Result<Vec<u8>, ReadError> {
    let bytes = limit.bytes()?;
    read_stream(from, limit, bytes, 0)
}

/// Reads `from` to its end into one buffer of at most `bytes`.
///
/// The whole limit is reserved up front when the size is unknown: address space only, as the
/// allocator maps large blocks lazily, so memory grows with what is read and never past the limit.
/// Growing by doubling instead held the old and the new buffer at once (1 GiB read, 1.6 GiB
/// resident), and std's own growth overshot to twice the limit. Where the reservation is refused
/// (strict overcommit), the buffer doubles, still never past the limit.
fn read_stream(mut from: impl Read, limit: Limit, bytes: u64, capacity: u64) -> Result<Vec<u8>, ReadError> {
    let cap = usize::try_from(bytes).unwrap_or(usize::MAX);
    let mut buf = Vec::new();
    let known = usize::try_from(capacity).unwrap_or(0).min(cap);
    if known > 0 || buf.try_reserve_exact(cap).is_err() {
        buf.reserve_exact(known.max(8 << 10).min(cap));
    }
    loop {
        let room = buf.capacity().min(cap) - buf.len();
        // Within the room already reserved, so `read_to_end` never grows the buffer itself.
        let n = (&mut from).take(room as u64).read_to_end(&mut buf)?;
        if n < room {
            return Ok(buf);
        }
        if buf.len() >= cap {
            // Exactly at the limit is fine; one byte more is not.
            let mut probe = [0u8; 1];
            return match from.read(&mut probe) {
                Ok(0) => Ok(buf),
                Ok(_) => Err(ReadError::TooLarge { limit, bytes, size: None }),
                Err(e) => Err(e.into()),
            };
        }
        let want = buf.len().saturating_mul(2).max(8 << 10).min(cap);
        buf.reserve_exact(want - buf.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Limit = Limit { env: "EVBUS_TEST_UNSET_LIMIT_VAR", default: 1000, what: "test files" };

    #[test]
    fn a_device_is_read_up_to_the_limit_and_refused() {
        let e = read(Path::new("/dev/zero"), SMALL).unwrap_err();
        let text = e.to_string();
        assert!(matches!(e, ReadError::TooLarge { size: None, .. }), "{text}");
        assert!(text.contains("1000 B limit for test files"), "{text}");
        assert!(text.contains("set EVBUS_TEST_UNSET_LIMIT_VAR to raise it"), "{text}");
    }

    #[test]
    fn a_fifo_without_a_writer_is_refused_without_blocking_and_one_with_a_writer_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fifo");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &p,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
            0,
        )
        .unwrap();
        let start = std::time::Instant::now();
        let e = read(&p, SMALL).unwrap_err();
        assert!(matches!(e, ReadError::QuietFifo), "{e}");
        assert!(e.to_string().contains("named pipe (FIFO) and nothing was written to it within 10 s"), "{e}");
        assert!(start.elapsed() < FIFO_WAIT + Duration::from_secs(5));
        // Process substitution: the writer is there (it blocks in its own open until the reader
        // comes).
        let writer = {
            let p = p.clone();
            std::thread::spawn(move || std::fs::write(&p, b"version: 1\n").unwrap())
        };
        assert_eq!(read(&p, SMALL).unwrap(), b"version: 1\n");
        writer.join().unwrap();
    }

    #[test]
    fn a_regular_file_is_refused_by_its_size_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.yaml");
        std::fs::write(&p, vec![b'#'; 1001]).unwrap();
        let e = read(&p, SMALL).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge { size: Some(1001), .. }), "{e}");
        assert!(e.to_string().starts_with("it is 1001 B, over the 1000 B limit"), "{e}");
        std::fs::write(&p, vec![b'#'; 1000]).unwrap();
        assert_eq!(read(&p, SMALL).unwrap().len(), 1000, "exactly the limit is fine");
    }

    #[test]
    fn streams_are_capped() {
        assert_eq!(read_all(&b"abc"[..], SMALL).unwrap(), b"abc");
        assert!(matches!(read_all(std::io::repeat(b'x'), SMALL), Err(ReadError::TooLarge { size: None, .. })));
    }

    #[test]
    fn a_stream_never_holds_more_than_the_limit() {
        let limit = Limit { env: "EVBUS_TEST_UNSET_LIMIT_VAR", default: 100_000, what: "test input" };
        let data = vec![b'x'; 100_000];
        let read = read_all(&data[..], limit).unwrap();
        assert_eq!(read.len(), 100_000, "exactly the limit");
        assert!(read.capacity() <= 100_000, "capacity {} past the limit", read.capacity());
        let e = read_all(std::io::repeat(b'x').take(100_001), limit).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge { bytes: 100_000, size: None, .. }), "{e}");
    }

    #[test]
    fn directories_are_named() {
        assert!(matches!(read(Path::new("/"), SMALL), Err(ReadError::Directory)));
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human(16 << 20), "16 MiB");
        assert_eq!(human(1 << 30), "1 GiB");
        assert_eq!(human(1536), "1.5 KiB");
        assert_eq!(human(3), "3 B");
        let e = ReadError::TooLarge { limit: FILES, bytes: 16 << 20, size: None }.to_string();
        assert!(e.contains("(set EVBUS_MAX_FILE_SIZE to raise it, e.g. EVBUS_MAX_FILE_SIZE=64MiB)"), "{e}");
    }
}
