package command

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"mvrc/internal/errs"
)

func TestFind(t *testing.T) {
	dir := t.TempDir()
	first, second, empty := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	for _, d := range []string{first, second, empty} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(path string, mode os.FileMode) {
		if err := os.WriteFile(path, []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(first, "tool"), 0o755)
	write(filepath.Join(second, "tool"), 0o755)
	write(filepath.Join(second, "plain"), 0o644)
	if err := os.Mkdir(filepath.Join(first, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(second, "sub"), 0o755)
	path := first + ":" + second + ":" + empty
	t.Chdir(first) // an empty PATH element would find first/tool

	for _, tc := range []struct {
		name, cmd, path, want string
		code                  int
	}{
		{"first directory wins", "tool", path, filepath.Join(first, "tool"), 0},
		{"later directory", "plain", path, filepath.Join(second, "plain"), 0},
		{"directories are skipped", "sub", path, filepath.Join(second, "sub"), 0},
		{"slash is used as is", "./nope", path, "./nope", 0},
		{"absolute is used as is", "/no/such", path, "/no/such", 0},
		{"not found", "nope", path, "", errs.NotFound},
		{"empty PATH", "tool", "", "", errs.NotFound},
		{"empty elements are skipped", "tool", ":", "", errs.NotFound},
		{"empty element among others", "plain", "::" + second + ":", filepath.Join(second, "plain"), 0},
		{"empty command", "", path, "", errs.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Find(tc.cmd, tc.path)
			if tc.code != 0 {
				if _, code := errs.Report(err); err == nil || code != tc.code {
					t.Fatalf("Find(%q) = %q, %v; want code %d", tc.cmd, got, err, tc.code)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Find(%q) = %q, %v; want %q", tc.cmd, got, err, tc.want)
			}
		})
	}
}

func TestExecError(t *testing.T) {
	for _, tc := range []struct {
		errno syscall.Errno
		line  string
		code  int
	}{
		{syscall.ENOENT, `mvrc: exec "x": no such file or directory`, 127},
		{syscall.EACCES, `mvrc: exec "x": permission denied`, 126},
		{syscall.EISDIR, `mvrc: exec "x": permission denied`, 126},
		{syscall.ENOEXEC, `mvrc: exec "x": exec format error`, 126},
		{syscall.E2BIG, `mvrc: exec "x": argument list too long`, 126},
	} {
		lines, code := errs.Report(ExecError("x", tc.errno))
		if lines[0] != tc.line || code != tc.code {
			t.Errorf("ExecError(%v) = %q, %d; want %q, %d", tc.errno, lines[0], code, tc.line, tc.code)
		}
	}
}

func TestPathOf(t *testing.T) {
	if got := PathOf([]string{"HOME=/root", "PATH=/x:/y"}); got != "/x:/y" {
		t.Fatalf("PathOf = %q", got)
	}
	if got := PathOf([]string{"HOME=/root"}); got != "" {
		t.Fatalf("PathOf without PATH = %q", got)
	}
}
