// Package spec is the container's whole configuration (the Spec the parent sends the child),
// its defaults, and the parsing of the option values that are pure text rules.
package spec

import (
	"slices"
	"strconv"
	"strings"

	"mvrc/internal/errs"
	"mvrc/internal/idmap"
)

// defaultPath is the container's PATH unless -e replaces it, as every OCI runtime sets it.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// DefaultHostname is the hostname inside when uts is in --ns.
const DefaultHostname = "mvrc"

// NoDotDot is the reason given for a ".." in a path inside the container.
const NoDotDot = `".." is not allowed`

// maxHostname is the kernel's limit on a hostname, in bytes (HOST_NAME_MAX).
const maxHostname = 64

// minCPUs is the smallest --cpus: a quota of 1000µs per 100000µs period, the least cpu.max takes.
const minCPUs = 0.01

// MinPids is the smallest --pids. pids.max counts threads, and mvrc's own are in the container's
// cgroup until COMMAND's execve (the Go child: up to 5) and, under --init, all along (the Go
// init: 5 to 7); below that Go's runtime cannot start a thread and dies with a crash report.
// One floor for both twins, so that both refuse the same limits (design.md, Go's threads).
const MinPids = 16

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

// CheckHostname checks --hostname: 1 to 64 bytes, what sethostname(2) takes.
func CheckHostname(name string) error {
	if len(name) < 1 || len(name) > maxHostname {
		return errs.Usagef("invalid --hostname %q: want 1 to 64 characters", name)
	}
	return nil
}

// HasDotDot reports whether a path has a ".." component; a mount target with one could
// climb out of ROOTFS.
func HasDotDot(p string) bool {
	return slices.Contains(strings.Split(p, "/"), "..")
}

// ParseUser reads UID[:GID]; without GID the gid equals the uid.
func ParseUser(text string) (User, error) {
	uidText, gidText, hasGID := strings.Cut(text, ":")
	if !hasGID {
		gidText = uidText
	}
	uid, uerr := strconv.ParseUint(uidText, 10, 32)
	gid, gerr := strconv.ParseUint(gidText, 10, 32)
	if uerr != nil || gerr != nil {
		return User{}, errs.Usagef("invalid --user %q: want UID[:GID]", text)
	}
	return User{UID: uint32(uid), GID: uint32(gid)}, nil
}

// ParseBind reads SRC:DST[:ro]; DST is a path inside the container, so it must be absolute.
func ParseBind(text string) (Bind, error) {
	fields := strings.Split(text, ":")
	if len(fields) < 2 || len(fields) > 3 || fields[0] == "" || fields[1] == "" ||
		(len(fields) == 3 && fields[2] != "ro") {
		return Bind{}, errs.Usagef("invalid --bind %q: want SRC:DST[:ro]", text)
	}
	if !strings.HasPrefix(fields[1], "/") {
		return Bind{}, errs.Usagef("invalid --bind %q: destination must be an absolute path", text)
	}
	if HasDotDot(fields[1]) {
		return Bind{}, errs.Usagef("invalid --bind %q: %s", text, NoDotDot)
	}
	return Bind{Source: fields[0], Destination: fields[1], ReadOnly: len(fields) == 3}, nil
}

// ParseTmpfs reads DIR[:size=SIZE]; DIR is a path inside the container, SIZE is bytes with
// an optional k, m or g suffix, defaultTmpfsSize without one.
func ParseTmpfs(text string) (Tmpfs, error) {
	dir, option, hasOption := strings.Cut(text, ":")
	switch {
	case !strings.HasPrefix(dir, "/"):
		return Tmpfs{}, errs.Usagef("invalid --tmpfs %q: want an absolute path", text)
	case HasDotDot(dir):
		return Tmpfs{}, errs.Usagef("invalid --tmpfs %q: %s", text, NoDotDot)
	case !hasOption:
		return Tmpfs{Path: dir, Size: defaultTmpfsSize}, nil
	}
	sizeText, isSize := strings.CutPrefix(option, "size=")
	if !isSize {
		return Tmpfs{}, errs.Usagef("invalid --tmpfs %q: want DIR[:size=SIZE]", text)
	}
	size, ok := parseBytes(sizeText)
	if !ok {
		return Tmpfs{}, errs.Usagef("invalid --tmpfs %q: want SIZE in bytes with an optional k, m or g suffix", text)
	}
	return Tmpfs{Path: dir, Size: size}, nil
}

// ParseMemory reads BYTES with an optional k, m or g suffix (powers of 1024).
func ParseMemory(text string) (int64, error) {
	v, ok := parseBytes(text)
	if !ok {
		return 0, errs.Usagef("invalid --memory %q: want BYTES with an optional k, m or g suffix", text)
	}
	return v, nil
}

// parseBytes reads BYTES >= 1 with an optional k, m or g suffix (powers of 1024, either case).
func parseBytes(text string) (int64, bool) {
	digits, shift := text, 0
	if n := len(text); n > 0 {
		switch text[n-1] {
		case 'k', 'K':
			digits, shift = text[:n-1], 10
		case 'm', 'M':
			digits, shift = text[:n-1], 20
		case 'g', 'G':
			digits, shift = text[:n-1], 30
		}
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || !isDigits(digits) || v < 1 || v > (1<<63-1)>>shift {
		return 0, false
	}
	return v << shift, true
}

// ParsePids reads a positive whole number, at least MinPids.
func ParsePids(text string) (int64, error) {
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil || !isDigits(text) || v < 1 {
		return 0, errs.Usagef("invalid --pids %q: want a positive whole number", text)
	}
	if v < MinPids {
		return 0, errs.Usagef("invalid --pids %q: want at least %d (mvrc's own threads count too)", text, MinPids)
	}
	return v, nil
}

// ParseCPUs reads DIGITS[.DIGITS] >= 0.01; no sign, exponent, inf or nan, so both twins agree.
func ParseCPUs(text string) (float64, error) {
	whole, frac, hasFrac := strings.Cut(text, ".")
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || !isDigits(whole) || (hasFrac && !isDigits(frac)) || v < minCPUs {
		return 0, errs.Usagef("invalid --cpus %q: want a positive number", text)
	}
	return v, nil
}

// isDigits reports whether s is one or more ASCII digits (strconv also takes a sign).
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
