/* The exec hop: the last program mvrc's child runs before COMMAND, and the only one a
 * container process can reach through /proc/self/exe.
 *
 * Why (CVE-2019-5736, runc's "/proc/self/exe" breakout): whatever execs COMMAND is what
 * /proc/self/exe, and a script whose "#!" names it, lead to. Were that mvrc's binary on the
 * host, COMMAND could exec it, keep a handle on it, and open it for writing once mvrc is
 * gone: the next mvrc on the host would run the container's code. So the child does not
 * exec COMMAND itself: it execs this program from a sealed memfd (no one can write, shrink
 * or grow it; see sealed), and this program execs COMMAND. Copying a 1 KB hop per run costs
 * microseconds; copying mvrc itself (2.6 MB of Go, 1.5 MB of Rust) cost a millisecond.
 *
 *   hop CHANNEL PATH ARGV0 [ARG...]     (the child's execveat; nobody else's)
 *
 * The child's channel end arrives open across the child's exec, as CHANNEL (its number): the
 * hop makes it close-on-exec and execs PATH with ARGV0... and the environment it got. On
 * success the channel closes and the parent reads EOF, as it would after the child's own
 * execve; on failure the hop sends 'X' and execve's errno (4 bytes, big-endian), and the
 * parent words the error as SPEC does. Run any other way (by hand, as /proc/self/exe), it
 * says what it is on stderr and exits 125.
 *
 * No libc: a static program of a few hundred bytes, built by build.sh for x86_64 and
 * aarch64; both twins embed the result (hop-ARCH). Its system calls: fcntl, execve, write,
 * exit_group, all in mvrc's default seccomp policy.
 */
#include <asm/unistd.h>

#define F_SETFD 2
#define FD_CLOEXEC 1
#define ENOENT 2
#define ENOTDIR 20

static long syscall3(long nr, long a, long b, long c)
{
#if defined(__x86_64__)
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return ret;
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
#else
#error "the hop knows x86_64 and aarch64"
#endif
}

static __attribute__((noreturn)) void leave(int code)
{
	for (;;)
		syscall3(__NR_exit_group, code, 0, 0);
}

/* number parses CHANNEL: decimal digits only, else -1. */
static long number(const char *s)
{
	long n = 0;
	if (*s == 0)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > 1 << 20)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n;
}

static const char usage[] = "mvrc: this is mvrc's exec hop: mvrc runs COMMAND through it, nothing else does\n";

/* hop is called by _start with the initial stack: argc, argv..., NULL, envp..., NULL. */
__attribute__((noreturn, used)) void hop(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	long channel = argc >= 3 ? number(argv[0]) : -1;
	if (channel < 0) {
		syscall3(__NR_write, 2, (long)usage, sizeof usage - 1);
		leave(125);
	}
	long err = syscall3(__NR_fcntl, channel, F_SETFD, FD_CLOEXEC);
	if (err == 0)
		err = syscall3(__NR_execve, (long)argv[1], (long)(argv + 2), (long)envp);
	unsigned long errno = -err;
	volatile unsigned char msg[5] = {'X', errno >> 24, errno >> 16, errno >> 8, errno};
	syscall3(__NR_write, channel, (long)msg, sizeof msg);
	leave(errno == ENOENT || errno == ENOTDIR ? 127 : 126);
}

#if defined(__x86_64__)
__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall hop\n");
#elif defined(__aarch64__)
__asm__(".globl _start\n_start:\n\tmov x0, sp\n\tbl hop\n");
#endif
