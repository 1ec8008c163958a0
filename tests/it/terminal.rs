//! What a person at a terminal sees, through a real pty (util-linux `script`): prompts show the
//! plan first, "no" changes nothing and exits 0, Ctrl-C at a prompt gives the cursor back, and
//! coloured tables line up.

use std::process::{Command, Stdio};

use crate::common::*;

/// Run `evbus ARGS` on a pty of 200 columns, typing `input` once the terminal shows `wait_for`
/// (at once when it is empty); returns the exit code and everything the terminal showed.
///
/// Waiting for the text, not for a time: on a loaded machine a fixed delay types before the
/// prompt asks, or after it gave up. `env --default-signal=INT` gives evbus the default Ctrl-C
/// whatever this test process inherited: a suite started as a background job (`cmd &`, CI
/// runners, nohup) ignores SIGINT, and an ignored SIGINT is passed on through `script` and the
/// shell to evbus, where a typed ^C would then do nothing.
fn on_pty(b: &Broker, args: &str, input: &[u8], wait_for: &str) -> (Option<i32>, String) {
    use std::io::{Read as _, Write as _};
    let bin = assert_cmd::cargo::cargo_bin("evbus");
    let cmd = format!(
        "stty cols 200 rows 50; exec env --default-signal=INT XDG_CONFIG_HOME=/nonexistent-evbus-test {} -b {} {args}",
        bin.display(),
        b.bootstrap
    );
    let mut child = Command::new("script")
        .current_dir(b.dir.path())
        .args(["-qec", &cmd, "/dev/null"])
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` is needed for the pty tests");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (seen_tx, seen_rx) = std::sync::mpsc::channel::<()>();
    let wait_for = wait_for.to_string();
    let reader = std::thread::spawn(move || {
        let mut screen = Vec::new();
        let mut buf = [0u8; 4096];
        let mut told = wait_for.is_empty();
        if told {
            let _ = seen_tx.send(());
        }
        while let Ok(n @ 1..) = stdout.read(&mut buf) {
            screen.extend_from_slice(&buf[..n]);
            if !told && String::from_utf8_lossy(&screen).contains(&wait_for) {
                told = true;
                let _ = seen_tx.send(());
            }
        }
        String::from_utf8_lossy(&screen).into_owned()
    });
    // Typed once the text is on the screen; never, if the program ends without showing it (the
    // assertions then see the screen it left).
    if seen_rx.recv().is_ok() {
        let _ = stdin.write_all(input);
        let _ = stdin.flush();
    }
    let status = child.wait().unwrap();
    drop(stdin);
    let screen = reader.join().unwrap();
    (status.code(), screen)
}

fn strip_ansi(s: &str) -> String {
    let re = regex::Regex::new(r"\x1b\[[0-9;?]*[A-Za-z]").unwrap();
    re.replace_all(s, "").replace('\r', "")
}

#[test]
fn no_at_the_prompt_changes_nothing_exits_0_and_the_plan_came_first() {
    let b = Broker::start();
    let t = b.unique("pty.prompt");
    write_topics_yaml(&b, &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 1\n"));
    // -o json: stdout is for data, so the plan goes to stderr, still before the question.
    let (code, screen) = on_pty(&b, "topics apply -o json", b"n\n", "[y/N] ");
    let text = strip_ansi(&screen);
    assert_eq!(code, Some(0), "{text}");
    let plan_at = text.find("Plan: 1 to create").unwrap_or_else(|| panic!("no plan shown:\n{text}"));
    let ask_at = text.find("Apply 1 change?").unwrap_or_else(|| panic!("no prompt:\n{text}"));
    assert!(plan_at < ask_at, "the plan comes before the prompt:\n{text}");
    assert!(text.contains("Nothing changed."), "{text}");
    assert!(!b.topic_names().contains(&t));
}

#[test]
fn ctrl_c_at_the_prompt_leaves_the_cursor_visible_and_exits_130() {
    let b = Broker::start();
    let t = b.unique("pty.ctrlc");
    write_topics_yaml(&b, &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 1\n"));
    let (code, screen) = on_pty(&b, "topics apply", b"\x03", "[y/N] ");
    assert_eq!(code, Some(130), "{}", strip_ansi(&screen));
    let hidden = screen.rfind("\x1b[?25l");
    let shown = screen.rfind("\x1b[?25h");
    assert!(hidden.is_none() || shown > hidden, "the cursor must not be left hidden:\n{screen:?}");
    assert!(!b.topic_names().contains(&t));
}

#[test]
fn a_refusal_without_a_terminal_still_shows_the_plan() {
    let b = Broker::start();
    let t = b.unique("notty.refusal");
    write_topics_yaml(&b, &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 1\n"));
    let out = b.evbus().args(["topics", "apply", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Plan: 1 to create") && err.contains(&t), "{err}");
    assert!(err.contains("refusing without --yes"), "{err}");
}

#[test]
fn coloured_tables_line_up_on_a_terminal() {
    let b = Broker::start();
    let t = b.unique("pty.table");
    write_topics_yaml(&b, &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 1\n"));
    for args in ["topics plan", "health --color always"] {
        let (_, screen) = on_pty(&b, args, b"", "");
        assert!(screen.contains("\x1b["), "{args}: expected colours on a terminal:\n{screen:?}");
        let text = strip_ansi(&screen);
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with(['│', '┌', '├', '└', '╞'])).collect();
        assert!(rows.len() >= 3, "{args}: no table:\n{text}");
        let width = rows[0].chars().count();
        for r in &rows {
            assert_eq!(r.chars().count(), width, "{args}: misaligned row:\n{r}\nin\n{text}");
        }
    }
}
