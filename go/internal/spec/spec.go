// Package spec is the container's whole configuration (the Spec the parent sends the child)
// and its defaults; values.go and numbers.go parse the option values that are pure text rules,
// env.go builds the environment.
package spec

import "mvrc/internal/idmap"

// defaultPath is the container's PATH unless -e replaces it, as every OCI runtime sets it.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// DefaultHostname is the hostname inside when uts is in --ns.
const DefaultHostname = "mvrc"

// Spec is everything the child needs; it travels to the child in its wire form (wire.go)
// over the channel. The JSON tags are for the shared vectors.
type Spec struct {
	Rootfs     string        `json:"rootfs"`
	Command    []string      `json:"command"`
	Namespaces []string      `json:"namespaces"`
	Hostname   string        `json:"hostname"`
	Env        []string      `json:"env"`
	Workdir    string        `json:"workdir"`
	User       User          `json:"user"`
	UIDMaps    []idmap.IDMap `json:"uid_maps"`
	GIDMaps    []idmap.IDMap `json:"gid_maps"`
	Binds      []Bind        `json:"binds"`
	Tmpfs      []Tmpfs       `json:"tmpfs"`
	ReadOnly   bool          `json:"read_only"`
	Overlay    bool          `json:"overlay"`
	Chroot     bool          `json:"chroot"`
	Init       bool          `json:"init"`
	TTY        bool          `json:"tty"`
	PidFile    string        `json:"pid_file"`
	Debug      bool          `json:"debug"`
	Limits     Limits        `json:"limits"`
	Seccomp    string        `json:"seccomp"`
	// Filter is the compiled --seccomp profile (seccomp.Encode), empty for unconfined: the
	// parent compiles it before anything starts, the child installs it.
	Filter []byte `json:"filter,omitempty"`
}

// User is the identity of COMMAND inside the container.
type User struct {
	UID uint32 `json:"uid"`
	GID uint32 `json:"gid"`
}

// Bind is one -v SRC:DST[:ro].
type Bind struct {
	Source      string `json:"source"`
	Destination string `json:"destination"`
	ReadOnly    bool   `json:"read_only"`
}

// Tmpfs is one --tmpfs DIR[:size=SIZE].
type Tmpfs struct {
	Path string `json:"path"`
	Size int64  `json:"size"` // bytes
}

// defaultTmpfsSize bounds a --tmpfs without size=, as docker bounds /dev/shm: 64 MiB (the
// kernel's default is half of RAM).
const defaultTmpfsSize = 64 << 20

// Limits are the cgroup v2 limits; zero means no limit.
type Limits struct {
	Memory int64   `json:"memory"`
	Pids   int64   `json:"pids"`
	CPUs   float64 `json:"cpus"`
}

// Any reports whether a limit was asked for.
func (l Limits) Any() bool { return l.Memory != 0 || l.Pids != 0 || l.CPUs != 0 }
