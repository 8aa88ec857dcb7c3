// Package figures measures one container run from the parent's side: wall time to exit,
// time to the first byte, and the CPU the kernel accounted to the runtime's process tree;
// peak RSS has a pass of its own (peakrss.go). The benchmarks in this package turn runs
// into the published figures.
package figures

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Sample is what one run cost.
type Sample struct {
	Exit  time.Duration // start of the runtime to its exit
	Ready time.Duration // start of the runtime to the contained command's first byte
	CPU   time.Duration // user + system time of the runtime and every child it reaped
}

// Run starts cmd, and waits for it. With ready, the contained command is expected to
// write to stdout, and Ready is when its first byte arrives. Nothing polls: the read
// blocks until the byte is there, wait4 until the process is gone.
func Run(cmd *exec.Cmd, ready bool) (Sample, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	var stdout *os.File // read end of the contained command's stdout
	if ready {
		r, w, err := os.Pipe()
		if err != nil {
			return Sample{}, err
		}
		defer r.Close()
		cmd.Stdout, stdout = w, r
	}
	var s Sample
	start := time.Now()
	err := cmd.Start()
	if w, ok := cmd.Stdout.(*os.File); ok {
		w.Close() // the child has its own copy; ours would keep the pipe open forever
	}
	if err != nil {
		return s, err
	}
	if ready {
		if _, err := io.ReadFull(stdout, make([]byte, 1)); err == nil {
			s.Ready = time.Since(start)
		}
		_, _ = io.Copy(io.Discard, stdout)
	}
	err = cmd.Wait()
	s.Exit = time.Since(start)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if err != nil {
		return s, fmt.Errorf("%s: %w: %s", cmd.Args[0], err, firstLine(stderr.String()))
	}
	if ready && s.Ready == 0 {
		return s, errors.New(cmd.Args[0] + ": the contained command wrote nothing")
	}
	return s, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
