// seccomp_probe: makes system calls a container must not (and a few it must), one line
// each: the call, then "ok" or the errno's name. Arguments are harmless: a call the filter
// lets through fails on its own or does nothing that outlives the container.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *name, long ret) {
	if (ret < 0)
		printf("%s %s\n", name, strerrorname_np(errno));
	else
		printf("%s ok\n", name);
	fflush(stdout);
}

#define CALL(name, ...) report(#name, syscall(SYS_##name, __VA_ARGS__))

// clone_reaped is clone(2) with flags and no new stack: the child exits at once.
static long clone_reaped(unsigned long flags) {
	long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid;
}

int main(void) {
	// Denied: Docker's default profile leaves them out for the default capabilities.
	CALL(keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_PROCESS_KEYRING, 1);
	CALL(add_key, "user", "mvrc-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING);
	CALL(request_key, "user", "mvrc-probe", NULL, 0);
	CALL(bpf, -1, NULL, 0);
	CALL(userfaultfd, 0);
	CALL(perf_event_open, NULL, 0, -1, -1, 0);
	CALL(kexec_load, 0, 0, NULL, 0);
	CALL(open_by_handle_at, -1, NULL, 0);
	CALL(init_module, NULL, 0, "");
	CALL(mount, "none", "/mnt", "tmpfs", 0, NULL);
	CALL(umount2, "/mnt", 0);
	CALL(pivot_root, "/", "/");
	CALL(unshare, 0);
	CALL(setns, -1, 0);
	CALL(sethostname, "x", 1);
	CALL(swapon, NULL, 0);
	CALL(syslog, 3, NULL, 0);
	CALL(fsopen, NULL, 0);
	CALL(kcmp, 0, 0, 0, 0, 0);
	// Argument rules.
	report("clone3", syscall(SYS_clone3, NULL, 0)); // ENOSYS: glibc falls back to clone
	report("personality(PER_BSD)", syscall(SYS_personality, 6));
	report("personality(query)", syscall(SYS_personality, 0xffffffffUL));
	report("socket(AF_VSOCK)", syscall(SYS_socket, 40, SOCK_STREAM, 0));
	report("socket(AF_UNIX)", syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0));
	report("clone(CLONE_NEWUSER)", clone_reaped(CLONE_NEWUSER));
	report("clone(0)", clone_reaped(0));
	return 0;
}
