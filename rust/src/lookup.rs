// Finding COMMAND in the container's PATH; 127 (not found) versus 126 (cannot execute).

use std::path::{Path, PathBuf};

use nix::errno::Errno;

use crate::errs::Error;

/// The file to execute for `cmd`. A `cmd` containing "/" is used as is; otherwise
/// each directory of `path_list` is tried in order and the first regular file
/// wins (no x bit needed here: execve then says EACCES, a 126, not a 127).
pub fn find(cmd: &str, path_list: &str) -> Result<PathBuf, Error> {
    if cmd.contains('/') {
        return Ok(PathBuf::from(cmd));
    }
    let found = match cmd.is_empty() {
        true => None,
        false => path_list
            .split(':')
            .map(|dir| Path::new(dir).join(cmd))
            .find(|candidate| candidate.metadata().is_ok_and(|m| m.is_file())),
    };
    found.ok_or_else(|| Error::Exec { cmd: cmd.into(), source: Errno::ENOENT })
}

/// PATH from an environment list ("" if it has none).
pub fn path_of(env: &[String]) -> &str {
    env.iter().find_map(|kv| kv.strip_prefix("PATH=")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn first_regular_file_in_path_order() {
        let dir = std::env::temp_dir().join(format!("mvrc-lookup-{}", std::process::id()));
        let (a, b) = (dir.join("a"), dir.join("b"));
        fs::create_dir_all(b.join("sub")).unwrap();
        fs::create_dir_all(&a).unwrap();
        fs::write(b.join("tool"), "").unwrap();
        fs::write(a.join("tool"), "").unwrap();
        fs::write(b.join("other"), "").unwrap();
        let path = format!("{}:{}", a.display(), b.display());
        let found = |cmd: &str| find(cmd, &path).map_err(|e| (e.code(), e.to_string()));
        assert_eq!(found("tool"), Ok(a.join("tool")));
        assert_eq!(found("other"), Ok(b.join("other")));
        assert_eq!(found("nope"), Err((127, r#"exec "nope": no such file or directory"#.into())));
        assert_eq!(found("sub").unwrap_err().0, 127, "a directory is not a command");
        assert_eq!(found("").unwrap_err().0, 127);
        assert_eq!(found("./x/y"), Ok(PathBuf::from("./x/y")), "a path is left to execve");
        assert_eq!(path_of(&["A=1".into(), "PATH=/bin".into()]), "/bin");
        fs::remove_dir_all(dir).unwrap();
    }
}
