package mounts

import (
	"os"
	"path/filepath"
	"testing"
)

// Every target resolves inside the root, whatever symlinks and ".." the root holds, and
// what is missing is created there: a directory, or an empty file for a file's bind.
func TestTargetsResolveInsideTheRoot(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"etc", "real"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"proc": "/etc", "up": "../../../..", "rel": "real"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	root, err := OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for _, tc := range []struct {
		inside string
		file   bool
		want   string // under dir
	}{
		{"/a/b", false, "a/b"},
		{"/proc/x", false, "etc/x"}, // an absolute link is read from the root, not the host
		{"/up/y", false, "y"},       // ".." stops at the root
		{"/../../z", false, "z"},
		{"/rel/w", false, "real/w"},
		{"/dev/null", true, "dev/null"},
	} {
		var got string
		err := root.at(tc.inside, tc.file, func(target string) (err error) {
			got, err = os.Readlink(target)
			return err
		})
		if want := filepath.Join(dir, tc.want); err != nil || got != want {
			t.Errorf("at(%q) resolved to %q, %v; want %q", tc.inside, got, err, want)
		}
		info, err := os.Stat(filepath.Join(dir, tc.want))
		if err != nil || info.IsDir() == tc.file {
			t.Errorf("at(%q) made %v, %v; want a file: %v", tc.inside, info, err, tc.file)
		}
	}
}
