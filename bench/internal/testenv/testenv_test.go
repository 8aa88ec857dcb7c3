package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRootHoldsGoWork(t *testing.T) {
	if _, err := os.Stat(filepath.Join(Root(), "go.work")); err != nil {
		t.Fatalf("Root() = %s: %v", Root(), err)
	}
}

func TestCredIsTheTestUserWithoutGroups(t *testing.T) {
	cred, err := Cred()
	if err != nil {
		t.Fatal(err)
	}
	if os.Getuid() != 0 {
		if cred != nil {
			t.Fatalf("not root: Cred() = %+v, want nil (run as ourselves)", cred)
		}
		return
	}
	if cred == nil || cred.Uid == 0 || cred.Gid == 0 || cred.Groups == nil || len(cred.Groups) != 0 {
		t.Fatalf("root: Cred() = %+v, want the test user with no groups", cred)
	}
}
