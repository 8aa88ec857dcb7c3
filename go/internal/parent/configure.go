// The parent's half of the setup while the child waits: spec, id maps, cgroup, pid file,
// then MAPPED; and mvrc made non-dumpable before the container runs.

package parent

import (
	"os"

	"golang.org/x/sys/unix"

	"mvrc/internal/cgroups"
	"mvrc/internal/channel"
	"mvrc/internal/debug"
	"mvrc/internal/errs"
	"mvrc/internal/idmap"
	"mvrc/internal/namespaces"
	"mvrc/internal/spec"
	"mvrc/internal/terminal"
)

// configure does the parent's half of the setup while the child waits: spec, id maps,
// cgroup, pid file, then MAPPED. The returned cgroup (maybe nil) is removed after the wait.
func configure(ch *channel.ParentEnd, s *spec.Spec, pid int, delegated *cgroups.Delegated, timer *debug.Timer) (*cgroups.Cgroup, error) {
	if err := ch.SendSpec(s); err != nil {
		return nil, err
	}
	if namespaces.Has(s.Namespaces, "user") {
		err := timer.Time("idmap", func() error {
			return idmap.Write(pid, uint32(os.Geteuid()), uint32(os.Getegid()), s.UIDMaps, s.GIDMaps)
		})
		if err != nil {
			return nil, err
		}
	}
	var cgroup *cgroups.Cgroup
	if delegated != nil {
		err := timer.Time("cgroup", func() (err error) {
			cgroup, err = delegated.Enter(pid, s.Limits)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if s.PidFile != "" {
		if err := writePidFile(s.PidFile, pid); err != nil {
			return cgroup, err
		}
	}
	if err := hideFromContainer(); err != nil {
		return cgroup, err
	}
	var size *unix.Winsize
	if s.TTY {
		size = terminal.Size()
	}
	return cgroup, ch.SendMapped(size)
}

// hideFromContainer makes mvrc itself non-dumpable once the child no longer needs it
// (newuidmap checks that the child's /proc entry is ours). Without a PID namespace the
// container sees the host's /proc, and through /proc/MVRC/exe, root, cwd and fd it would
// reach mvrc's binary and the host's files.
func hideFromContainer() error {
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return errs.Failf("prctl dumpable: %w", err)
	}
	return nil
}
