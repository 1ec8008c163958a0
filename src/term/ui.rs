//! Terminal-facing output policy: which format, whether to colour, where things go.
//!
//! Data goes to stdout; logs, summaries, progress bars and prompts go to stderr. Progress bars
//! and prompts only appear on a terminal, so scripts never block on a question they cannot see.

use std::io::{IsTerminal, Write};

use anyhow::{Result, bail};
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use indicatif::{ProgressBar, ProgressStyle};

use crate::exit::Exit;

/// The output format asked for (`-o`); `Auto` is decided per command from the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Table on a terminal, JSON when piped.
    Auto,
    /// Tables for humans; record streams print as pretty.
    Table,
    /// JSON lines for record streams.
    Json,
    /// Records only: header line, headers and indented value.
    Pretty,
    /// Records only: value bytes followed by a newline.
    Raw,
}

/// When to colour (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Colour even when not on a terminal.
    Always,
    /// Never colour.
    Never,
}

/// What the user asked for; [`Ui::new`] adds what the terminals and the environment say.
#[derive(Debug, Clone, Copy)]
pub struct UiOptions {
    /// `-o`: the output format asked for.
    pub format: OutputFormat,
    /// `--color`.
    pub color: ColorChoice,
    /// `--quiet`: no status lines or progress bars.
    pub quiet: bool,
    /// `-v` count: more messages on stderr.
    pub verbose: u8,
}

/// The resolved output format for tabular commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A table for humans.
    Table,
    /// JSON: pretty on a terminal, one line per document when piped.
    Json,
}

/// How this run prints: the user's options resolved against the terminals and NO_COLOR.
#[derive(Debug, Clone)]
pub struct Ui {
    /// The output format asked for (`Auto` still undecided; see [`Ui::mode`]).
    pub format: OutputFormat,
    /// Whether to colour stdout.
    pub color: bool,
    /// Whether to colour stderr.
    pub color_stderr: bool,
    /// `--quiet`: no status lines or progress bars.
    pub quiet: bool,
    /// `-v` count: more messages on stderr.
    pub verbose: u8,
    /// Whether stdout is a terminal (tables and pretty JSON, else machine-readable output).
    pub stdout_tty: bool,
    /// Whether stderr is a terminal (progress bars and prompts only then).
    pub stderr_tty: bool,
    /// Whether stdin is a terminal (destructive commands can ask for confirmation).
    pub stdin_tty: bool,
}

fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

