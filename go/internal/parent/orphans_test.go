package parent

import (
	"os"
	"os/exec"
	"slices"
	"testing"
)

// childrenOf finds exactly our children, from /proc: what killOrphans kills.
func TestChildrenOfFindsOurChildren(t *testing.T) {
	before := childrenOf(os.Getpid())
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	got := childrenOf(os.Getpid())
	if !slices.Contains(got, cmd.Process.Pid) || len(got) != len(before)+1 {
		t.Fatalf("childrenOf(self) = %v, had %v before starting %d", got, before, cmd.Process.Pid)
	}
	if kids := childrenOf(cmd.Process.Pid); len(kids) != 0 {
		t.Fatalf("childrenOf(sleep) = %v, want none", kids)
	}
}
