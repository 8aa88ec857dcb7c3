// A tiny test environment: a temp busybox rootfs and a copy of the built mvrc, both owned by the
// test user, who runs that copy (the clone may sit below a directory it cannot enter, like /root).

use std::fs;
use std::os::unix::fs::{lchown, symlink};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use nix::unistd::{User, getuid};

/// One test's world: a rootfs in a fresh temp directory, removed on drop.
pub struct TestEnv {
    dir: PathBuf,
    user: Option<User>,
}

/// What a run printed and how it ended.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: Option<i32>,
}

impl TestEnv {
    /// Builds `<tmp>/mvrc-test-PID-N/rootfs` from the host's static busybox, next to a copy of mvrc.
    pub fn new() -> TestEnv {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("mvrc-test-{}-{n}", std::process::id()));
        let rootfs = dir.join("rootfs");
        for sub in ["bin", "proc", "dev", "sys", "tmp", "etc", "root"] {
            fs::create_dir_all(rootfs.join(sub)).unwrap();
        }
        fs::copy("/bin/busybox", rootfs.join("bin/busybox")).expect("busybox-static is installed");
        let applets = Command::new("/bin/busybox").arg("--list").output().unwrap();
        for applet in String::from_utf8(applets.stdout).unwrap().lines().filter(|a| *a != "busybox") {
            symlink("busybox", rootfs.join("bin").join(applet)).unwrap();
        }
        copy_mvrc(&dir.join("mvrc"));
        let user = test_user();
        if let Some(user) = &user {
            chown_tree(&dir, user);
        }
        TestEnv { dir, user }
    }

    pub fn rootfs(&self) -> PathBuf {
        self.dir.join("rootfs")
    }

    /// The uid mvrc runs as: the test user when the tests run as root.
    pub fn uid(&self) -> u32 {
        self.user.as_ref().map_or(getuid().as_raw(), |u| u.uid.as_raw())
    }

    /// `mvrc run [options] ROOTFS command...`; `options` end at the first non-flag word.
    pub fn run(&self, options: &[&str], command: &[&str]) -> Run {
        let rootfs = self.rootfs().display().to_string();
        let mut args = vec!["run"];
        args.extend(options);
        args.push(&rootfs);
        args.extend(command);
        self.mvrc(&args)
    }

    /// The copy of the built binary with `args`, as the test user, with a small known environment.
    pub fn mvrc(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(self.dir.join("mvrc"));
        cmd.args(args).env_clear().env("PATH", "/usr/bin:/bin").current_dir(&self.dir);
        if let Some(user) = &self.user {
            // As root, std also clears the supplementary groups before exec.
            cmd.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        }
        finish(cmd.output().unwrap())
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn finish(out: Output) -> Run {
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code(),
    }
}

/// Tests run mvrc as a real unprivileged user: `mvrctest` (or $MVRC_TEST_USER) when root.
fn test_user() -> Option<User> {
    if !getuid().is_root() {
        return None;
    }
    let name = std::env::var("MVRC_TEST_USER").unwrap_or_else(|_| "mvrctest".into());
    let user = User::from_name(&name).unwrap();
    Some(user.unwrap_or_else(|| panic!("test user {name} missing: useradd -m {name} (see bootstrap)")))
}

/// Copies the built mvrc to `to` through cp(1): a file this process held open for writing
/// could not be executed while another test thread forks ("text file busy").
fn copy_mvrc(to: &Path) {
    let status = Command::new("cp").arg(env!("CARGO_BIN_EXE_mvrc")).arg(to).status();
    assert!(status.is_ok_and(|s| s.success()), "copying the built mvrc to {}", to.display());
}

fn chown_tree(path: &Path, user: &User) {
    lchown(path, Some(user.uid.as_raw()), Some(user.gid.as_raw())).unwrap();
    if path.is_dir() && !path.is_symlink() {
        for entry in fs::read_dir(path).unwrap() {
            chown_tree(&entry.unwrap().path(), user);
        }
    }
}
