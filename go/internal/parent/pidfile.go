// --pid-file: the container's host PID written atomically, never through a planted symlink.

package parent

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"

	"mvrc/internal/errs"
)

// pidFileTries bounds the temporary names writePidFile tries.
const pidFileTries = 100

// writePidFile writes "PID\n" to a new file beside path and renames it over path: a
// reader never sees half a file, and whatever sits at path (a symlink planted by a
// container that can write the directory) is replaced, never followed. The temporary
// name is .BASE.mvrc-OURPID-N, made with O_EXCL|O_NOFOLLOW.
func writePidFile(path string, pid int) error {
	failed := func(err error) error { return errs.Failf("pid file %q: %w", path, err) }
	dir, base := filepath.Split(path)
	var f *os.File
	var err error
	for n := 0; n < pidFileTries; n++ {
		// Not filepath.Join: it would clean "link/.." as text and pick another directory.
		tmp := dir + fmt.Sprintf(".%s.mvrc-%d-%d", base, os.Getpid(), n)
		f, err = os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW, 0o644)
		if !errors.Is(err, os.ErrExist) {
			break
		}
	}
	if err != nil {
		return failed(err)
	}
	_, err = f.WriteString(strconv.Itoa(pid) + "\n")
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = unix.Rename(f.Name(), path) // rename(2) as is: os.Rename refuses a directory itself
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return failed(err)
	}
	return nil
}
