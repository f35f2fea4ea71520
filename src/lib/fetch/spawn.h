/* spawn.h — run a program from an argument vector (posix_spawnp, no shell, so
 * arguments may hold quotes, '$', ';' or anything else), stdin from /dev/null,
 * stdout and stderr captured. */
#ifndef SV_SPAWN_H
#define SV_SPAWN_H
#include <stddef.h>

#define SPAWN_MAXCAPTURE (1u << 20) /* bytes kept of each stream; the rest is read and dropped */

typedef struct SpawnResult {
	int status;     /* exit status, or 128 + signal number */
	int timedout;   /* killed after the timeout */
	char *out, *err; /* captured, NUL-terminated */
	size_t outlen, errlen;
} SpawnResult;

/* Run argv[0] (searched in PATH) and wait; timeout <= 0: none.
 * 0: it ran (see r->status); -1: it could not be started (errno set). */
int spawn_run(char *const argv[], double timeout, SpawnResult *r);
void del_spawn(SpawnResult *r);
/* Full path of prog as PATH lookup finds it (prog itself if it has a '/'), or NULL.
 * Free the result. */
char *spawn_which(const char *prog);

#endif
