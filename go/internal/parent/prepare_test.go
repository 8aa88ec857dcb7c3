package parent

import (
	"os"
	"path/filepath"
	"testing"

	"mvrc/internal/errs"
)

func TestCheckRootfs(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, tc := range []struct {
		name, in, want, line string
	}{
		{"absolute", dir, dir, ""},
		{"relative becomes absolute", ".", dir, ""},
		{"missing", "nope", "", `mvrc: rootfs "nope": no such directory`},
		{"a file", "file", "", `mvrc: rootfs "file": not a directory`},
		{"below a file", "file/x", "", `mvrc: rootfs "file/x": not a directory`},
		{"the host's root", "/", "", `mvrc: rootfs "/": cannot be the host's root directory`},
		{"up to the host's root", "../../../../../../..", "", `mvrc: rootfs "../../../../../../..": cannot be the host's root directory`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := checkRootfs(tc.in)
			if tc.line != "" {
				if lines, code := errs.Report(err); err == nil || lines[0] != tc.line || code != errs.Failed {
					t.Fatalf("checkRootfs(%q) = %q, %v; want %q", tc.in, got, err, tc.line)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("checkRootfs(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}
