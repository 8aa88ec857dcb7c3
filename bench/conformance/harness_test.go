// The harness: a case is one mvrc invocation and what must come out; check runs it for a twin.
package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"mvrc/bench/internal/testenv"
)

// usageLine follows every usage error (SPEC, Errors).
const usageLine = "Run 'mvrc help run' for usage."

// caseTimeout bounds one invocation; a hung twin fails its case instead of the whole suite.
const caseTimeout = 30 * time.Second

// tcase is one row of a contract table. Args, env, stdout and stderr may hold the
// placeholders of expand.
type tcase struct {
	name     string
	args     []string // without the program name
	env      []string // added to the caller's clean environment (PATH only)
	stdin    string
	code     int
	stdout   string // exact, unless stdoutRE is set
	stdoutRE string // a regexp the whole stdout must match
	stderr   string // exact, unless stderrRE is set; "" means stderr stays empty
	stderrRE string
}

// fail is the stderr of a runtime error: its one line.
func fail(line string) string { return line + "\n" }

// usage is the stderr of a usage error: its line and the pointer to the help.
func usage(line string) string { return line + "\n" + usageLine + "\n" }

// run builds args from a command line: "run", the options, then "{rootfs}" and the command.
func run(opts []string, command ...string) []string {
	args := append([]string{"run"}, opts...)
	return append(append(args, "{rootfs}"), command...)
}

// runSh is run with the command `sh -c SCRIPT`.
func runSh(opts []string, script string) []string { return run(opts, "sh", "-c", script) }

// o groups options for run.
func o(opts ...string) []string { return opts }

// check runs the case and reports every difference from the contract at once.
func (c tcase) check(t *testing.T, st *testenv.Staged, twin testenv.Twin) {
	t.Helper()
	x := expand(t, st, twin)
	args := expandAll(t, st, twin, c.args)
	got := invoke(t, st, twin, c.stdin, expandAll(t, st, twin, c.env), args...)
	var diffs []string
	if got.code != c.code {
		diffs = append(diffs, fmt.Sprintf("exit %d, want %d", got.code, c.code))
	}
	if d := differs("stdout", got.stdout, x.Replace(c.stdout), x.Replace(c.stdoutRE)); d != "" {
		diffs = append(diffs, d)
	}
	if d := differs("stderr", got.stderr, x.Replace(c.stderr), x.Replace(c.stderrRE)); d != "" {
		diffs = append(diffs, d)
	}
	if len(diffs) > 0 {
		t.Errorf("mvrc %s\n%s", quote(args), strings.Join(diffs, "\n"))
	}
}

// differs says how got misses the exact want or the regexp re ("" when it does not).
func differs(what, got, want, re string) string {
	if re != "" {
		if !regexp.MustCompile(`\A(?:` + re + `)\z`).MatchString(got) {
			return fmt.Sprintf("%s %q, want match of %q", what, got, re)
		}
		return ""
	}
	if got != want {
		return fmt.Sprintf("%s %q, want %q", what, got, want)
	}
	return ""
}

// result is what an invocation left behind.
type result struct {
	code           int
	stdout, stderr string
}

// invoke runs one twin to its end, placeholders in args filled in. A twin killed by a signal
// or by the timeout fails the test: mvrc itself must always exit with a status.
func invoke(t *testing.T, st *testenv.Staged, twin testenv.Twin, stdin string, env []string, args ...string) result {
	t.Helper()
	r, err := execute(st, twin, stdin, env, expandAll(t, st, twin, args)...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// execute is invoke for any goroutine: it returns what went wrong instead of failing the test.
func execute(st *testenv.Staged, twin testenv.Twin, stdin string, env []string, args ...string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	cmd := st.Command(ctx, twin, args...)
	cmd.Env = append(cmd.Env, env...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return result{}, fmt.Errorf("mvrc %s: no exit within %v\nstderr: %q", quote(args), caseTimeout, stderr.String())
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return result{}, fmt.Errorf("mvrc %s: %w", quote(args), err)
	}
	if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); ws.Signaled() {
		return result{}, fmt.Errorf("mvrc %s: mvrc itself was killed by %v\nstderr: %q", quote(args), ws.Signal(), stderr.String())
	}
	return result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}, nil
}

// quote shows a command line the way a shell user would type it.
func quote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = a
		if a == "" || strings.ContainsAny(a, " '\"$*?;&|<>()\\\t\n") {
			q[i] = strconv.Quote(a)
		}
	}
	return strings.Join(q, " ")
}
