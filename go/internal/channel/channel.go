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
//	M (mapped) ─────────────────────────────────────▶ hostname → rootfs
//	  -t: + the caller's window size                  -t: open a pty of the container's
//	                        ◀─────────────────────── devpts; T + its master (SCM_RIGHTS)
//	                                                  → network → identity → workdir → command
//	                        ◀─────────────────────── failure: E + exit code + line; exit
//	                                                  execveat the hop (its end left open)
//	                                                  hop: end → CLOEXEC; execve COMMAND
//	                        ◀─────────────────────── failure: X + execve's errno; exit
//	                        ◀─────────────────────── success: execve closes the CLOEXEC end (EOF)
//	recv: EOF → running / E → print "mvrc: LINE", exit with CODE / X → the exec's line
//	-t: the caller's terminal raw, relay master ⇄ stdin/stdout
//
// SEQPACKET keeps message boundaries, so each message is one datagram; a datagram must fit
// the socket's buffer whole, so the spec (whose -e values alone may be megabytes) travels
// in chunks of at most maxMessage bytes. EOF is the success
// signal: the child's end is close-on-exec, so only a successful execve closes it while the
// child still lives, and no message can say "exec worked" after the exec. The child's one
// exec that keeps its end open is the hop's (../../../hop/src/hop.c), which closes it on
// COMMAND's execve or sends X.
package channel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"mvrc/internal/command"
	"mvrc/internal/errs"
	"mvrc/internal/sealed"
	"mvrc/internal/spec"
)

// The closed set of messages.
const (
	msgSpec   = 'S' // parent → child: a chunk of the Spec's wire form (spec/wire.go); an empty one ends it
	msgMapped = 'M' // parent → child: id maps written, go on; with -t, the window size follows
	msgTTY    = 'T' // child → parent: the pty's master, as SCM_RIGHTS
	msgError  = 'E' // child → parent: exit code byte, then the error line without "mvrc: "
	// hop → parent: 'X', COMMAND's execve failed, and its errno (sealed.Failed decodes it)
)

// maxMessage bounds one datagram: a spec chunk, or an error line (the Rust twin's bound too).
const maxMessage = 64 << 10

// childFD is where the re-exec'd child finds its end (ProcAttr.Files[3] of syscall.ForkExec).
const childFD = 3

// ParentEnd is the host's end.
type ParentEnd struct{ fd int }

// ChildEnd is the container's end; close-on-exec, so a successful execve closes it.
type ChildEnd struct{ fd int }

// Pair makes both ends. Both are close-on-exec: the user's command never inherits them.
// The child's end is returned as a file; the parent's ForkExec hands it over as fd 3.
func Pair() (*ParentEnd, *os.File, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("socketpair: %w", err)
	}
	return &ParentEnd{fd: fds[0]}, os.NewFile(uintptr(fds[1]), "channel"), nil
}

// SendMapped tells the child its id maps are in place. With -t it carries the caller's window
// size (rows, columns, x and y pixels, big-endian), which the child gives its pty before
// COMMAND can ask for it.
func (p *ParentEnd) SendMapped(size *unix.Winsize) error {
	msg := []byte{msgMapped}
	if size != nil {
		for _, v := range []uint16{size.Row, size.Col, size.Xpixel, size.Ypixel} {
			msg = binary.BigEndian.AppendUint16(msg, v)
		}
	}
	return send(p.fd, msg)
}

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
// WaitExec waits until COMMAND runs (EOF: nil) or the child failed (the error it sent, with
// its line and exit code, or the errno of COMMAND's execve, worded for argv0).
func (p *ParentEnd) WaitExec(argv0 string) error {
	msg, err := recv(p.fd)
	switch {
	case err != nil:
		return err
	case len(msg) == 0:
		return nil
	case msg[0] == msgError && len(msg) >= 2:
		return errs.Codef(int(msg[1]), "%s", msg[2:])
	}
	if errno, ok := sealed.Failed(msg); ok {
		return command.ExecError(argv0, errno)
	}
	return fmt.Errorf("channel: unexpected message %q", msg[0])
}

// end slide

// ReceiveTerminal waits, under -t, for the child's pty master, which comes before the
// child execs; a step that failed before it comes as the child's error, as in WaitExec.
func (p *ParentEnd) ReceiveTerminal() (master int, err error) {
	msg, fd, err := recvFD(p.fd)
	switch {
	case err != nil:
		return -1, err
	case len(msg) == 1 && msg[0] == msgTTY && fd >= 0:
		return fd, nil
	case fd >= 0:
		_ = unix.Close(fd)
	}
	switch {
	case len(msg) == 0:
		return -1, errors.New("channel: the child ended without a terminal")
	case msg[0] == msgError && len(msg) >= 2:
		return -1, errs.Codef(int(msg[1]), "%s", msg[2:])
	}
	return -1, fmt.Errorf("channel: unexpected message %q", msg[0])
}

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

// WaitMapped blocks until the parent has written the id maps; with -t it returns the
// caller's window size.
func (c *ChildEnd) WaitMapped() (*unix.Winsize, error) {
	msg, err := c.expect(msgMapped)
	if err != nil || len(msg) != 9 {
		return nil, err
	}
	u := func(i int) uint16 { return binary.BigEndian.Uint16(msg[1+2*i:]) }
	return &unix.Winsize{Row: u(0), Col: u(1), Xpixel: u(2), Ypixel: u(3)}, nil
}

// slide: pty
// SendTerminal hands the pty's master to the parent: only a descriptor passed over the
// socket crosses from the container's devpts to the host.
func (c *ChildEnd) SendTerminal(master int) error {
	if err := unix.Sendmsg(c.fd, []byte{msgTTY}, unix.UnixRights(master), nil, 0); err != nil {
		return fmt.Errorf("channel: send: %w", err)
	}
	return nil
}

// end slide

// Handover leaves the child's end open across the next execve, the hop's, and returns its
// number for the hop's command line: the hop closes it on COMMAND's execve, or reports.
func (c *ChildEnd) Handover() (int, error) {
	if _, err := unix.FcntlInt(uintptr(c.fd), unix.F_SETFD, 0); err != nil {
		return -1, fmt.Errorf("channel: %w", err)
	}
	return c.fd, nil
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
	msg, passed, err := recvFD(fd)
	if passed >= 0 {
		_ = unix.Close(passed) // only WaitExec expects a descriptor
	}
	return msg, err
}

// recvFD is recv that also takes one descriptor passed along (-1 if none), close-on-exec.
func recvFD(fd int) (msg []byte, passed int, err error) {
	buf, oob := make([]byte, maxMessage), make([]byte, unix.CmsgSpace(4))
	for {
		n, oobn, flags, _, err := unix.Recvmsg(fd, buf, oob, unix.MSG_CMSG_CLOEXEC)
		if err == unix.EINTR {
			continue
		}
		passed = -1
		if err == nil && oobn > 0 {
			passed = unixRight(oob[:oobn])
		}
		switch {
		case err != nil:
			return nil, -1, fmt.Errorf("channel: recv: %w", err)
		case flags&(unix.MSG_TRUNC|unix.MSG_CTRUNC) != 0:
			if passed >= 0 {
				_ = unix.Close(passed)
			}
			return nil, -1, errors.New("channel: message too long")
		}
		return buf[:n], passed, nil
	}
}

// unixRight is the descriptor in an SCM_RIGHTS control message (-1 if there is none).
func unixRight(oob []byte) int {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil || len(msgs) != 1 {
		return -1
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return -1
	}
	return fds[0]
}
