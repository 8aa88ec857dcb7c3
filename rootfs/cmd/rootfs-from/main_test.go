// The command's promise: DEST is the whole archive or is left as it was.
package main

import (
	"archive/tar"
	"os"
	"path/filepath"
	"testing"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		existing string // a file put in DEST before the run; "" for no DEST
		members  []string
		wantErr  bool
		want     string // a file DEST must hold afterwards
	}{
		{name: "new rootfs", members: []string{"etc/hosts"}, want: "etc/hosts"},
		{name: "replaces an earlier rootfs", existing: "etc/old", members: []string{"etc/new"}, want: "etc/new"},
		{name: "keeps a directory that is not a rootfs", existing: "main.go", members: []string{"etc/hosts"}, wantErr: true, want: "main.go"},
		{name: "hostile archive keeps the earlier rootfs", existing: "etc/old", members: []string{"../escape"}, wantErr: true, want: "etc/old"},
		{name: "hostile archive makes no rootfs", members: []string{"etc/hosts", "/abs"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			dest := filepath.Join(tmp, "rootfs", "imported")
			if err := os.Mkdir(filepath.Dir(dest), 0o755); err != nil {
				t.Fatal(err)
			}
			if tt.existing != "" {
				writeFile(t, filepath.Join(dest, tt.existing))
			}
			tarball := filepath.Join(tmp, "export.tar")
			writeTar(t, tarball, tt.members)

			err := run(tarball, dest)

			if (err != nil) != tt.wantErr {
				t.Fatalf("run error = %v, want error: %v", err, tt.wantErr)
			}
			if tt.want != "" {
				if _, err := os.Stat(filepath.Join(dest, tt.want)); err != nil {
					t.Errorf("DEST lacks %s: %v", tt.want, err)
				}
			} else if _, err := os.Lstat(dest); err == nil {
				t.Errorf("DEST exists after a failed run")
			}
			if tt.existing != "" && tt.existing != tt.want {
				if _, err := os.Stat(filepath.Join(dest, tt.existing)); err == nil {
					t.Errorf("DEST still holds %s from before", tt.existing)
				}
			}
			if leftovers, _ := filepath.Glob(filepath.Join(tmp, "rootfs", ".*")); len(leftovers) != 0 {
				t.Errorf("left behind: %v", leftovers)
			}
		})
	}
}

func writeFile(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeTar(t *testing.T, path string, names []string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	for _, name := range names {
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}
