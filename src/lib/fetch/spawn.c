/* spawn.c — posix_spawnp with captured output and a timeout. */
#include "fetch/spawn.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n > SPAWN_MAXCAPTURE)
		n = SPAWN_MAXCAPTURE - *len;
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = erealloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = 0;
}

/* Start argv[0] with stdin from /dev/null and stdout, stderr into new pipes whose
 * read ends go to fds[0], fds[1].  0 with *pid set, or -1 (errno set). */
static int
start(char *const argv[], pid_t *pid, int fds[2])
{
	posix_spawn_file_actions_t fa;
	int po[2], pe[2], e;

	if (pipe(po))
		return -1;
	if (pipe(pe)) {
		e = errno;
		close(po[0]);
		close(po[1]);
		errno = e;
		return -1;
	}
	fcntl(po[0], F_SETFD, FD_CLOEXEC);
	fcntl(pe[0], F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	posix_spawn_file_actions_addclose(&fa, po[1]);
	posix_spawn_file_actions_addclose(&fa, pe[1]);
	e = posix_spawnp(pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	if (e) {
		close(po[0]);
		close(pe[0]);
		errno = e;
		return -1;
	}
	fds[0] = po[0];
	fds[1] = pe[0];
	return 0;
}

/* Read both pipes into r until they close or the deadline (0: none) passes, when
 * the child is killed.  Closes the pipes.  This function can't fail. */
static void
collect(pid_t pid, int fds[2], double end, SpawnResult *r, size_t cap[2])
{
	struct pollfd pf[2];
	char buf[65536];
	int open_fds = 2, i;
	ssize_t n;
	double left;

	for (i = 0; i < 2; i++)
		pf[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	while (open_fds > 0) {
		left = end ? end - now() : -1;
		if (end && left <= 0) {
			kill(pid, SIGKILL);
			r->timedout = 1;
			break;
		}
		if (poll(pf, 2, end ? (int)(left * 1000) + 1 : -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(pf[i].fd, buf, sizeof buf);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
				open_fds--;
			} else if (i == 0) {
				append(&r->out, &r->outlen, &cap[0], buf, n);
			} else {
				append(&r->err, &r->errlen, &cap[1], buf, n);
			}
		}
	}
	for (i = 0; i < 2; i++)
		if (pf[i].fd >= 0)
			close(pf[i].fd);
}

int
spawn_run(char *const argv[], double timeout, SpawnResult *r)
{
	size_t cap[2] = { 0, 0 };
	int fds[2], st;
	pid_t pid;

	memset(r, 0, sizeof *r);
	append(&r->out, &r->outlen, &cap[0], "", 0);
	append(&r->err, &r->errlen, &cap[1], "", 0);
	if (start(argv, &pid, fds))
		return -1;
	collect(pid, fds, timeout > 0 ? now() + timeout : 0, r, cap);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			st = 0;
			break;
		}
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
	return 0;
}

void
del_spawn(SpawnResult *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

char *
spawn_which(const char *prog)
{
	const char *path = getenv("PATH"), *p, *c;
	char *full;
	size_t n;
	struct stat sb;

	if (strchr(prog, '/'))
		return access(prog, X_OK) ? NULL : estrdup(prog);
	if (!path)
		path = "/usr/bin:/bin";
	for (p = path;; p = c + 1) {
		c = strchr(p, ':');
		n = c ? (size_t)(c - p) : strlen(p);
		full = emalloc(n + strlen(prog) + 3);
		if (n)
			sprintf(full, "%.*s/%s", (int)n, p, prog);
		else
			sprintf(full, "./%s", prog);
		if (!access(full, X_OK) && !stat(full, &sb) && S_ISREG(sb.st_mode))
			return full;
		free(full);
		if (!c)
			return NULL;
	}
}
