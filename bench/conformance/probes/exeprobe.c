/* exeprobe: tries to get a handle on the executable behind each /proc/PID/exe given, the
 * way a hostile container would (CVE-2019-5736): open for reading, O_PATH, open for writing
 * and a write. One line per attempt: "PATH MODE DEV:INO" when it got a handle (the suite
 * compares DEV:INO with the host's mvrc binary), "PATH MODE ERRNO" when it did not, and
 * "PATH write wrote" if a byte went in. Static (gcc -static): the busybox rootfs has no libc.
 *
 * Usage: exeprobe PATH...   ("ppid" stands for /proc/<our parent>/exe)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void report(const char *path, const char *mode, int fd)
{
	struct stat st;
	if (fd < 0) {
		printf("%s %s %s\n", path, mode, strerrorname_np(errno));
		return;
	}
	if (fstat(fd, &st) == 0)
		printf("%s %s %llu:%llu\n", path, mode, (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	else
		printf("%s %s fstat %s\n", path, mode, strerrorname_np(errno));
}

int main(int argc, char **argv)
{
	char buf[64];
	for (int i = 1; i < argc; i++) {
		const char *path = argv[i];
		if (strcmp(path, "ppid") == 0) {
			snprintf(buf, sizeof buf, "/proc/%d/exe", (int)getppid());
			path = buf;
		}
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		report(path, "read", fd);
		if (fd >= 0)
			close(fd);
		fd = open(path, O_PATH | O_CLOEXEC);
		report(path, "path", fd);
		if (fd >= 0)
			close(fd);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		report(path, "write", fd);
		if (fd >= 0) {
			/* Writing nothing would prove nothing: one byte, the ELF magic's own first one. */
			if (pwrite(fd, "\177", 1, 0) == 1)
				printf("%s write wrote\n", path);
			else
				printf("%s write %s\n", path, strerrorname_np(errno));
			close(fd);
		}
	}
	return 0;
}
