package errs

import (
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"syscall"
	"testing"
)

func TestReport(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		lines []string
		code  int
	}{
		{"usage", Usagef("unknown flag %q", "--x"), []string{`mvrc: unknown flag "--x"`, usageHint}, Failed},
		{"failure", Failf("mount proc on /proc: %w", syscall.EPERM), []string{"mvrc: mount proc on /proc: operation not permitted"}, Failed},
		{"not found", Codef(NotFound, "exec %q: no such file or directory", "x"), []string{`mvrc: exec "x": no such file or directory`}, NotFound},
		{"wrapped", fmt.Errorf("outer: %w", Codef(CannotExec, "inner")), []string{"mvrc: outer: inner"}, CannotExec},
		{"plain error", errors.New("boom"), []string{"mvrc: boom"}, Failed},
		{"path error", Failf("rootfs %q: %w", "x", &fs.PathError{Op: "stat", Path: "x", Err: syscall.ENOENT}), []string{`mvrc: rootfs "x": no such file or directory`}, Failed},
		{"path error, not wrapped", &fs.PathError{Op: "open", Path: "/y", Err: syscall.EACCES}, []string{"mvrc: permission denied"}, Failed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines, code := Report(tc.err)
			if !reflect.DeepEqual(lines, tc.lines) || code != tc.code {
				t.Fatalf("Report = %q, %d; want %q, %d", lines, code, tc.lines, tc.code)
			}
		})
	}
}

func TestFailfKeepsCause(t *testing.T) {
	if err := Failf("pivot_root: %w", syscall.EINVAL); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("Failf lost its cause: %v", err)
	}
}
