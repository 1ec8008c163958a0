//! Writing the config file back (`config use`): the one-line edit of `current:` that keeps the
//! rest of the text as it was, and the write itself: atomically, through a temporary file no one else
//! can have prepared or read, into the file a symlink points to.
//!
//! The temporary file is created with `O_EXCL` under a random name in the target's directory, so
//! a link planted under a predictable name is never followed (it once overwrote the link's victim
//! with the config, password included), and with mode 0600 from the start, so the new contents
//! are never readable by others on the way. It then takes the original's mode (and owner, where
//! allowed) before the rename: the rename is what makes the write all-or-nothing.
//!
//! A symlinked config (a dotfiles repository, a mounted secret) stays a symlink: the file it
//! points to is the one replaced.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};

/// Set `current: NAME` in config text, keeping everything else (comments included) as it was.
///
/// A text edit rather than a serde round trip, which would drop the user's comments and
/// reformat the file. Returns None when the top-level `current:` cannot be edited safely (e.g. a
/// flow-style document); the caller verifies the result by parsing it.
pub fn set_current(src: &str, name: &str) -> Option<String> {
    let value = serde_saphyr::to_string(&name).ok()?;
    let line = format!("current: {}", value.trim_end());
    let mut lines: Vec<&str> = src.lines().collect();
    let is_current = |l: &str| l.starts_with("current:") || l.starts_with("current :");
    match lines.iter().position(|l| is_current(l)) {
        Some(i) => {
            // A block value on the following indented lines would be left dangling.
            if lines[i].trim_end().ends_with(':') {
                return None;
            }
            lines[i] = &line;
        }
        None => {
            // After the leading comments (usually a header explaining the file).
            let at = lines
                .iter()
                .position(|l| !(l.trim().is_empty() || l.trim_start().starts_with('#') || l.trim() == "---"))
                .unwrap_or(lines.len());
            lines.insert(at, &line);
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    Some(out)
}

/// Replaces the contents of the config file at `path` (or of the file it links to) with `text`.
pub fn replace(path: &Path, text: &str) -> Result<()> {
    let target = std::fs::canonicalize(path).with_context(|| format!("cannot resolve {}", path.display()))?;
    let meta = std::fs::metadata(&target).with_context(|| format!("cannot read {}", target.display()))?;
    if !meta.is_file() {
        return Err(anyhow!("cannot replace {}: not a regular file", target.display()));
    }
    let dir = target.parent().ok_or_else(|| anyhow!("{} has no directory", target.display()))?;
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "config".into());
    let (mut file, tmp) = create_private(dir, &name)?;
    let written = (|| -> std::io::Result<()> {
        file.write_all(text.as_bytes())?;
        keep_owner_and_mode(&file, &meta)?;
        file.sync_all()?;
        std::fs::rename(&tmp, &target)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(anyhow!(e).context(format!("cannot replace {}", target.display())));
    }
    // The rename is durable once the directory is: best effort, as not every filesystem allows it.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A new file `.NAME.RANDOM.evbus-tmp` in `dir`, created exclusively with mode 0600.
fn create_private(dir: &Path, name: &str) -> Result<(File, PathBuf)> {
    let mut last = None;
    for _ in 0..8 {
        let tmp = dir.join(format!(".{name}.{}.evbus-tmp", uuid::Uuid::new_v4().simple()));
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        match opts.open(&tmp) {
            Ok(f) => return Ok((f, tmp)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(anyhow!(e).context(format!("cannot create a temporary file in {}", dir.display()))),
        }
    }
    Err(anyhow!(last.unwrap_or_else(|| std::io::Error::other("name taken")))
        .context(format!("cannot create a temporary file in {}", dir.display())))
}

/// Gives the new file the original's owner (when permitted: only root may give a file away) and
/// mode, through the open descriptor rather than the name someone could have swapped meanwhile.
#[cfg(unix)]
fn keep_owner_and_mode(file: &File, original: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let _ = std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid()));
    file.set_permissions(std::fs::Permissions::from_mode(original.mode() & 0o7777))
}

#[cfg(not(unix))]
fn keep_owner_and_mode(_file: &File, _original: &std::fs::Metadata) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod text_tests {
    use std::path::Path;

    use super::*;
    use crate::config::parse;

    #[test]
    fn set_current_replaces_and_keeps_comments() {
        let src = "# my clusters\ncurrent: local   # default\ncontexts:\n  local: {}\n  prod: {}\n";
        let out = set_current(src, "prod").unwrap();
        assert!(out.starts_with("# my clusters\ncurrent: prod\n"), "{out}");
        assert_eq!(parse(&out, Path::new("x")).unwrap().current.as_deref(), Some("prod"));
    }

    #[test]
    fn set_current_inserts_after_header() {
        let src = "# header\n\ncontexts:\n  a: {}\n";
        let out = set_current(src, "a").unwrap();
        assert_eq!(out, "# header\n\ncurrent: a\ncontexts:\n  a: {}\n");
    }

    #[test]
    fn set_current_quotes_odd_names() {
        let out = set_current("contexts:\n  'yes': {}\n", "yes").unwrap();
        let f = parse(&out, Path::new("x")).unwrap();
        assert_eq!(f.current.as_deref(), Some("yes"), "{out}");
    }

    #[test]
    fn set_current_refuses_block_value() {
        assert!(set_current("current:\n  a\ncontexts: {}\n", "b").is_none());
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn replaces_the_contents_and_keeps_the_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("evbus.yaml");
        for m in [0o600, 0o640] {
            std::fs::write(&p, "current: a\n").unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
            replace(&p, "current: b\n").unwrap();
            assert_eq!(std::fs::read_to_string(&p).unwrap(), "current: b\n");
            assert_eq!(mode(&p), m);
        }
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left, ["evbus.yaml"], "no temporary file left behind");
    }

    #[test]
    fn a_symlinked_config_stays_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles");
        std::fs::create_dir(&real).unwrap();
        let target = real.join("evbus.yaml");
        std::fs::write(&target, "current: a\n").unwrap();
        let link = dir.path().join("evbus.yaml");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        replace(&link, "current: b\n").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link was replaced");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "current: b\n");
    }

    #[test]
    fn a_link_planted_at_the_old_temporary_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("evbus.yaml");
        std::fs::write(&p, "current: a\n").unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious\n").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join(".evbus.yaml.evbus-tmp")).unwrap();
        replace(&p, "current: b\n").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "current: b\n");
    }

    #[test]
    fn the_temporary_file_is_private_from_creation() {
        let dir = tempfile::tempdir().unwrap();
        let (_f, tmp) = create_private(dir.path(), "evbus.yaml").unwrap();
        assert_eq!(mode(&tmp) & 0o077, 0, "{:o}", mode(&tmp));
        let name = tmp.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with(".evbus.yaml.") && name.ends_with(".evbus-tmp") && name.len() > 40, "{name}");
        assert_ne!(create_private(dir.path(), "evbus.yaml").unwrap().1, tmp, "random names");
    }
}
