// Validation of run's options in the order of SPEC's table: options → a Spec or a usage error.

package cli

import (
	"path"

	"github.com/spf13/pflag"

	"mvrc/internal/errs"
	"mvrc/internal/idmap"
	"mvrc/internal/namespaces"
	"mvrc/internal/spec"
)

// build validates the options in the order of SPEC's table, then ROOTFS and COMMAND.
func build(o *options, fs *pflag.FlagSet, caller Caller) (*spec.Spec, error) {
	ns, err := namespaces.Parse(o.ns)
	if err != nil {
		return nil, err
	}
	hasUser, hasUTS, hasMount := namespaces.Has(ns, "user"), namespaces.Has(ns, "uts"), namespaces.Has(ns, "mount")
	hostname := caller.Hostname
	if fs.Changed("hostname") {
		if err := spec.CheckHostname(o.hostname); err != nil {
			return nil, err
		}
		if !hasUTS {
			return nil, errs.Usagef("--hostname needs the uts namespace")
		}
	}
	if hasUTS {
		hostname = o.hostname
	}
	env, err := spec.Env(caller.Env, o.env, hostname)
	if err != nil {
		return nil, err
	}
	if err := insidePath("--workdir", o.workdir); err != nil {
		return nil, err
	}
	user, err := spec.ParseUser(o.user)
	if err != nil {
		return nil, err
	}
	if user != (spec.User{}) && !hasUser {
		return nil, errs.Usagef("--user needs the user namespace")
	}
	uidMaps, err := maps("--uid-map", o.uidMaps, caller.UID, hasUser)
	if err != nil {
		return nil, err
	}
	gidMaps, err := maps("--gid-map", o.gidMaps, caller.GID, hasUser)
	if err != nil {
		return nil, err
	}
	if hasUser && !idmap.Contains(uidMaps, user.UID) {
		return nil, errs.Usagef("--user %q: uid %d is not mapped (see --uid-map)", o.user, user.UID)
	}
	if hasUser && !idmap.Contains(gidMaps, user.GID) {
		return nil, errs.Usagef("--user %q: gid %d is not mapped (see --gid-map)", o.user, user.GID)
	}
	binds := []spec.Bind{}
	for _, text := range o.binds {
		b, err := spec.ParseBind(text)
		if err != nil {
			return nil, err
		}
		binds = append(binds, b)
	}
	if err := needsMount("--bind", len(binds) > 0, hasMount); err != nil {
		return nil, err
	}
	if err := needsMount("--read-only", bool(o.readOnly), hasMount); err != nil {
		return nil, err
	}
	tmpfs := []spec.Tmpfs{}
	for _, text := range o.tmpfs {
		t, err := spec.ParseTmpfs(text)
		if err != nil {
			return nil, err
		}
		tmpfs = append(tmpfs, t)
	}
	if err := needsMount("--tmpfs", len(o.tmpfs) > 0, hasMount); err != nil {
		return nil, err
	}
	if err := needsMount("--overlay", bool(o.overlay), hasMount); err != nil {
		return nil, err
	}
	// The pty comes from the container's own devpts, which only a mount namespace has.
	if err := needsMount("--tty", bool(o.tty), hasMount); err != nil {
		return nil, err
	}
	limits, err := parseLimits(o, fs)
	if err != nil {
		return nil, err
	}
	if o.seccomp == "" {
		return nil, errs.Usagef("invalid --seccomp \"\": want default, unconfined or a file")
	}
	if fs.NArg() < 2 {
		return nil, errs.Usagef("run needs ROOTFS and COMMAND")
	}
	return &spec.Spec{
		Rootfs: fs.Arg(0), Command: fs.Args()[1:], Namespaces: ns, Hostname: hostname,
		Env: env, Workdir: o.workdir, User: user, UIDMaps: uidMaps, GIDMaps: gidMaps,
		Binds: binds, Tmpfs: tmpfs, ReadOnly: bool(o.readOnly),
		Overlay: bool(o.overlay), Chroot: bool(o.chroot), Init: bool(o.init),
		TTY: bool(o.tty), PidFile: o.pidFile, Debug: bool(o.debug), Limits: limits, Seccomp: o.seccomp,
	}, nil
}

// insidePath checks a path inside the container: absolute, and without a ".." that could
// climb out of ROOTFS.
func insidePath(flag, dir string) error {
	switch {
	case !path.IsAbs(dir):
		return errs.Usagef("invalid %s %q: want an absolute path", flag, dir)
	case spec.HasDotDot(dir):
		return errs.Usagef("invalid %s %q: %s", flag, dir, spec.NoDotDot)
	}
	return nil
}

// needsMount refuses a flag that mounts when there is no mount namespace: nothing is
// mounted then, and the flag would be ignored (--overlay would even write into ROOTFS).
func needsMount(flag string, given, hasMount bool) error {
	if given && !hasMount {
		return errs.Usagef("%s needs the mount namespace", flag)
	}
	return nil
}

// maps parses a repeatable --uid-map/--gid-map; the default maps root to the caller's own id.
func maps(flag string, texts []string, own uint32, hasUser bool) ([]idmap.IDMap, error) {
	parsed := []idmap.IDMap{}
	for _, text := range texts {
		m, err := idmap.Parse(flag, text)
		if err != nil {
			return nil, err
		}
		parsed = append(parsed, m)
	}
	switch {
	case len(parsed) > 0 && !hasUser:
		return nil, errs.Usagef("%s needs the user namespace", flag)
	case !hasUser:
		return []idmap.IDMap{}, nil
	case len(parsed) == 0:
		return []idmap.IDMap{{Container: 0, Host: own, Size: 1}}, nil
	}
	return parsed, nil
}

func parseLimits(o *options, fs *pflag.FlagSet) (spec.Limits, error) {
	var l spec.Limits
	var err error
	if fs.Changed("memory") {
		if l.Memory, err = spec.ParseMemory(o.memory); err != nil {
			return l, err
		}
	}
	if fs.Changed("pids") {
		if l.Pids, err = spec.ParsePids(o.pids); err != nil {
			return l, err
		}
	}
	if fs.Changed("cpus") {
		l.CPUs, err = spec.ParseCPUs(o.cpus)
	}
	return l, err
}
