// Package channel is the parent/child protocol over one SOCK_SEQPACKET socketpair, drawn
// once, here (the Rust twin's channel.rs draws the same):
//
//	parent (host, the caller's ids)                  child (new namespaces)
//	───────────────────────────────                  ──────────────────────
//	socketpair; clone ──────────────────────────────▶ starts, blocked in recv
//	[Go only] S + the spec (binary), in chunks,
//	  then an empty S ──────────────────────────────▶ decode the spec
//	write uid_map, "deny" to setgroups, gid_map
//	  (newuidmap/newgidmap for ranges)
//	cgroup, pid file
//	M (mapped) ─────────────────────────────────────▶ hostname → rootfs → network
//	                                                  → identity → workdir → command
//	                        ◀─────────────────────── failure: E + exit code + line; exit
//	                        ◀─────────────────────── success: execve closes the CLOEXEC end (EOF)
//	recv: EOF → running / E → print "mvrc: LINE", exit with CODE
//
// SEQPACKET keeps message boundaries, so each message is one datagram; a datagram must fit
// the socket's buffer whole, so the spec (whose -e values alone may be megabytes) travels
// in chunks of at most maxMessage bytes. EOF is the success
// signal: the child's end is close-on-exec, so only a successful execve closes it while the
// child still lives, and no message can say "exec worked" after the exec.
package channel

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
	"mvrc/internal/spec"
)

// The closed set of messages.
const (
	msgSpec   = 'S' // parent → child: a chunk of the Spec's wire form (spec/wire.go); an empty one ends it
	msgMapped = 'M' // parent → child: id maps written, go on
	msgError  = 'E' // child → parent: exit code byte, then the error line without "mvrc: "
)

// maxMessage bounds one datagram: a spec chunk, or an error line (the Rust twin's bound too).
const maxMessage = 64 << 10

// childFD is where the re-exec'd child finds its end (the first of cmd.ExtraFiles).
const childFD = 3

// ParentEnd is the host's end.
type ParentEnd struct{ fd int }

// ChildEnd is the container's end; close-on-exec, so a successful execve closes it.
type ChildEnd struct{ fd int }

// Pair makes both ends. Both are close-on-exec: the user's command never inherits them.
// The child's end is returned as a file for cmd.ExtraFiles, which hands it over as fd 3.
func Pair() (*ParentEnd, *os.File, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("socketpair: %w", err)
	}
	return &ParentEnd{fd: fds[0]}, os.NewFile(uintptr(fds[1]), "channel"), nil
}

// SendMapped tells the child its id maps are in place.
func (p *ParentEnd) SendMapped() error { return send(p.fd, []byte{msgMapped}) }

// SendSpec hands the child its whole configuration; it never sees the user's command line.
func (p *ParentEnd) SendSpec(s *spec.Spec) error {
	data, err := s.MarshalBinary()
	if err != nil {
		return err
	}
	for chunk := range slices.Chunk(data, maxMessage-1) {
		if err := send(p.fd, append([]byte{msgSpec}, chunk...)); err != nil {
			return err
		}
	}
	return send(p.fd, []byte{msgSpec})
}

// slide: channel
// WaitExec waits until the child has exec'd (EOF: nil) or failed (the error it sent, with
// its line and exit code).
func (p *ParentEnd) WaitExec() error {
	msg, err := recv(p.fd)
	switch {
	case err != nil:
		return err
	case len(msg) == 0:
		return nil
	case msg[0] == msgError && len(msg) >= 2:
		return errs.Codef(int(msg[1]), "%s", msg[2:])
	}
	return fmt.Errorf("channel: unexpected message %q", msg[0])
}

// end slide

// Close ends the parent's side; a child still waiting sees EOF and exits quietly.
func (p *ParentEnd) Close() error { return unix.Close(p.fd) }

// OpenChildEnd takes over the inherited end and makes it close-on-exec, so that a
// successful execve is what the parent sees as EOF.
func OpenChildEnd() (*ChildEnd, error) {
	if _, err := unix.FcntlInt(childFD, unix.F_SETFD, unix.FD_CLOEXEC); err != nil {
		return nil, fmt.Errorf("channel: %w", err)
	}
	return &ChildEnd{fd: childFD}, nil
}

// ReceiveSpec reads the Spec the parent sends first: its chunks up to the empty one.
func (c *ChildEnd) ReceiveSpec() (*spec.Spec, error) {
	var data []byte
	for {
		msg, err := c.expect(msgSpec)
		if err != nil {
			return nil, err
		}
		if len(msg) == 1 {
			break
		}
		data = append(data, msg[1:]...)
	}
	var s spec.Spec
	if err := s.UnmarshalBinary(data); err != nil {
		return nil, fmt.Errorf("channel: decoding spec: %w", err)
	}
	return &s, nil
}

// WaitMapped blocks until the parent has written the id maps.
func (c *ChildEnd) WaitMapped() error {
	_, err := c.expect(msgMapped)
	return err
}

// SendError hands a setup failure to the parent, which prints its line and exits with its
// code. Nothing is left to do if the parent is gone: the child exits anyway.
func (c *ChildEnd) SendError(err error) {
	lines, code := errs.Report(err)
	line := strings.TrimPrefix(lines[0], "mvrc: ")
	_ = send(c.fd, append([]byte{msgError, byte(code)}, line...))
}

// Close ends the child's side (under --init, after COMMAND started: the parent's EOF).
func (c *ChildEnd) Close() error { return unix.Close(c.fd) }

func (c *ChildEnd) expect(kind byte) ([]byte, error) {
	msg, err := recv(c.fd)
	switch {
	case err != nil:
		return nil, err
	case len(msg) == 0:
		return nil, errors.New("channel: parent went away")
	case msg[0] != kind:
		return nil, fmt.Errorf("channel: got message %q, want %q", msg[0], kind)
	}
	return msg, nil
}

func send(fd int, msg []byte) error {
	if _, err := unix.Write(fd, msg); err != nil {
		return fmt.Errorf("channel: send: %w", err)
	}
	return nil
}

// recv reads one datagram; an empty one means the other end is closed.
func recv(fd int) ([]byte, error) {
	buf := make([]byte, maxMessage)
	for {
		n, _, flags, _, err := unix.Recvmsg(fd, buf, nil, 0)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return nil, fmt.Errorf("channel: recv: %w", err)
		case flags&unix.MSG_TRUNC != 0:
			return nil, errors.New("channel: message too long")
		}
		return buf[:n], nil
	}
}
