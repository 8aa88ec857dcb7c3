// Numeric option values: sizes with a k, m or g suffix (--memory, --tmpfs size=), --pids
// and --cpus, read the same way by both twins.

package spec

import (
	"strconv"
	"strings"

	"mvrc/internal/errs"
)

// minCPUs is the smallest --cpus: a quota of 1000µs per 100000µs period, the least cpu.max takes.
const minCPUs = 0.01

// MinPids is the smallest --pids. pids.max counts threads, and mvrc's own are in the container's
// cgroup until COMMAND's execve (the Go child: up to 5) and, under --init, all along (the Go
// init: 5 to 7); below that Go's runtime cannot start a thread and dies with a crash report.
// One floor for both twins, so that both refuse the same limits (design.md, Go's threads).
const MinPids = 16

// ParseMemory reads BYTES with an optional k, m or g suffix (powers of 1024).
func ParseMemory(text string) (int64, error) {
	v, ok := parseBytes(text)
	if !ok {
		return 0, errs.Usagef("invalid --memory %q: want BYTES with an optional k, m or g suffix", text)
	}
	return v, nil
}

// parseBytes reads BYTES >= 1 with an optional k, m or g suffix (powers of 1024, either case).
func parseBytes(text string) (int64, bool) {
	digits, shift := text, 0
	if n := len(text); n > 0 {
		switch text[n-1] {
		case 'k', 'K':
			digits, shift = text[:n-1], 10
		case 'm', 'M':
			digits, shift = text[:n-1], 20
		case 'g', 'G':
			digits, shift = text[:n-1], 30
		}
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || !isDigits(digits) || v < 1 || v > (1<<63-1)>>shift {
		return 0, false
	}
	return v << shift, true
}

// ParsePids reads a positive whole number, at least MinPids.
func ParsePids(text string) (int64, error) {
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil || !isDigits(text) || v < 1 {
		return 0, errs.Usagef("invalid --pids %q: want a positive whole number", text)
	}
	if v < MinPids {
		return 0, errs.Usagef("invalid --pids %q: want at least %d (mvrc's own threads count too)", text, MinPids)
	}
	return v, nil
}

// ParseCPUs reads DIGITS[.DIGITS] >= 0.01; no sign, exponent, inf or nan, so both twins agree.
func ParseCPUs(text string) (float64, error) {
	whole, frac, hasFrac := strings.Cut(text, ".")
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || !isDigits(whole) || (hasFrac && !isDigits(frac)) || v < minCPUs {
		return 0, errs.Usagef("invalid --cpus %q: want a positive number", text)
	}
	return v, nil
}

// isDigits reports whether s is one or more ASCII digits (strconv also takes a sign).
func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
