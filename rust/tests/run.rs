// Black-box tests of the built mvrc: the main paths of SPEC, run as an unprivileged user.

mod testenv;

use testenv::TestEnv;

const PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

#[test]
fn command_is_pid_1() {
    let env = TestEnv::new();
    // The fresh /proc lists the container's processes only: the shell, expanding the glob.
    let run = env.run(&[], &["sh", "-c", "echo $$ /proc/[0-9]*"]);
    assert_eq!((run.stdout.as_str(), run.code), ("1 /proc/1\n", Some(0)), "{}", run.stderr);
}

#[test]
fn init_runs_command_as_pid_2() {
    let env = TestEnv::new();
    let run = env.run(&["--init"], &["sh", "-c", "echo $$"]);
    assert_eq!((run.stdout.as_str(), run.code), ("2\n", Some(0)), "{}", run.stderr);
}

#[test]
fn pid_file_holds_the_host_pid() {
    let env = TestEnv::new();
    let file = env.rootfs().join("tmp/pid");
    let run = env.run(&["--pid-file", &file.display().to_string()], &["true"]);
    let pid = std::fs::read_to_string(&file).unwrap();
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(pid.ends_with('\n') && pid.trim().parse::<u32>().is_ok_and(|p| p > 1), "{pid:?}");
}

#[test]
fn caller_is_root_of_one_mapped_id() {
    let env = TestEnv::new();
    let run = env.run(&[], &["sh", "-c", "id -u; id -g; cat /proc/self/uid_map"]);
    let words: Vec<&str> = run.stdout.split_whitespace().collect();
    assert_eq!(words, ["0", "0", "0", &env.uid().to_string(), "1"], "{}", run.stderr);
}

#[test]
fn hostname_is_the_containers() {
    let env = TestEnv::new();
    assert_eq!(env.run(&[], &["hostname"]).stdout, "mvrc\n");
    assert_eq!(env.run(&["--hostname", "box"], &["hostname"]).stdout, "box\n");
}

#[test]
fn environment_is_exactly_the_specs() {
    let env = TestEnv::new();
    let run = env.run(&["-e", "A=1", "-e", "HOME=/home"], &["env"]);
    let want = format!("{PATH}\nHOME=/home\nHOSTNAME=mvrc\nA=1\n");
    assert_eq!(run.stdout, want, "{}", run.stderr);
}

#[test]
fn exit_status_is_the_commands() {
    let env = TestEnv::new();
    assert_eq!(env.run(&[], &["sh", "-c", "exit 7"]).code, Some(7));
    // Under --init the command is PID 2, which SIGKILL can reach from inside.
    assert_eq!(env.run(&["--init"], &["sh", "-c", "echo $$; kill -KILL $$"]).code, Some(128 + 9));
}

#[test]
fn exec_failures_are_126_and_127() {
    let env = TestEnv::new();
    let missing = env.run(&[], &["nope"]);
    assert_eq!(
        (missing.stderr.as_str(), missing.code),
        ("mvrc: exec \"nope\": no such file or directory\n", Some(127))
    );
    let directory = env.run(&["--init"], &["/etc"]);
    assert_eq!(
        (directory.stderr.as_str(), directory.code),
        ("mvrc: exec \"/etc\": permission denied\n", Some(126))
    );
}

#[test]
fn pinned_error_lines() {
    let env = TestEnv::new();
    let run = env.mvrc(&["run", "no-such-rootfs", "sh"]);
    assert_eq!(
        (run.stderr.as_str(), run.code),
        ("mvrc: rootfs \"no-such-rootfs\": no such directory\n", Some(125))
    );
    let run = env.run(&["-w", "/nope"], &["true"]);
    assert_eq!(run.stderr, "mvrc: workdir \"/nope\": no such directory in the container\n");
    let run = env.run(&["--ns", "pid"], &["true"]);
    let want =
        "mvrc: creating namespaces: operation not permitted (an unprivileged user needs \"user\" in --ns)\n";
    assert_eq!((run.stderr.as_str(), run.code), (want, Some(125)));
}

#[test]
fn usage_errors_point_to_help() {
    let env = TestEnv::new();
    let run = env.mvrc(&["run", "--uid-map", "0:1", "r", "sh"]);
    let want = "mvrc: invalid --uid-map \"0:1\": want CONTAINER:HOST:SIZE\nRun 'mvrc help run' for usage.\n";
    assert_eq!((run.stderr.as_str(), run.code), (want, Some(125)));
    assert_eq!(env.mvrc(&["version"]).stdout, "mvrc 0.1.0 (rust)\n");
}

#[test]
fn overlay_leaves_rootfs_untouched() {
    let env = TestEnv::new();
    let run = env.run(&["--overlay"], &["sh", "-c", "echo x > /bin/new && cat /bin/new"]);
    assert_eq!((run.stdout.as_str(), run.code), ("x\n", Some(0)), "{}", run.stderr);
    assert!(!env.rootfs().join("bin/new").exists());
}

#[test]
fn read_only_root_and_loopback() {
    let env = TestEnv::new();
    let run = env
        .run(&["--read-only"], &["sh", "-c", "touch /x; cat /sys/class/net/lo/operstate; ls /sys/class/net"]);
    assert!(run.stderr.contains("Read-only file system"), "{}", run.stderr);
    assert_eq!(run.stdout, "unknown\nlo\n");
}

#[test]
fn caller_fds_stay_outside() {
    let env = TestEnv::new();
    // Like a caller's fds without close-on-exec: mvrc inherits them, the container must not.
    let (read, _write) = nix::unistd::pipe().unwrap();
    let pipe = format!("pipe:[{}]", nix::sys::stat::fstat(&read).unwrap().st_ino);
    for options in [&[][..], &["--init"]] {
        // COMMAND's fds, listed by ls (not the last command, so the shell forks it).
        let run = env.run(options, &["sh", "-c", "ls /proc/$$/fd; exit"]);
        assert_eq!((run.stdout.as_str(), run.code), ("0\n1\n2\n", Some(0)), "{options:?}: {}", run.stderr);
        // No process in the container holds it: under --init, PID 1 never execs. COMMAND
        // may not list PID 1's fds (it is not dumpable); the conformance suite's
        // TestInitHoldsOnlyItsOwn reads them from the host.
        let run = env.run(options, &["sh", "-c", "ls -l /proc/[0-9]*/fd/ 2>&1; exit 0"]);
        assert!(
            run.code == Some(0) && !run.stdout.contains(&pipe),
            "{options:?}: {}{}",
            run.stdout,
            run.stderr
        );
    }
}
