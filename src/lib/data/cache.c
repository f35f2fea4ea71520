/* cache.c — extraction through a cache (see cache.h). */
#include "data/cache.h"
#include "core/key.h"
#include "core/pool.h"
#include "core/progress.h"
#include "core/util.h"
#include "core/vreader.h"
#include "fetch/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAGIC "SVCACHE1\n"

/* a growing text buffer */
typedef struct Buf {
	char *s;
	size_t n, cap;
} Buf;

static void
buf_add(Buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = erealloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
buf_printf(Buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	buf_add(b, tmp, n < 0 ? 0 : (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* 128-bit FNV-1a style hash in two 64-bit lanes */
static void
hash_add(uint64_t h[2], const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h[0] = (h[0] ^ s[i]) * 0x100000001b3ULL;
		h[1] = (h[1] ^ (s[i] + 0x9eu)) * 0x9e3779b97f4a7c15ULL;
	}
}

static void
hash_init(uint64_t h[2])
{
	h[0] = 0xcbf29ce484222325ULL;
	h[1] = 0x6c62272e07bb0142ULL;
}

char *
cache_default_dir(void)
{
	const char *e = getenv("SONGVEC_CACHE"), *x = getenv("XDG_CACHE_HOME");
	const char *h = getenv("HOME");
	Buf b = { 0 };

	if (e && *e)
		buf_printf(&b, "%s", e);
	else if (x && *x)
		buf_printf(&b, "%s/songvec/extract", x);
	else
		buf_printf(&b, "%s/.cache/songvec/extract", h && *h ? h : ".");
	return b.s;
}

/* "what size mtime path" of a regular file; nothing for anything else */
static void
file_stamp(Buf *b, const char *what, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	buf_printf(b, "%s %lld %lld.%09ld ", what, (long long)st.st_size,
	    (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
	buf_add(b, path, strlen(path));
	buf_add(b, "\n", 1);
}

/* the part of every key that does not depend on the song */
static char *
command_key(char *const *cmd, int ncmd)
{
	Buf b = { 0 };
	char *exe = spawn_which(cmd[0]), **e;
	int i;

	buf_printf(&b, "songvec cache 1\n");
	for (i = 0; i < ncmd; i++) {
		buf_printf(&b, "arg %d ", i);
		buf_add(&b, cmd[i], strlen(cmd[i]));
		buf_add(&b, "\n", 1);
	}
	file_stamp(&b, "program", exe ? exe : cmd[0]);
	for (i = 1; i < ncmd; i++)
		if (strcmp(cmd[i], "{}"))
			file_stamp(&b, "argfile", cmd[i]);
	for (e = environ; *e; e++)
		if (!strncmp(*e, "SONGVEC_", 8) && strncmp(*e, "SONGVEC_CACHE=", 14)) {
			buf_printf(&b, "env ");
			buf_add(&b, *e, strlen(*e));
			buf_add(&b, "\n", 1);
		}
	free(exe);
	return b.s;
}

/* the state of one extraction */
typedef struct Job {
	const Labels *l;
	char *root;
	char *const *cmd;
	int ncmd;
	const CacheOpt *o;
	char **key, **entry;   /* per row: the key text, the entry's path */
	unsigned char *failed; /* per row */
	size_t *todo, ntodo;
	pthread_mutex_t mu;
	Progress *p;
	unsigned long done;
} Job;

static char *
song_path(const Job *j, size_t row)
{
	Buf b = { 0 };

	buf_printf(&b, "%s/%s", j->root, j->l->f[row * j->l->ncols]);
	return b.s;
}

/* the hash of a file's bytes as 32 hex digits in out; -1 when it cannot be read */
static int
content_hash(const char *path, char out[33])
{
	unsigned char buf[65536];
	uint64_t h[2];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	hash_init(h);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		hash_add(h, buf, (size_t)n);
	close(fd);
	if (n < 0)
		return -1;
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)h[0], (unsigned long long)h[1]);
	return 0;
}

/* the key and entry path of one row; -1 after a message when the song is missing */
static int
row_key(Job *j, size_t row, const char *cmdkey)
{
	char *path = song_path(j, row), hex[33];
	Buf b = { 0 };
	struct stat st;
	uint64_t h[2];
	int rc = 0;

	buf_add(&b, cmdkey, strlen(cmdkey));
	if (stat(path, &st) < 0) {
		weprintf("%s:", path);
		rc = -1;
	} else if (j->o->hash_content) {
		if (content_hash(path, hex) < 0) {
			weprintf("%s:", path);
			rc = -1;
		}
		buf_printf(&b, "song fnv128 %s ", hex);
	} else {
		buf_printf(&b, "song %lld %lld.%09ld ", (long long)st.st_size,
		    (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
	}
	buf_add(&b, j->l->f[row * j->l->ncols], strlen(j->l->f[row * j->l->ncols]));
	buf_add(&b, "\n", 1);
	j->key[row] = b.s;
	hash_init(h);
	hash_add(h, b.s, b.n);
	memset(&b, 0, sizeof b);
	buf_printf(&b, "%s/%02x/%016llx%016llx.vec", j->o->dir, (unsigned)(h[0] >> 56),
	    (unsigned long long)h[0], (unsigned long long)h[1]);
	j->entry[row] = b.s;
	free(path);
	return rc;
}

/* the entry at path, positioned after its header when it holds key; else NULL */
static FILE *
entry_open(const char *path, const char *key)
{
	FILE *fp = fopen(path, "rb");
	char magic[sizeof MAGIC], *got;
	size_t len;

	if (!fp)
		return NULL;
	if (fread(magic, 1, sizeof MAGIC - 1, fp) != sizeof MAGIC - 1 ||
	    memcmp(magic, MAGIC, sizeof MAGIC - 1) || fscanf(fp, "%zu", &len) != 1 ||
	    fgetc(fp) != '\n' || len != strlen(key)) {
		fclose(fp);
		return NULL;
	}
	got = emalloc(len + 1);
	if (fread(got, 1, len, fp) != len || memcmp(got, key, len)) {
		free(got);
		fclose(fp);
		return NULL;
	}
	free(got);
	return fp;
}

/* mkdir -p; -1 (errno set) when a folder cannot be made */
static int
make_dirs(const char *path)
{
	char *p = estrdup(path), *s;
	int rc = 0;

	for (s = p + 1; rc == 0 && *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0777) < 0 && errno != EEXIST)
				rc = -1;
			*s = '/';
		}
	if (rc == 0 && mkdir(p, 0777) < 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* run the command for one file with its standard output on fd; its exit status
 * (128 + signal), or -1 when it cannot be started */
static int
run_command(const Job *j, const char *file, int fd)
{
	char **argv = ecalloc((size_t)j->ncmd + 2, sizeof *argv);
	posix_spawn_file_actions_t fa;
	int i, n = 0, placed = 0, st, e;
	pid_t pid;

	for (i = 0; i < j->ncmd; i++) {
		placed |= !strcmp(j->cmd[i], "{}");
		argv[n++] = strcmp(j->cmd[i], "{}") ? j->cmd[i] : (char *)file;
	}
	if (!placed)
		argv[n++] = (char *)file;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fd, 1);
	e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(argv);
	if (e) {
		errno = e;
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* compute the entry of one row: 0, or -1 after a message */
static int
compute(Job *j, size_t row)
{
	char *file = song_path(j, row), *dir = estrdup(j->entry[row]), *tmp;
	const char *key = j->key[row];
	int fd = -1, st = -1, rc = -1;
	char len[32];

	*strrchr(dir, '/') = '\0';
	tmp = emalloc(strlen(dir) + 16);
	sprintf(tmp, "%s/.tmp.XXXXXX", dir);
	if (make_dirs(dir) < 0 || (fd = mkstemp(tmp)) < 0) {
		weprintf("%s: cannot write a cache entry:", dir);
		goto out;
	}
	snprintf(len, sizeof len, "%zu\n", strlen(key));
	if (write(fd, MAGIC, strlen(MAGIC)) < 0 || write(fd, len, strlen(len)) < 0 ||
	    write(fd, key, strlen(key)) != (ssize_t)strlen(key)) {
		weprintf("%s: cannot write a cache entry:", tmp);
		goto out;
	}
	if ((st = run_command(j, file, fd)) < 0)
		weprintf("%s: cannot run %s:", j->l->f[row * j->l->ncols], j->cmd[0]);
	else if (st > 128)
		weprintf("%s: %s was killed by signal %d", j->l->f[row * j->l->ncols], j->cmd[0],
		    st - 128);
	else if (st)
		weprintf("%s: %s exited with status %d", j->l->f[row * j->l->ncols], j->cmd[0], st);
	else if (fsync(fd) < 0 || close(fd) < 0 || (fd = -1, rename(tmp, j->entry[row]) < 0))
		weprintf("%s: cannot write a cache entry:", j->entry[row]);
	else
		rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp);
	free(tmp), free(dir), free(file);
	return rc;
}

static void
compute_block(void *arg, size_t b, int tid)
{
	Job *j = arg;
	size_t row = j->todo[b];

	(void)tid;
	if (compute(j, row) < 0)
		j->failed[row] = 1;
	pthread_mutex_lock(&j->mu);
	progress_do(j->p, ++j->done);
	pthread_mutex_unlock(&j->mu);
}

/* the records of one entry into w, keys rewritten; *first: no header written yet.
 * 0, or -1 after a message */
static int
emit(const Job *j, size_t row, FILE *fp, VWriter *w, int *first, unsigned *dim)
{
	const char *song = j->l->f[row * j->l->ncols];
	VReader *r = new_vreader_fp(fp, j->entry[row]);
	Buf key = { 0 };
	int e = -1;

	if (!r)
		return -1;
	while ((e = vreader_next(r)) > 0) {
		if (*first) {
			*dim = r->dimknown ? r->dim : (unsigned)r->n;
			if (vwriter_header(w, *dim, r->rate, r->ncols, r->cols))
				break;
			*first = 0;
		} else if (*dim && r->n != *dim) {
			weprintf("%s: %zu values per record, the first file's records have %u", song,
			    r->n, *dim);
			e = -1;
			break;
		}
		key.n = 0;
		buf_add(&key, song, strlen(song));
		buf_add(&key, r->key + key_song_len(r->key), strlen(r->key + key_song_len(r->key)));
		if (vwriter_write(w, key.s, r->val, r->n)) {
			e = -1;
			break;
		}
	}
	if (e == 0 && r->recno == 0)
		weprintf("%s: %s wrote no record", song, j->cmd[0]);
	del_vreader(r);
	free(key.s);
	return e < 0 ? -1 : 0;
}

static void
free_job(Job *j)
{
	size_t i;

	for (i = 0; i < j->l->n; i++)
		free(j->key[i]), free(j->entry[i]);
	free(j->key), free(j->entry), free(j->failed), free(j->todo), free(j->root);
	pthread_mutex_destroy(&j->mu);
}

int
cache_extract(const Labels *l, const char *root, char *const *cmd, int ncmd,
    const CacheOpt *o, VWriter *w, CacheStats *st)
{
	Job j = { .l = l, .cmd = cmd, .ncmd = ncmd, .o = o };
	char *cmdkey = command_key(cmd, ncmd);
	int first = 1, rc = 0;
	unsigned dim = 0;
	size_t i;
	FILE *fp;

	memset(st, 0, sizeof *st);
	j.root = estrdup(root ? root : l->root ? l->root : ".");
	j.key = ecalloc(l->n, sizeof *j.key);
	j.entry = ecalloc(l->n, sizeof *j.entry);
	j.failed = ecalloc(l->n, 1);
	j.todo = ecalloc(l->n, sizeof *j.todo);
	pthread_mutex_init(&j.mu, NULL);
	for (i = 0; i < l->n; i++) {
		if (row_key(&j, i, cmdkey) < 0)
			j.failed[i] = 1;
		else if ((fp = entry_open(j.entry[i], j.key[i])))
			fclose(fp), st->hits++;
		else
			j.todo[j.ntodo++] = i;
	}
	free(cmdkey);
	j.p = new_progress("files", j.ntodo);
	pool_run(o->jobs > 0 ? o->jobs : 1, j.ntodo, compute_block, &j);
	del_progress(j.p);
	st->computed = j.ntodo;
	for (i = 0; i < l->n && rc >= 0; i++) {
		if (j.failed[i] || !(fp = entry_open(j.entry[i], j.key[i]))) {
			st->failed++;
			rc = 1;
			continue;
		}
		if (emit(&j, i, fp, w, &first, &dim) < 0)
			rc = -1;
		fclose(fp);
	}
	for (i = 0; i < j.ntodo; i++)
		st->computed -= j.failed[j.todo[i]];
	free_job(&j);
	return rc;
}
