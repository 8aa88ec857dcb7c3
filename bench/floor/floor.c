/* The floor: the least a rootless container start can do, in C, for the bench's "× floor"
 * column. clone(2) with every namespace → the parent writes the id maps → hostname → "/"
 * private → /proc → ROOTFS bound onto itself, pivot_root, old root detached → exec.
 * No /dev, no /sys, no capabilities dropped, no error messages worth the name: every mvrc
 * feature beyond this list costs what the bench shows above this row.
 *
 * Usage: floor ROOTFS COMMAND [ARG...]   (exits with COMMAND's status; 125 on a setup error)
 * Built by the bench with `gcc -static -O2` (bench/runtimes), like the twins static.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[64 * 1024];
static int sync_pipe[2]; /* the parent closes its end once the maps are written */

static int die(const char *what)
{
	perror(what);
	return 125;
}

static int child(void *arg)
{
	char **argv = arg;
	char c;
	close(sync_pipe[1]);
	if (read(sync_pipe[0], &c, 1) != 0) /* EOF: mapped */
		return 125;
	close(sync_pipe[0]);
	if (sethostname("floor", 5) != 0)
		return die("sethostname");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return die("mount private /");
	if (mount(argv[0], argv[0], NULL, MS_BIND | MS_REC, NULL) != 0)
		return die("bind rootfs");
	if (chdir(argv[0]) != 0)
		return die("chdir rootfs");
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		return die("mount proc");
	if (syscall(SYS_pivot_root, ".", ".") != 0)
		return die("pivot_root");
	if (umount2(".", MNT_DETACH) != 0)
		return die("umount old root");
	if (chdir("/") != 0)
		return die("chdir /");
	execv(argv[1], argv + 1);
	return die("exec");
}

static int write_file(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, data, strlen(data));
	close(fd);
	return n == (ssize_t)strlen(data) ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: floor ROOTFS COMMAND [ARG...]\n");
		return 125;
	}
	if (pipe2(sync_pipe, O_CLOEXEC) != 0)
		return die("pipe");
	int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
		    CLONE_NEWNET | SIGCHLD;
	pid_t pid = clone(child, stack + sizeof stack, flags, argv + 1);
	if (pid < 0)
		return die("clone");
	close(sync_pipe[0]);

	char path[64], map[64];
	snprintf(map, sizeof map, "0 %d 1", getuid());
	snprintf(path, sizeof path, "/proc/%d/uid_map", pid);
	if (write_file(path, map) != 0)
		return die("uid_map");
	snprintf(path, sizeof path, "/proc/%d/setgroups", pid);
	if (write_file(path, "deny") != 0)
		return die("setgroups");
	snprintf(map, sizeof map, "0 %d 1", getgid());
	snprintf(path, sizeof path, "/proc/%d/gid_map", pid);
	if (write_file(path, map) != 0)
		return die("gid_map");
	close(sync_pipe[1]);

	int status;
	if (waitpid(pid, &status, 0) < 0)
		return die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
