/* keyprobe: what COMMAND can do with the caller's session keyring. Prints three lines:
 *   session same|new|ERRNO   our session keyring against the caller's ($MVRC_SESSION)
 *   search found|ERRNO       the caller's key "mvrc-test-key", searched from our session
 *   read VALUE|ERRNO         that key read by its id ($MVRC_KEY)
 * Static (gcc -static): the busybox rootfs has no libc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long env_id(const char *name)
{
	const char *v = getenv(name);
	return v ? strtol(v, NULL, 10) : -1;
}

int main(void)
{
	long session = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
	if (session < 0)
		printf("session %s\n", strerrorname_np(errno));
	else
		printf("session %s\n", session == env_id("MVRC_SESSION") ? "same" : "new");

	long found = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, "user", "mvrc-test-key", 0);
	printf("search %s\n", found < 0 ? strerrorname_np(errno) : "found");

	char buf[64] = {0};
	long n = syscall(SYS_keyctl, KEYCTL_READ, env_id("MVRC_KEY"), buf, sizeof buf - 1);
	if (n < 0)
		printf("read %s\n", strerrorname_np(errno));
	else
		printf("read %.*s\n", (int)(n < (long)sizeof buf ? n : (long)sizeof buf - 1), buf);
	return 0;
}