impl Ui {
    /// Resolves the options against the terminals and NO_COLOR.
    pub fn new(g: UiOptions) -> Ui {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let decide = |tty: bool| match g.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color_env(),
        };
        Ui {
            format: g.format,
            color: decide(stdout_tty),
            color_stderr: decide(stderr_tty),
            quiet: g.quiet,
            verbose: g.verbose,
            stdout_tty,
            stderr_tty,
            stdin_tty: std::io::stdin().is_terminal(),
        }
    }

    /// Table or JSON, for commands that print tables; record formats are a usage error here.
    pub fn mode(&self) -> Result<Mode> {
        match self.format {
            OutputFormat::Table => Ok(Mode::Table),
            OutputFormat::Json => Ok(Mode::Json),
            OutputFormat::Auto => Ok(if self.stdout_tty { Mode::Table } else { Mode::Json }),
            other => Err(Exit::usage(format!(
                "-o {} is only for record streams (tail); use auto, table or json here",
                format!("{other:?}").to_lowercase()
            ))),
        }
    }

    /// Write data to stdout. Errors (a closed pipe included) are returned, never panicked on.
    pub fn out(&self, text: &str) -> Result<()> {
        let mut so = std::io::stdout().lock();
        so.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            so.write_all(b"\n")?;
        }
        so.flush()?;
        Ok(())
    }

    /// What becomes of writing a result (`written`) after the command already changed something:
    /// records stored, offsets reset, topics changed. A closed pipe stays quiet, as everywhere
    /// (`| head` is no failure). Any other failure (a full disk) is exit
    /// [`APPLIED_NO_OUTPUT`](crate::exit::APPLIED_NO_OUTPUT) with `applied` (what was done, with
    /// its counts) on stderr, never the plain error after which a script retries and applies it
    /// twice.
    pub fn applied_output(&self, written: Result<()>, applied: impl FnOnce() -> String) -> Result<()> {
        match written {
            Ok(()) => Ok(()),
            Err(e) if crate::exit::is_broken_pipe(&e) => Ok(()),
            Err(e) => Err(Exit::applied_no_output(format!(
                "applied, but the output could not be written ({e:#}): {}; do not run it again for this, it \
                 would be applied twice",
                applied()
            ))),
        }
    }

    /// Writes `value` as JSON to stdout: pretty on a terminal, one line when piped.
    pub fn json<T: serde::Serialize>(&self, value: &T) -> Result<()> {
        self.out(&json_text(value, self.stdout_tty)?)
    }

    /// [`json`](Self::json) for a document too large to hold as text (one that reads its parts
    /// as it is written): serialised straight to stdout, the same bytes `json` writes.
    pub fn json_streamed<T: serde::Serialize>(&self, value: &T) -> Result<()> {
        let so = std::io::stdout().lock();
        if self.stdout_tty {
            let mut w = TerminalLines { out: so, line: Vec::new() };
            serde_json::to_writer_pretty(&mut w, value).map_err(std::io::Error::from)?;
            w.write_all(b"\n")?;
            w.flush()?;
        } else {
            let mut w = std::io::BufWriter::with_capacity(1 << 16, so);
            serde_json::to_writer(&mut w, value).map_err(std::io::Error::from)?;
            w.write_all(b"\n")?;
            w.flush()?;
        }
        Ok(())
    }

    /// A status line on stderr, unless --quiet.
    ///
    /// Callers escape the untrusted parts themselves: some summaries carry colour of their own.
    pub fn info(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", crate::term::redact::redact_text(msg.as_ref()));
        }
    }

    /// A warning on stderr (even with --quiet: it concerns correctness). Warnings quote topic
    /// names, dead letters and broker errors, so the whole message is escaped.
    pub fn warn(&self, msg: impl AsRef<str>) {
        let m = crate::term::redact::redact_text(msg.as_ref());
        let m = crate::term::sanitize::for_terminal_multiline(&m);
        if self.color_stderr {
            eprintln!("\x1b[33mevbus: warning:\x1b[0m {m}");
        } else {
            eprintln!("evbus: warning: {m}");
        }
    }

    /// Debug log on stderr with -v.
    pub fn debug(&self, msg: impl AsRef<str>) {
        if self.verbose > 0 {
            eprintln!(
                "evbus: {}",
                crate::term::sanitize::for_terminal_multiline(&crate::term::redact::redact_text(msg.as_ref()))
            );
        }
    }

    /// What a lower layer gathered on the way instead of printing it (a lag snapshot's
    /// `debug` and `warnings`): the debug lines with -v, then the warnings.
    pub fn notes(&self, debug: &[String], warnings: &[String]) {
        for d in debug {
            self.debug(d);
        }
        for w in warnings {
            self.warn(w);
        }
    }

    /// A table in evbus's style, plain when colour is off.
    pub fn table(&self) -> Table {
        let mut t = Table::new();
        t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
        if !self.color {
            t.force_no_tty();
        }
        t
    }

    /// A progress bar on stderr, hidden unless stderr is a terminal.
    pub fn progress(&self, len: u64, what: &str) -> ProgressBar {
        if !self.stderr_tty || self.quiet {
            return ProgressBar::hidden();
        }
        let pb = ProgressBar::new(len);
        pb.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} ({rate}, eta {eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                // A whole number of events a second ("19936/s"), not "19,935.9605/s".
                .with_key("rate", |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.0}/s", s.per_sec());
                })
                .progress_chars("=> "),
        );
        pb.set_message(what.to_string());
        pb
    }

    /// Ask before a destructive action. Without a terminal, `--yes` is required.
    pub fn confirm(&self, question: &str, yes: bool) -> Result<bool> {
        if yes {
            return Ok(true);
        }
        if !(self.stdin_tty && self.stderr_tty) {
            bail!(Exit::usage(format!("{question} -- refusing without --yes because there is no terminal to ask on")));
        }
        // A plain line in the terminal's cooked mode, not a raw-mode key reader: Ctrl-C then is
        // the usual SIGINT (exit 130, nothing changed) and never leaves the cursor hidden, which
        // a raw-mode prompt killed by the signal did.
        use std::io::Write as _;
        let mut err = std::io::stderr().lock();
        write!(err, "{question} [y/N] ")?;
        err.flush()?;
        drop(err);
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
    }

    /// Wraps `text` in the ANSI colour code `ansi` (e.g. `31` for red) when stdout is coloured.
    pub fn paint(&self, text: &str, ansi: &str) -> String {
        if self.color { format!("\x1b[{ansi}m{text}\x1b[0m") } else { text.to_string() }
    }
}

