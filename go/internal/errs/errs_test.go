package errs

import (
	"errors"
	"fmt"
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines, code := Report(tc.err)
			if !reflect.DeepEqual(lines, tc.lines) || code != tc.code {
				t.Fatalf("Report = %q, %d; want %q, %d", lines, code, tc.lines, tc.code)
			}
		})
	}
}

func TestErrno(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{syscall.EPERM, "operation not permitted"},
		{fmt.Errorf("open /x: %w", syscall.ENOENT), "no such file or directory"},
		{errors.New("no errno here"), "no errno here"},
	} {
		if got := Errno(tc.err); got != tc.want {
			t.Errorf("Errno(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestFailfKeepsCause(t *testing.T) {
	if err := Failf("pivot_root: %w", syscall.EINVAL); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("Failf lost its cause: %v", err)
	}
}
