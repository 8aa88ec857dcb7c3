// Package errs holds the exit-code table and turns any error into the one line and the code
// that mvrc exits with.
package errs

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"unicode/utf8"
)

// The exit codes of SPEC; any other status is the command's own.
const (
	Failed     = 125 // mvrc itself failed: usage, rootfs, namespaces, maps, mounts, cgroups
	CannotExec = 126 // COMMAND exists in the container but cannot be executed
	NotFound   = 127 // COMMAND was not found in the container
)

// usageHint is the second line printed after a usage error.
const usageHint = "Run 'mvrc help run' for usage."

// Error is a failure that knows its exit code. Its message is the line without "mvrc: ".
type Error struct {
	Code  int
	Usage bool // a usage error also prints usageHint
	Err   error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Usagef reports a bad command line: exit 125 and the usage hint.
func Usagef(format string, args ...any) error {
	return &Error{Code: Failed, Usage: true, Err: fmt.Errorf(format, args...)}
}

// Failf reports a failed setup step (exit 125); use %w to keep the cause.
func Failf(format string, args ...any) error {
	return &Error{Code: Failed, Err: fmt.Errorf(format, args...)}
}

// Codef reports a failure with an explicit exit code (126, 127).
func Codef(code int, format string, args ...any) error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// Report maps err to what mvrc prints and returns: the lines for stderr and the exit code.
// An error that is not an *Error is a setup failure (125). The op and path of an
// *fs.PathError inside err are left out, once, here: the line already says what failed,
// and "mvrc: rootfs "x": stat x: no such file or directory" would say it twice.
func Report(err error) (lines []string, code int) {
	line := "mvrc: " + err.Error()
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		line = strings.Replace(line, pathErr.Error(), pathErr.Err.Error(), 1)
	}
	var e *Error
	if !errors.As(err, &e) {
		return []string{line}, Failed
	}
	if e.Usage {
		return []string{line, usageHint}, e.Code
	}
	return []string{line}, e.Code
}

// Code is the exit code of err: its own, or Failed for an error that is not an *Error.
func Code(err error) int {
	_, code := Report(err)
	return code
}

// Status is the exit status mvrc reports for a process that ended with ws: its own exit
// code, or 128+N when signal N killed it (the shell's convention).
func Status(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// Shown is a path for an error line where it stands unquoted (`mount point DIR: ...`): as it
// is, but each byte that is not UTF-8 as \xNN, the way %q shows it, so that a line is text and
// both twins print the same one (testdata/unit/quote_bytes.json).
func Shown(path string) string {
	if utf8.ValidString(path) {
		return path
	}
	var b strings.Builder
	for i := 0; i < len(path); {
		r, size := utf8.DecodeRuneInString(path[i:])
		if r == utf8.RuneError && size == 1 {
			fmt.Fprintf(&b, `\x%02x`, path[i])
		} else {
			b.WriteString(path[i : i+size])
		}
		i += size
	}
	return b.String()
}
