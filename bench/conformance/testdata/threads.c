// threads: starts threads the way every program does (glibc's pthread_create tries clone3
// first and falls back to clone on ENOSYS only) and prints "threads ok".
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void *work(void *arg) { return arg; }

int main(void) {
	pthread_t t[4];
	for (long i = 0; i < 4; i++) {
		int err = pthread_create(&t[i], NULL, work, (void *)i);
		if (err) {
			printf("pthread_create: %s\n", strerror(err));
			return 1;
		}
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("threads ok\n");
	return 0;
}
