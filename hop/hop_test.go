package hop

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// The committed hop-ARCH files are what build.sh makes of src/hop.c today: a change to it
// that was not rebuilt fails here (bootstrap installs both compilers).
func TestCommittedFilesAreFresh(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("./build.sh", dir).CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}
	for arch, committed := range Programs {
		built, err := os.ReadFile(filepath.Join(dir, "hop-"+arch))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(built, committed) {
			t.Errorf("hop-%s differs from a fresh build of src/hop.c: run `just hop` and commit", arch)
		}
	}
}

// native is this machine's hop, written to a file to run.
func native(t *testing.T) string {
	t.Helper()
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	path := filepath.Join(t.TempDir(), "hop")
	if err := os.WriteFile(path, Programs[arch], 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// hopped runs the hop as the child does: argv[0] is the channel's number (3 here, a
// socketpair's end), then PATH and COMMAND's argv. It returns what the channel's other end
// read (EOF after a successful exec: empty), stdout, stderr and the exit code.
func hopped(t *testing.T, hop string, env []string, args ...string) (msg []byte, stdout, stderr string, code int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	ours, theirs := os.NewFile(uintptr(fds[0]), "parent"), os.NewFile(uintptr(fds[1]), "child")
	defer ours.Close()
	var out, errb bytes.Buffer
	cmd := &exec.Cmd{Path: hop, Args: args, Env: env, Stdout: &out, Stderr: &errb, ExtraFiles: []*os.File{theirs}}
	err = cmd.Start()
	theirs.Close()
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, _ := ours.Read(buf)
	_ = cmd.Wait()
	return buf[:max(n, 0)], out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

func TestHop(t *testing.T) {
	hop := native(t)
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	// COMMAND gets argv and the environment byte for byte, and no channel: fd 3 is closed.
	arg := "a\xff b"
	msg, out, _, code := hopped(t, hop, []string{"K=v\xfe"}, "3", sh, "zero", "-c", `printf '%s|%s|%s|' "$0" "$1" "$K"; [ -e /proc/self/fd/3 ] && echo open || echo closed`, "name", arg)
	if want := "name|" + arg + "|v\xfe|closed\n"; code != 0 || out != want || len(msg) != 0 {
		t.Errorf("exec: code %d, stdout %q, channel %q; want 0, %q, EOF", code, out, msg, want)
	}
	// A failed execve: 'X' and errno, big-endian, on the channel; 127 for a missing file.
	for _, c := range []struct {
		path  string
		errno syscall.Errno
		code  int
	}{
		{"/no/such/file", unix.ENOENT, 127},
		{"/", unix.EACCES, 126},
		{"/dev/null", unix.EACCES, 126},
	} {
		msg, _, _, code := hopped(t, hop, nil, "3", c.path, "x")
		want := binary.BigEndian.AppendUint32([]byte{'X'}, uint32(c.errno))
		if !bytes.Equal(msg, want) || code != c.code {
			t.Errorf("exec %s: channel %q, code %d; want %q, %d", c.path, msg, code, want, c.code)
		}
	}
	// Run any other way, it says what it is and exits 125 (the container's /proc/self/exe).
	for _, args := range [][]string{{hop}, {"/proc/self/exe", "nope"}, {"3", "/bin/true"}, {"3x", "/bin/true", "true"}, {"", "/bin/true", "true"}} {
		msg, _, stderr, code := hopped(t, hop, nil, args...)
		if code != 125 || !strings.Contains(stderr, "mvrc's exec hop") || len(msg) != 0 {
			t.Errorf("hop %q: code %d, stderr %q, channel %q; want 125 and its line", args, code, stderr, msg)
		}
	}
}
