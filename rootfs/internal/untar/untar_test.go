// Extraction of normal and hostile archives, each built in the test with tar.Writer.
package untar

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// member is one archive entry; OUTSIDE in name or link stands for a host
// directory next to the target that no extraction may touch.
type member struct {
	name, link, body string
	typ              byte
	mode             int64
}

func dir(name string) member { return member{name: name, typ: tar.TypeDir, mode: 0o755} }
func file(name, body string) member {
	return member{name: name, body: body, typ: tar.TypeReg, mode: 0o644}
}
func symlink(name, to string) member {
	return member{name: name, link: to, typ: tar.TypeSymlink, mode: 0o777}
}
func hardlink(name, to string) member { return member{name: name, link: to, typ: tar.TypeLink} }

var errAny = errors.New("any error")

func TestExtract(t *testing.T) {
	tests := []struct {
		name    string
		gzip    bool
		members func(outside string) []member
		wantErr error
		check   func(t *testing.T, root, outside string, sum Summary)
	}{
		{
			name: "normal archive",
			members: func(string) []member {
				return []member{dir("./"), dir("bin/"), file("bin/busybox", "#!elf"),
					symlink("bin/sh", "/bin/busybox"), dir("etc/"), file("etc/hosts", "127.0.0.1 localhost\n"),
					hardlink("etc/hosts.bak", "etc/hosts"), {name: "tmp/", typ: tar.TypeDir, mode: 0o1777},
					{name: "bin/su", body: "su", typ: tar.TypeReg, mode: 0o4755}, {name: "ro/", typ: tar.TypeDir, mode: 0o555},
					file("ro/inside", "x")}
			},
			check: func(t *testing.T, root, _ string, sum Summary) {
				want := Summary{Files: 4, Dirs: 4, Symlinks: 1, Hardlinks: 1}
				if sum != want {
					t.Errorf("summary = %+v, want %+v", sum, want)
				}
				wantContent(t, filepath.Join(root, "etc/hosts"), "127.0.0.1 localhost\n")
				if link, _ := os.Readlink(filepath.Join(root, "bin/sh")); link != "/bin/busybox" {
					t.Errorf("bin/sh -> %q, want /bin/busybox", link)
				}
				if links := nlink(t, filepath.Join(root, "etc/hosts")); links != 2 {
					t.Errorf("etc/hosts has %d links, want 2", links)
				}
				wantMode(t, filepath.Join(root, "bin/su"), 0o755)
				wantMode(t, filepath.Join(root, "tmp"), fs.ModeDir|fs.ModeSticky|0o777)
				wantMode(t, filepath.Join(root, "ro"), fs.ModeDir|0o555)
				wantContent(t, filepath.Join(root, "ro/inside"), "x")
				t.Cleanup(func() { os.Chmod(filepath.Join(root, "ro"), 0o755) }) // lets a non-root TempDir cleanup remove it
			},
		},
		{
			name: "gzip archive",
			gzip: true,
			members: func(string) []member {
				return []member{dir("etc/"), file("etc/hostname", "box\n")}
			},
			check: func(t *testing.T, root, _ string, _ Summary) {
				wantContent(t, filepath.Join(root, "etc/hostname"), "box\n")
			},
		},
		{
			name:    "escape by ../",
			members: func(string) []member { return []member{file("../pwned", "x")} },
			wantErr: ErrEscape,
		},
		{
			name:    "escape by ../ in the middle",
			members: func(string) []member { return []member{dir("a/"), file("a/../../outside/pwned", "x")} },
			wantErr: ErrEscape,
		},
		{
			name:    "escape by absolute path",
			members: func(outside string) []member { return []member{file(outside+"/pwned", "x")} },
			wantErr: ErrEscape,
		},
		{
			name: "escape by an absolute symlink parent lands inside",
			members: func(outside string) []member {
				return []member{symlink("evil", outside), file("evil/pwned", "x")}
			},
			check: func(t *testing.T, root, outside string, _ Summary) {
				wantContent(t, filepath.Join(root, outside, "pwned"), "x")
			},
		},
		{
			name: "escape by a relative symlink parent lands inside",
			members: func(string) []member {
				return []member{dir("a/"), symlink("a/up", "../../../../../outside"), file("a/up/pwned", "x")}
			},
			check: func(t *testing.T, root, _ string, _ Summary) {
				wantContent(t, filepath.Join(root, "outside/pwned"), "x")
			},
		},
		{
			name:    "escape by a hard link to an absolute path",
			members: func(outside string) []member { return []member{hardlink("stolen", outside+"/secret")} },
			wantErr: ErrEscape,
		},
		{
			name:    "escape by a hard link with ../",
			members: func(string) []member { return []member{hardlink("stolen", "../outside/secret")} },
			wantErr: ErrEscape,
		},
		{
			name: "escape by a hard link through a symlink",
			members: func(outside string) []member {
				return []member{symlink("evil", outside), hardlink("stolen", "evil/secret")}
			},
			wantErr: ErrLinkTarget,
		},
		{
			name: "device nodes and FIFOs are skipped",
			members: func(string) []member {
				return []member{dir("dev/"), {name: "dev/sda", typ: tar.TypeBlock, mode: 0o660},
					{name: "dev/null", typ: tar.TypeChar, mode: 0o666}, {name: "run/fifo", typ: tar.TypeFifo, mode: 0o644}}
			},
			check: func(t *testing.T, root, _ string, sum Summary) {
				if sum.Skipped != 3 {
					t.Errorf("skipped %d, want 3", sum.Skipped)
				}
				entries, _ := os.ReadDir(filepath.Join(root, "dev"))
				if len(entries) != 0 {
					t.Errorf("dev/ holds %d entries, want none", len(entries))
				}
			},
		},
		{
			name:    "symlink loop",
			members: func(string) []member { return []member{symlink("a", "b"), symlink("b", "a"), file("a/x", "x")} },
			wantErr: errAny,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			root, outside := filepath.Join(tmp, "root"), filepath.Join(tmp, "outside")
			mustMkdir(t, root)
			mustMkdir(t, outside)
			if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o600); err != nil {
				t.Fatal(err)
			}

			sum, err := Extract(bytes.NewReader(archive(t, tt.gzip, tt.members(outside))), root, nil)

			switch {
			case tt.wantErr == errAny && err == nil:
				t.Fatalf("Extract succeeded, want an error")
			case tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
				t.Fatalf("Extract error = %v, want %v", err, tt.wantErr)
			}
			entries, _ := os.ReadDir(outside)
			if len(entries) != 1 || nlink(t, filepath.Join(outside, "secret")) != 1 {
				t.Errorf("the directory outside the target was touched: %v", entries)
			}
			if tt.check != nil {
				tt.check(t, root, outside, sum)
			}
		})
	}
}

func archive(t *testing.T, compress bool, members []member) []byte {
	t.Helper()
	var buf bytes.Buffer
	var zw *gzip.Writer
	tw := tar.NewWriter(&buf)
	if compress {
		zw = gzip.NewWriter(&buf)
		tw = tar.NewWriter(zw)
	}
	for _, m := range members {
		hdr := &tar.Header{Name: m.name, Linkname: m.link, Typeflag: m.typ, Mode: m.mode, Size: int64(len(m.body))}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(m.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func mustMkdir(t *testing.T, path string) {
	t.Helper()
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

func wantContent(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		t.Errorf("%s = %q, %v; want %q", path, got, err, want)
	}
}

func wantMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Errorf("mode of %s: %v", path, err)
	} else if info.Mode() != want {
		t.Errorf("mode of %s = %v, want %v", path, info.Mode(), want)
	}
}

func nlink(t *testing.T, path string) uint64 {
	t.Helper()
	info, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return uint64(info.Sys().(*syscall.Stat_t).Nlink)
}
