package testenv

// A private temp directory: what a suite's runs leave behind is found there, and only there.

import (
	"fmt"
	"os"
)

// PrivateTempDir makes a fresh directory in the temp directory and makes it the temp directory
// of this process (TMPDIR) and of every twin a Command starts: every stage goes in it, so a
// leak check looks there instead of blaming the suite for whatever else appears in /tmp.
// 0755: the test user reaches its stages through it. The caller removes it.
func PrivateTempDir(prefix string) (string, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", fmt.Errorf("private temp dir: %w", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		os.Remove(dir)
		return "", fmt.Errorf("private temp dir: %w", err)
	}
	if err := os.Setenv("TMPDIR", dir); err != nil {
		os.Remove(dir)
		return "", fmt.Errorf("private temp dir: %w", err)
	}
	return dir, nil
}
