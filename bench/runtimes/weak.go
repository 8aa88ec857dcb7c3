package runtimes

// Deliberately weak configurations: each leaves out something a container needs. The
// isolation catalogue must fail them (bench/isolation's TestCatalogueFailsWeakRuntimes), or
// its assertions could not fail at all.

// Weak is the line-up of weak configurations, each named for what it lacks.
var Weak = []Runtime{
	{Name: "no runtime", binary: onPath("env"),
		// The command runs on the host as the test user: nothing is isolated.
		argv: func(_ *Workspace, args []string) ([]string, error) { return args, nil }},
	{Name: "mvrc without pid namespace", binary: func(ws *Workspace) string { return ws.twinPath("go") },
		argv: func(ws *Workspace, args []string) ([]string, error) {
			return append([]string{"run", "--ns", "user,mount,uts,ipc,net", ws.Rootfs}, args...), nil
		}},
	{Name: "mvrc without uts, ipc, net", binary: func(ws *Workspace) string { return ws.twinPath("rust") },
		argv: func(ws *Workspace, args []string) ([]string, error) {
			return append([]string{"run", "--ns", "user,mount,pid", ws.Rootfs}, args...), nil
		}},
	{Name: "mvrc --chroot", binary: func(ws *Workspace) string { return ws.twinPath("rust") },
		// chroot instead of pivot_root: the old root stays above "/".
		argv: func(ws *Workspace, args []string) ([]string, error) {
			return append([]string{"run", "--chroot", "--ns", Namespaces, ws.Rootfs}, args...), nil
		}},
	{Name: "mvrc --seccomp unconfined", binary: func(ws *Workspace) string { return ws.twinPath("go") },
		// everything but the system-call filter
		argv: func(ws *Workspace, args []string) ([]string, error) {
			return append([]string{"run", "--seccomp", "unconfined", "--ns", Namespaces, ws.Rootfs}, args...), nil
		}},
	// unshare as the peer row runs it: chroot, lo left down, every capability kept.
	named("unshare"),
	// The floors as their rows run them: lo left down, every capability kept, no seccomp
	// (floor.c's comment). go-floor takes c-floor's steps in Go, and leaves out the same.
	named("c-floor"),
	named("go-floor"),
}

// named is the runtime of All called name.
func named(name string) Runtime {
	for _, rt := range All {
		if rt.Name == name {
			return rt
		}
	}
	panic("runtimes: no runtime " + name)
}
