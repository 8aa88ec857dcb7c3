package caps

import "testing"

// The mask is Docker's default bounding set, as `docker run` shows it in CapBnd.
func TestMaskIsDockersDefault(t *testing.T) {
	if got, want := mask(), uint64(0xa80425fb); got != want {
		t.Fatalf("Mask() = %#x, want %#x", got, want)
	}
}
