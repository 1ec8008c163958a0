//! Contexts and precedence (`evbus config list|use|show`, `--context`, `EVBUS_CONTEXT`,
//! `EVBUS_BROKERS`, `-b`, `-X`), the config file locations, and redaction of secrets in what
//! `config show` prints.

use std::path::Path;

use crate::common::*;
use serde_json::Value;

const CONFIG: &str = "\
# evbus contexts for the tests
current: alpha   # the default
contexts:
  alpha:
    brokers: alpha-1:9092,alpha-2:9092
    manifest: alpha-topics.yaml
    properties:
      client.id: from-alpha
      socket.keepalive.enable: 'true'
  beta:
    brokers: beta-1:9093
  secure:
    brokers: secure-1:9094
    sasl:
      mechanism: SCRAM-SHA-512
      username: svc
      password: ${EVBUS_TEST_PW}
    properties:
      client.id: secure-client
";

fn workdir(config: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("evbus.yaml"), config).unwrap();
    d
}

fn evbus_in(dir: &Path) -> assert_cmd::Command {
    let mut c = evbus_cmd();
    c.current_dir(dir);
    c
}

fn show(cmd: &mut assert_cmd::Command) -> Value {
    let out = cmd.args(["config", "show", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    stdout_json(&out)
}

fn prop<'a>(show: &'a Value, key: &str) -> Option<(&'a str, &'a str)> {
    show["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == key)
        .map(|p| (p["value"].as_str().unwrap(), p["source"].as_str().unwrap()))
}

#[test]
fn precedence_flags_over_env_over_context_over_defaults() {
    let d = workdir(CONFIG);
    let p = d.path();

    // The file's current context.
    let s = show(&mut evbus_in(p));
    assert_eq!(s["context"], "alpha");
    assert_eq!(s["context_source"], "current");
    assert_eq!(s["brokers"], "alpha-1:9092,alpha-2:9092");
    assert_eq!(s["brokers_source"], "context");
    assert_eq!(s["manifest"], "alpha-topics.yaml");
    assert_eq!(s["manifest_source"], "context");
    assert_eq!(prop(&s, "client.id"), Some(("from-alpha", "context alpha: properties")));

    // EVBUS_CONTEXT beats the file; --context beats EVBUS_CONTEXT.
    let s = show(evbus_in(p).env("EVBUS_CONTEXT", "beta"));
    assert_eq!((s["context"].as_str(), s["context_source"].as_str()), (Some("beta"), Some("EVBUS_CONTEXT")));
    assert_eq!(s["brokers"], "beta-1:9093");
    assert_eq!(s["manifest"], "topics.yaml");
    assert_eq!(s["manifest_source"], "default");
    let s = show(evbus_in(p).env("EVBUS_CONTEXT", "beta").args(["--context", "alpha"]));
    assert_eq!((s["context"].as_str(), s["context_source"].as_str()), (Some("alpha"), Some("--context")));

    // Environment beats the context for brokers and manifest; -b beats the environment.
    let s = show(evbus_in(p).env("KAFKA_BOOTSTRAP_SERVERS", "env-kbs:1").env("EVBUS_MANIFEST", "env.yaml"));
    assert_eq!(
        (s["brokers"].as_str(), s["brokers_source"].as_str()),
        (Some("env-kbs:1"), Some("KAFKA_BOOTSTRAP_SERVERS"))
    );
    assert_eq!((s["manifest"].as_str(), s["manifest_source"].as_str()), (Some("env.yaml"), Some("EVBUS_MANIFEST")));
    let s = show(evbus_in(p).env("KAFKA_BOOTSTRAP_SERVERS", "env-kbs:1").env("EVBUS_BROKERS", "env-evbus:1"));
    assert_eq!(s["brokers_source"], "EVBUS_BROKERS", "EVBUS_BROKERS is consulted first");
    let s = show(evbus_in(p).env("EVBUS_BROKERS", "env-evbus:1").args(["-b", "flag:1"]));
    assert_eq!((s["brokers"].as_str(), s["brokers_source"].as_str()), (Some("flag:1"), Some("--brokers")));

    // -X beats the context's property of the same name; only the winning value is shown.
    let s = show(evbus_in(p).args(["-X", "client.id=from-flag"]));
    assert_eq!(prop(&s, "client.id"), Some(("from-flag", "-X")));
    assert_eq!(prop(&s, "socket.keepalive.enable"), Some(("true", "context alpha: properties")));

    // No config file at all: built-in defaults.
    let empty = tempfile::tempdir().unwrap();
    let s = show(&mut evbus_in(empty.path()));
    assert_eq!(s["context"], Value::Null);
    assert_eq!((s["brokers"].as_str(), s["brokers_source"].as_str()), (Some("127.0.0.1:9092"), Some("default")));
    assert_eq!(s["properties"], serde_json::json!([]));
}

/// `-f` (the per-command manifest flag) is the top row of the README's precedence table for the
/// manifest: `config show` takes it and says it won.
#[test]
fn show_takes_the_manifest_flag_over_env_and_context() {
    let d = workdir(CONFIG);
    let p = d.path();
    let out = evbus_in(p)
        .env("EVBUS_MANIFEST", "env.yaml")
        .args(["config", "show", "-f", "flag-topics.yaml", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = stdout_json(&out);
    assert_eq!((s["manifest"].as_str(), s["manifest_source"].as_str()), (Some("flag-topics.yaml"), Some("--file")));
    let out = evbus_in(p).args(["config", "show", "--file", "long.yaml", "-o", "table"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("manifest:    long.yaml (--file)"), "{text}");
    // Without -f, the context still wins over the default.
    assert_eq!(show(&mut evbus_in(p))["manifest_source"], "context");
}

#[test]
fn the_context_brokers_are_really_used_and_flags_still_win() {
    let b = Broker::start();
    let dead = free_port();
    let d = workdir(&format!(
        "current: good\ncontexts:\n  good:\n    brokers: {}\n  dead:\n    brokers: 127.0.0.1:{dead}\n",
        b.bootstrap
    ));
    // No -b anywhere: the context's brokers are where evbus goes.
    let out = evbus_in(d.path()).args(["topics", "list", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    stdout_json(&out);
    // The dead context fails and says where it tried...
    let out = evbus_in(d.path()).args(["--context", "dead", "--timeout", "2s", "topics", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("127.0.0.1:{dead}")));
    // ...unless EVBUS_BROKERS overrides it.
    let out = evbus_in(d.path())
        .env("EVBUS_BROKERS", &b.bootstrap)
        .args(["--context", "dead", "topics", "list", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn config_file_locations_local_then_xdg_then_evbus_config() {
    let xdg = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(xdg.path().join("evbus")).unwrap();
    std::fs::write(xdg.path().join("evbus/config.yaml"), "current: user\ncontexts:\n  user: { brokers: 'user:1' }\n")
        .unwrap();
    let elsewhere = tempfile::tempdir().unwrap();

    // Only the XDG file: used.
    let s = show(evbus_in(elsewhere.path()).env("XDG_CONFIG_HOME", xdg.path()));
    assert_eq!(s["brokers"], "user:1");
    assert_eq!(s["config_file"], xdg.path().join("evbus/config.yaml").display().to_string());
    // HOME/.config when XDG_CONFIG_HOME is unset.
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".config/evbus")).unwrap();
    std::fs::write(
        home.path().join(".config/evbus/config.yaml"),
        "current: h\ncontexts:\n  h: { brokers: 'home:1' }\n",
    )
    .unwrap();
    let s = show(evbus_in(elsewhere.path()).env_remove("XDG_CONFIG_HOME").env("HOME", home.path()));
    assert_eq!(s["brokers"], "home:1");
    // ./evbus.yaml wins over the user file.
    let local = workdir("current: local\ncontexts:\n  local: { brokers: 'local:1' }\n");
    let s = show(evbus_in(local.path()).env("XDG_CONFIG_HOME", xdg.path()));
    assert_eq!(s["brokers"], "local:1");
    // EVBUS_CONFIG wins over both.
    let s = show(
        evbus_in(local.path())
            .env("XDG_CONFIG_HOME", xdg.path())
            .env("EVBUS_CONFIG", xdg.path().join("evbus/config.yaml")),
    );
    assert_eq!(s["brokers"], "user:1");
}

#[test]
fn list_marks_the_active_context() {
    let d = workdir(CONFIG);
    let out = evbus_in(d.path()).args(["config", "list", "-o", "json"]).output().unwrap();
    assert!(out.status.success());
    let v = stdout_json(&out);
    assert_eq!(v["current"], "alpha");
    let names: Vec<(&str, bool)> = v["contexts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["active"].as_bool().unwrap()))
        .collect();
    assert_eq!(names, vec![("alpha", true), ("beta", false), ("secure", false)]);
    let secure = &v["contexts"][2];
    assert_eq!(secure["security"], "SASL_PLAINTEXT SCRAM-SHA-512 user svc");

    // Table: a star on the active row, here chosen by --context.
    let out = evbus_in(d.path()).args(["--context", "beta", "config", "list", "-o", "table"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let star_rows: Vec<&str> = text.lines().filter(|l| l.contains('*')).collect();
    assert_eq!(star_rows.len(), 1, "{text}");
    assert!(star_rows[0].contains("beta"), "{text}");
}

#[test]
fn use_switches_the_current_context_and_keeps_comments_and_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let d = workdir(CONFIG);
    let file = d.path().join("evbus.yaml");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();

    let out = evbus_in(d.path()).args(["config", "use", "beta", "-o", "table"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("beta"));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("# evbus contexts for the tests\ncurrent: beta\n"), "{text}");
    assert!(text.contains("password: ${EVBUS_TEST_PW}"), "the rest of the file is untouched:\n{text}");
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(show(&mut evbus_in(d.path()))["context"], "beta");

    // A typo: exit 1, a suggestion, and the file is unchanged.
    let out = evbus_in(d.path()).args(["config", "use", "betaa"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean 'beta'"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);

    // A file without `current:` gets one.
    let d2 = workdir("contexts:\n  one: { brokers: 'one:1' }\n");
    evbus_in(d2.path()).args(["config", "use", "one"]).assert().success();
    assert_eq!(show(&mut evbus_in(d2.path()))["brokers"], "one:1");
}

#[test]
fn without_a_config_file_use_and_list_explain_where_it_goes() {
    let empty = tempfile::tempdir().unwrap();
    for args in [&["config", "use", "prod"][..], &["config", "list"][..]] {
        let out = evbus_in(empty.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("evbus.yaml") && err.contains("contexts:"), "{err}");
    }
    let out = evbus_in(empty.path()).args(["--context", "prod", "config", "show"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no config file found"));
}

#[test]
fn unknown_context_and_bad_files_are_clear_errors() {
    let d = workdir(CONFIG);
    let out = evbus_in(d.path()).args(["--context", "gamma", "config", "show"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("'gamma'") && err.contains("alpha, beta, secure"), "{err}");

    let bad = workdir("contexts:\n  a:\n    brokerz: x:1\n");
    let out = evbus_in(bad.path()).args(["config", "show"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("evbus.yaml:3") && err.contains("brokerz"), "{err}");

    let bad = workdir("contexts:\n  a:\n    sasl: { mechanism: KERBEROS, username: u, password: p4ss-word }\n");
    let out = evbus_in(bad.path()).args(["--context", "a", "--timeout", "1s", "topics", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("KERBEROS") && err.contains("SCRAM-SHA-512") && !err.contains("p4ss-word"), "{err}");
}

#[test]
fn show_redacts_secrets_from_env_files_and_flags() {
    let pw = "Ctx-secret-1b9e77";
    let d = workdir(CONFIG);
    let out = evbus_in(d.path())
        .env("EVBUS_TEST_PW", pw)
        .args(["--context", "secure", "config", "show", "-o", "table"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(pw), "{text}");
    assert!(text.contains("sasl.password") && text.contains("[redacted]"), "{text}");
    assert!(text.contains("sasl.username") && text.contains("svc"), "usernames are not secret:\n{text}");
    assert!(text.contains("secure-1:9094 (context secure)"), "{text}");

    // Secrets given with -X are masked too, whatever the command, including -v logs.
    let flag_pw = "Flag-secret-4c2d18";
    let s =
        show(evbus_in(d.path()).args(["-X", &format!("sasl.password={flag_pw}"), "-X", "ssl.key.password=Key-pw-777"]));
    let all = s.to_string();
    assert!(!all.contains(flag_pw) && !all.contains("Key-pw-777"), "{all}");
    assert_eq!(prop(&s, "sasl.password"), Some(("[redacted]", "-X")));

    // An unset ${VAR}: a command that connects refuses, naming the variable.
    let out = evbus_in(d.path()).args(["--context", "secure", "--timeout", "1s", "topics", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("EVBUS_TEST_PW"));
}

#[test]
fn misspelled_secret_properties_and_broker_userinfo_never_leak() {
    let d = tempfile::tempdir().unwrap();
    let pw = "Typo-secret-5e3a91";
    // librdkafka rejects the misspelled property, and its error used to quote the value; -v
    // and `config show` printed it as an ordinary property.
    for args in [
        vec!["-v", "--timeout", "1s", "-X", "sasl.passwd=Typo-secret-5e3a91", "topics", "list"],
        vec!["-v", "--timeout", "1s", "-X", "sasl.pasword=Typo-secret-5e3a91", "tail", "x"],
    ] {
        let out = evbus_in(d.path()).args(&args).output().unwrap();
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{args:?}: {all}");
        assert!(!all.contains(pw), "{args:?} leaked the value: {all}");
        assert!(all.contains("invalid client configuration"), "{args:?}: {all}");
    }
    let s =
        show(evbus_in(d.path()).args(["-X", &format!("sasl.passwd={pw}"), "-X", "basic.auth.user.info=u:Ui-pw-42"]));
    let all = s.to_string();
    assert!(!all.contains(pw) && !all.contains("Ui-pw-42"), "{all}");
    assert_eq!(prop(&s, "sasl.passwd"), Some(("[redacted]", "-X")));

    // A password in a bootstrap address is refused (exit 2) without being echoed, from a flag
    // or from the environment; `config show` lists it as a problem and masks it.
    let out = evbus_in(d.path()).args(["-b", "bob:Url-pw-9d1c@127.0.0.1:9092", "topics", "list"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("user info") && err.contains("--brokers") && !err.contains("Url-pw-9d1c"), "{err}");
    let out = evbus_in(d.path())
        .env("EVBUS_BROKERS", "a:9092,SSL://bob:Url-pw-9d1c@b:9093")
        .args(["topics", "list"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("broker address 2 (from EVBUS_BROKERS)") && !err.contains("Url-pw-9d1c"), "{err}");
    let s = show(evbus_in(d.path()).args(["-b", "bob:Url-pw-9d1c@127.0.0.1:9092"]));
    assert_eq!(s["brokers"], "[redacted]@127.0.0.1:9092");
    assert!(s["problems"][0].as_str().unwrap().contains("user info"), "{s}");
    assert!(!s.to_string().contains("Url-pw-9d1c"), "{s}");
}

#[test]
fn config_commands_have_examples_in_help() {
    for sub in [&["config", "list"][..], &["config", "use"], &["config", "show"], &["config"]] {
        let out = evbus_cmd().args(sub).arg("--help").output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("evbus config") || text.contains("Precedence"), "{sub:?}:\n{text}");
    }
}

/// Switching away from a context must not need that context's secrets: `config list|use|show`
/// work (and `show` lists the problem) while the current context's `${VAR}` is unset.
///
/// Needs `evbus::run` to build the App with `config::resolve_lenient` for `config`, `completions`
/// and `dev` (commands/mod.rs and lib.rs are outside this change).
#[test]
fn a_broken_current_context_does_not_block_config_commands() {
    let d = workdir(&CONFIG.replace("current: alpha   # the default", "current: secure"));
    for args in [&["config", "list"][..], &["completions", "bash"]] {
        let out = evbus_in(d.path()).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let s = show(&mut evbus_in(d.path()));
    assert!(s["problems"][0].as_str().unwrap().contains("EVBUS_TEST_PW"), "{s}");
    evbus_in(d.path()).args(["config", "use", "alpha"]).assert().success();
    assert_eq!(show(&mut evbus_in(d.path()))["context"], "alpha");
    // Commands that connect still refuse, naming the variable.
    let out = evbus_in(d.path()).args(["--context", "secure", "topics", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("EVBUS_TEST_PW"));
}

/// Issue 26: `config use` replaced a symlinked config with a regular file, and wrote through a
/// fixed temporary name, following a link planted there onto its victim.
#[test]
fn use_updates_a_symlinks_target_and_follows_no_planted_link() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let dotfiles = d.path().join("dotfiles");
    std::fs::create_dir(&dotfiles).unwrap();
    let real = dotfiles.join("evbus.yaml");
    std::fs::write(&real, CONFIG).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
    let link = d.path().join("evbus.yaml");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let victim = d.path().join("victim");
    std::fs::write(&victim, "precious\n").unwrap();
    for planted in [d.path().join(".evbus.yaml.evbus-tmp"), dotfiles.join(".evbus.yaml.evbus-tmp")] {
        std::os::unix::fs::symlink(&victim, planted).unwrap();
    }

    let out = evbus_in(d.path()).args(["config", "use", "beta"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is still a link");
    assert!(std::fs::read_to_string(&real).unwrap().contains("current: beta"));
    assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n", "the planted link was followed");
    let left: Vec<String> =
        std::fs::read_dir(&dotfiles).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(left.len(), 2, "no temporary file left: {left:?}");
}

/// Issue 26: a config holding a password others can read (or write) passed without a word. Now
/// a warning, as ssh gives, and a refusal with EVBUS_STRICT_PERMISSIONS=1.
#[test]
fn loose_config_files_with_secrets_are_warned_about_and_refused_when_strict() {
    use std::os::unix::fs::PermissionsExt;
    let pw = "Inline-pw-5d0e11";
    let d = workdir(&format!(
        "current: a\ncontexts:\n  a:\n    brokers: 127.0.0.1:{}\n    sasl: {{ mechanism: PLAIN, username: u, password: {pw} }}\n",
        free_port()
    ));
    let file = d.path().join("evbus.yaml");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = evbus_in(d.path()).args(["config", "show", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: config file evbus.yaml holds secrets (context a: sasl.password)"), "{err}");
    assert!(err.contains("mode 0644") && err.contains("chmod 600 evbus.yaml"), "{err}");
    assert!(!err.contains(pw) && !String::from_utf8_lossy(&out.stdout).contains(pw));

    let out = evbus_in(d.path())
        .env("EVBUS_STRICT_PERMISSIONS", "1")
        .args(["--timeout", "1s", "topics", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("holds secrets") && err.contains("EVBUS_STRICT_PERMISSIONS is set"), "{err}");
    assert!(!err.contains("brokers tried"), "refused before connecting: {err}");

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = evbus_in(d.path()).args(["config", "show", "-o", "json"]).output().unwrap();
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Issue 26: `EVBUS_CONFIG=/dev/zero` grew to 1.5 GB, `-f /dev/zero` to 5 GB, and a 4,000-broker
/// list took 9.5 s and 713 MB. Each is refused at once, naming the limit.
#[test]
fn endless_files_and_huge_broker_lists_are_refused_at_their_limits() {
    let d = tempfile::tempdir().unwrap();
    let start = std::time::Instant::now();
    let out = evbus_in(d.path()).env("EVBUS_CONFIG", "/dev/zero").args(["config", "show"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/dev/zero") && err.contains("16 MiB limit") && err.contains("EVBUS_MAX_FILE_SIZE"), "{err}");
    let out = evbus_in(d.path()).args(["topics", "validate", "-f", "/dev/zero"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("16 MiB limit") && err.contains("EVBUS_MAX_FILE_SIZE"), "{err}");
    // A regular file over the limit is refused by its size, before it is read.
    std::fs::write(d.path().join("big.yaml"), vec![b'#'; 2 << 20]).unwrap();
    let out = evbus_in(d.path())
        .env("EVBUS_MAX_FILE_SIZE", "1MiB")
        .args(["topics", "validate", "-f", "big.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("it is 2 MiB, over the 1 MiB limit"));

    let many: Vec<String> = (0..4000).map(|i| format!("10.{}.{}.1:9092", i / 250, i % 250)).collect();
    let out = evbus_in(d.path()).args(["-b", &many.join(","), "--timeout", "3s", "topics", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("4000 bootstrap brokers (from --brokers): at most 100"), "{err}");
    assert!(start.elapsed() < std::time::Duration::from_secs(20), "{:?}", start.elapsed());
}
