// Usage texts and the version line. testdata/usage/*.txt hold the same bytes: the Rust twin
// prints them too, and both test against the files.

package cli

// version is mvrc's version; the repository's VERSION file says the same.
const version = "0.1.0"

// versionLine is what `mvrc version` prints.
const versionLine = "mvrc " + version + " (go)\n"

// usage is `mvrc help`.
const usage = `Usage:  mvrc COMMAND

mvrc, the minimal viable rootless container: run a command in new namespaces
as an unprivileged user, with no daemon and no setuid helper.

Commands:
  run      Run a command in a new container
  version  Print the version (also: --version)
  help     Show this help, or 'mvrc help run' (also: -h, --help)

Run 'mvrc help run' for the options of run.
`

// runUsage is `mvrc help run`.
const runUsage = `Usage:  mvrc run [OPTIONS] ROOTFS COMMAND [ARG...]

Run COMMAND in a new container whose root filesystem is ROOTFS.
Options come first; parsing stops at ROOTFS or at "--".

Options:
      --ns LIST            namespaces to create, comma separated (default "user,mount,pid,uts,ipc,net,cgroup")
      --hostname NAME      hostname inside; needs uts in --ns (default "mvrc")
  -e, --env KEY=VALUE      add to the environment; -e KEY copies KEY from the caller (repeatable)
  -w, --workdir DIR        working directory inside (default "/")
      --user UID[:GID]     identity of COMMAND inside; must be mapped (default "0:0")
      --uid-map C:H:N      uid map; beyond your own uid via newuidmap (repeatable, default "0:<your uid>:1")
      --gid-map C:H:N      gid map; beyond your own gid via newgidmap (repeatable, default "0:<your gid>:1")
  -v, --bind SRC:DST[:ro]  bind-mount host path SRC at DST inside; ":ro" read-only (repeatable)
      --read-only          mount the root filesystem read-only (default off)
      --tmpfs DIR[:size=N] a fresh tmpfs at DIR inside, N bytes with k, m or g (repeatable, default size 64m)
      --overlay            throw-away writable layer over ROOTFS, which is never modified (default off)
      --chroot             enter ROOTFS with chroot(2); escapable, for teaching only (default off)
      --init               mvrc's init runs as PID 1 and reaps zombies; COMMAND is its first child (default off)
  -i, --interactive        keep stdin attached; mvrc always does, so -i is for docker's habit (-it)
  -t, --tty                COMMAND gets a terminal of its own; stdin must be a terminal (default off)
      --memory BYTES       memory limit, suffix k, m or g; needs a delegated cgroup v2 (default none)
      --pids N             process limit; needs a delegated cgroup v2 (default none)
      --cpus N             CPU limit, e.g. 0.5; needs a delegated cgroup v2 (default none)
      --pid-file FILE      write the host PID of the container's PID 1 to FILE (default none)
      --seccomp PROFILE    system-call filter: default (Docker's), unconfined or a policy file (default "default")
      --debug              print each setup step and its duration to stderr (default off)
  -h, --help               show this help
`