/// A JSON document as printed: pretty and escaped for a terminal (control and bidi characters
/// inside strings as `\uXXXX`, see [`crate::term::sanitize::json_for_terminal`]), compact and
/// byte-exact for a pipe.
pub fn json_text<T: serde::Serialize>(value: &T, terminal: bool) -> Result<String> {
    Ok(if terminal {
        crate::term::sanitize::json_for_terminal(&serde_json::to_string_pretty(value)?).into_owned()
    } else {
        serde_json::to_string(value)?
    })
}

/// Pretty JSON on its way to a terminal, escaped a line at a time as [`json_text`] escapes the
/// whole (the escaping is per character, and JSON text never breaks a line inside a string).
struct TerminalLines<W: Write> {
    out: W,
    line: Vec<u8>,
}

impl<W: Write> TerminalLines<W> {
    fn emit(&mut self) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(&self.line);
        self.out.write_all(crate::term::sanitize::json_for_terminal(&text).as_bytes())?;
        self.line.clear();
        Ok(())
    }
}

impl<W: Write> Write for TerminalLines<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &b in buf {
            self.line.push(b);
            if b == b'\n' {
                self.emit()?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.emit()?;
        self.out.flush()
    }
}

/// Status marks used by health and lag tables.
pub fn mark(status: &str) -> &'static str {
    match status {
        "ok" | "OK" => "✓",
        "warn" | "WARN" => "!",
        _ => "✗",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_output_after_a_change_is_its_own_exit() {
        let ui = Ui::new(UiOptions { format: OutputFormat::Json, color: ColorChoice::Never, quiet: true, verbose: 0 });
        assert!(ui.applied_output(Ok(()), || unreachable!()).is_ok());
        let pipe = anyhow::Error::new(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(ui.applied_output(Err(pipe), || "x".into()).is_ok(), "a closed pipe stays quiet");
        let full = anyhow::Error::new(std::io::Error::from_raw_os_error(28));
        let e = ui.applied_output(Err(full), || "10 of 10 events stored in t".into()).unwrap_err();
        assert_eq!(crate::exit::code_for(&e), crate::exit::APPLIED_NO_OUTPUT);
        let text = e.to_string();
        assert!(text.starts_with("applied, but the output could not be written (No space left on device"), "{text}");
        assert!(text.contains("10 of 10 events stored in t; do not run it again"), "{text}");
    }

    #[test]
    fn json_is_escaped_on_a_terminal_and_exact_in_a_pipe() {
        let v = serde_json::json!({"topic": "invoice\u{202e}fdp.exe", "group": "g\u{85}"});
        let tty = json_text(&v, true).unwrap();
        assert!(!tty.contains('\u{202e}') && !tty.contains('\u{85}'), "{tty}");
        assert!(tty.contains("invoice\\u202efdp.exe"), "{tty}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&tty).unwrap(), v);
        let pipe = json_text(&v, false).unwrap();
        assert_eq!(pipe, serde_json::to_string(&v).unwrap());
        assert!(pipe.contains('\u{202e}'));
    }

    #[test]
    fn streamed_json_on_a_terminal_is_escaped_as_the_whole_text_is() {
        let v =
            serde_json::json!({"records": [{"key": "a\u{1b}[2J\u{202e}", "n": [1, 2]}, {"e": "\u{85}x"}], "t": "z"});
        let mut w = TerminalLines { out: Vec::new(), line: Vec::new() };
        serde_json::to_writer_pretty(&mut w, &v).unwrap();
        w.write_all(b"\n").unwrap();
        w.flush().unwrap();
        assert_eq!(String::from_utf8(w.out).unwrap(), json_text(&v, true).unwrap() + "\n");
    }
}
