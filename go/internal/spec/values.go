// Option values that are text rules: --hostname, --user, --bind and --tmpfs, and the
// path checks they share (absolute, no "..").

package spec

import (
	"slices"
	"strconv"
	"strings"

	"mvrc/internal/errs"
)

// NoDotDot is the reason given for a ".." in a path inside the container.
const NoDotDot = `".." is not allowed`

// maxHostname is the kernel's limit on a hostname, in bytes (HOST_NAME_MAX).
const maxHostname = 64

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
