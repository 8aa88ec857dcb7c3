// version and help: the only output that differs between the twins, and the usage texts that
// must not (design.md, Command line).
package conformance

import (
	"os"
	"path/filepath"
	"testing"

	"mvrc/bench/internal/testenv"
)

func TestVersionAndHelp(t *testing.T) {
	general := usageText(t, "mvrc.txt")
	runUsage := usageText(t, "run.txt")
	forEachTwin(t, []tcase{
		{name: "version", args: []string{"version"}, stdout: "mvrc {version} ({twin})\n"},
		{name: "dash dash version", args: []string{"--version"}, stdout: "mvrc {version} ({twin})\n"},
		{name: "help", args: []string{"help"}, stdout: general},
		{name: "dash h", args: []string{"-h"}, stdout: general},
		{name: "dash dash help", args: []string{"--help"}, stdout: general},
		{name: "help run", args: []string{"help", "run"}, stdout: runUsage},
		{name: "run dash h", args: []string{"run", "-h"}, stdout: runUsage},
		{name: "run dash dash help", args: []string{"run", "--help"}, stdout: runUsage},
	})
}

// usageText reads testdata/usage/NAME, the text both twins print byte for byte.
func usageText(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.Root(), "testdata", "usage", name))
	if err != nil {
		t.Fatalf("usage text: %v (the Go twin's engineer writes it)", err)
	}
	if len(data) == 0 {
		t.Fatalf("usage text %s is empty", name)
	}
	return string(data)
}
