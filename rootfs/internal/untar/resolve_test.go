// Member names and symlink resolution, rooted at the target.
package untar

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestMemberPath(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{in: "etc/passwd", want: "etc/passwd"},
		{in: "./etc/passwd", want: "etc/passwd"},
		{in: "etc/", want: "etc"},
		{in: "./", want: "."},
		{in: "a/b/../c", want: "a/c"},
		{in: "a/../..", err: ErrEscape},
		{in: "../etc/passwd", err: ErrEscape},
		{in: "/etc/passwd", err: ErrEscape},
		{in: "..", err: ErrEscape},
	}
	for _, tt := range tests {
		got, err := memberPath(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("memberPath(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestResolveInside(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"usr/bin", "a/b"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"bin":    "usr/bin",      // usrmerge, relative
		"sbin":   "/usr/bin",     // absolute: the container's /
		"a/b/up": "../../../../", // climbs past the root
		"loop":   "loop",
	}
	for name, to := range links {
		if err := os.Symlink(to, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ in, want string }{
		{"etc", "etc"},
		{"bin", "usr/bin"},
		{"bin/sh", "usr/bin/sh"},
		{"sbin/x", "usr/bin/x"},
		{"a/b/up/etc", "etc"},
		{"../../etc", "etc"},
		{"missing/../etc", "etc"},
		{".", ""},
	}
	for _, tt := range tests {
		got, err := resolveInside(root, tt.in)
		if want := filepath.Join(root, tt.want); got != want || err != nil {
			t.Errorf("resolveInside(%q) = %q, %v; want %q", tt.in, got, err, want)
		}
	}
	if _, err := resolveInside(root, "loop/x"); err == nil {
		t.Errorf("resolveInside(loop/x) succeeded, want too many levels of symbolic links")
	}
}
