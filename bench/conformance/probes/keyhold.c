/* keyhold: the caller's side of the keyring test. Joins a new session keyring of its own,
 * adds the user key "mvrc-test-key" = "secret" to it, puts the key's id in MVRC_KEY and the
 * session keyring's id in MVRC_SESSION, and execs the rest of its arguments (mvrc run ...),
 * which inherit that session keyring as any caller's would. Raw syscalls: no libkeyutils.
 *
 * Usage: keyhold PROGRAM [ARG...]
 */
#define _GNU_SOURCE
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: keyhold PROGRAM [ARG...]\n");
		return 2;
	}
	long session = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL);
	if (session < 0)
		return perror("keyhold: join session keyring"), 1;
	long key = syscall(SYS_add_key, "user", "mvrc-test-key", "secret", strlen("secret"), KEY_SPEC_SESSION_KEYRING);
	if (key < 0)
		return perror("keyhold: add_key"), 1;
	char buf[32];
	snprintf(buf, sizeof buf, "%ld", key);
	setenv("MVRC_KEY", buf, 1);
	snprintf(buf, sizeof buf, "%ld", session);
	setenv("MVRC_SESSION", buf, 1);
	execv(argv[1], argv + 1);
	perror("keyhold: exec");
	return 127;
}
