// Command mvrc is the minimal viable rootless container. main dispatches: the user's
// command line goes through cli to the parent; the re-exec'd "mvrc-child" goes to child.
//
// The go:debug line turns off the container-aware GOMAXPROCS of Go 1.25+: with it, the
// runtime keeps the host's cgroup cpu files open for the life of the process, and --init's
// PID 1 is this process, in the container: a descriptor to the host's files.
//
//go:debug containermaxprocs=0
package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"mvrc/internal/child"
	"mvrc/internal/cli"
	"mvrc/internal/errs"
	"mvrc/internal/parent"
	"mvrc/internal/seccomp"
)

// The child stage runs from init, where the runtime still holds the main goroutine on the
// main thread: its ids, capabilities, parent-death signal and execve all belong to that one
// thread, and no LockOSThread means no extra template thread to start (and to end at execve).
func init() {
	if os.Args[0] == "mvrc-child" {
		child.Run()
	}
}

// The parent locks its thread only from the clone on (parent.Run says why).
func main() {
	start := time.Now()
	os.Exit(run(start))
}

func run(start time.Time) int {
	hostname, _ := os.Hostname()
	result, err := cli.Parse(os.Args[1:], cli.Caller{
		Env:      environ(),
		UID:      uint32(os.Geteuid()),
		GID:      uint32(os.Getegid()),
		Hostname: hostname,
	})
	if err != nil {
		return report(err)
	}
	if result.DumpSeccomp != "" {
		filter, err := seccomp.Load(result.DumpSeccomp)
		if err != nil {
			return report(err)
		}
		seccomp.Dump(os.Stdout, filter)
		return 0
	}
	if result.Print != "" {
		fmt.Print(result.Print)
		return 0
	}
	code, err := parent.Run(result.Spec, start)
	if err != nil {
		return report(err)
	}
	return code
}

// report prints err's line(s) on stderr and returns its exit code.
func report(err error) int {
	lines, code := errs.Report(err)
	fmt.Fprintln(os.Stderr, strings.Join(lines, "\n"))
	return code
}

func environ() map[string]string {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if key, value, ok := strings.Cut(kv, "="); ok {
			env[key] = value
		}
	}
	return env
}
