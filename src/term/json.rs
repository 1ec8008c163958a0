//! JSON values as output lines: escaped for a terminal (control and bidi characters inside
//! strings as `\uXXXX`), byte-exact for a pipe. For commands that stream one document per line
//! (`schemas sample`, `produce --dry-run`) rather than print one document through the `Ui`.

use std::io::Write;

use anyhow::Result;

use super::sanitize::json_for_terminal;

/// One value as a JSON line.
pub fn write_json_line(out: &mut impl Write, v: &serde_json::Value, terminal: bool) -> Result<()> {
    if terminal {
        let text = serde_json::to_string(v)?;
        out.write_all(json_for_terminal(&text).as_bytes())?;
    } else {
        serde_json::to_writer(&mut *out, v)?;
    }
    out.write_all(b"\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pipe_gets_the_exact_bytes_and_a_terminal_gets_escapes() {
        let v = serde_json::json!({"s": "a\u{202e}b"});
        let mut pipe = Vec::new();
        write_json_line(&mut pipe, &v, false).unwrap();
        assert_eq!(pipe, "{\"s\":\"a\u{202e}b\"}\n".as_bytes());
        let mut tty = Vec::new();
        write_json_line(&mut tty, &v, true).unwrap();
        let text = String::from_utf8(tty).unwrap();
        assert!(text.ends_with('\n') && !text.contains('\u{202e}'), "{text:?}");
    }
}
