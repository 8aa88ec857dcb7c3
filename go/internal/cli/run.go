// The run command's flags: pflag reads argv into options, which validate.go checks.

package cli

import (
	"errors"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"mvrc/internal/namespaces"
	"mvrc/internal/spec"
)

// options are the raw values of run's flags, checked in build in the order of SPEC's table.
type options struct {
	ns, hostname, workdir, user, memory, pids, cpus, pidFile string
	env, uidMaps, gidMaps, binds, tmpfs                      []string
	readOnly, overlay, chroot, init, interactive, tty, debug switchFlag
	help                                                     helpFlag
	seccomp                                                  string
}

func parseRun(args []string, caller Caller) (Result, error) {
	var o options
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SetInterspersed(false) // stop at ROOTFS: the rest belongs to COMMAND
	fs.StringVar(&o.ns, "ns", strings.Join(namespaces.Default(), ","), "")
	fs.StringVar(&o.hostname, "hostname", spec.DefaultHostname, "")
	fs.StringArrayVarP(&o.env, "env", "e", nil, "")
	fs.StringVarP(&o.workdir, "workdir", "w", "/", "")
	fs.StringVar(&o.user, "user", "0:0", "")
	fs.StringArrayVar(&o.uidMaps, "uid-map", nil, "")
	fs.StringArrayVar(&o.gidMaps, "gid-map", nil, "")
	fs.StringArrayVarP(&o.binds, "bind", "v", nil, "")
	fs.StringArrayVar(&o.tmpfs, "tmpfs", nil, "")
	fs.StringVar(&o.memory, "memory", "", "")
	fs.StringVar(&o.pids, "pids", "", "")
	fs.StringVar(&o.cpus, "cpus", "", "")
	fs.StringVar(&o.pidFile, "pid-file", "", "")
	fs.StringVar(&o.seccomp, "seccomp", "default", "")
	switches := []struct {
		name, short string
		value       pflag.Value
	}{
		{"read-only", "", &o.readOnly}, {"overlay", "", &o.overlay}, {"chroot", "", &o.chroot},
		{"init", "", &o.init}, {"interactive", "i", &o.interactive}, {"tty", "t", &o.tty},
		{"debug", "", &o.debug}, {"help", "h", &o.help},
	}
	for _, sw := range switches {
		fs.VarPF(sw.value, sw.name, sw.short, "").NoOptDefVal = bare
	}

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, errHelp) {
			return Result{Print: runUsage}, nil
		}
		return Result{}, flagError(err)
	}
	s, err := build(&o, fs, caller)
	return Result{Spec: s}, err
}
