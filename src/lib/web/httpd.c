/* httpd.c — the explorer's HTTP server on libmicrohttpd (see httpd.h). */
#include "web/httpd.h"
#include "web/api.h"
#include "web/exdb.h"
#include "web/page.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define AUDIO_PREFIX "/audio/"
#define CONNECTION_LIMIT 1024
#define CONNECTION_TIMEOUT 30 /* seconds */

/* collects the query arguments of a request into an ApiReq */
static enum MHD_Result
collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	ApiReq *r = cls;

	if (r->narg == API_MAXARGS) {
		r->toomany = 1;
		return MHD_NO;
	}
	r->arg[r->narg].key = key;
	r->arg[r->narg++].val = value;
	return MHD_YES;
}

/* queue res (destroyed here; NULL: none could be made) with a content type */
static enum MHD_Result
queue(struct MHD_Connection *conn, int status, const char *type, struct MHD_Response *res)
{
	enum MHD_Result rc;

	if (!res)
		return MHD_NO;
	MHD_add_response_header(res, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(res, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	rc = MHD_queue_response(conn, (unsigned)status, res);
	MHD_destroy_response(res);
	return rc;
}

/* queue a response of len bytes of body (copied) with a content type */
static enum MHD_Result
reply(struct MHD_Connection *conn, int status, const char *type, const char *body, size_t len)
{
	return queue(conn, status, type,
	    MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY));
}

/* a JSON error answer */
static enum MHD_Result
reply_error(struct MHD_Connection *conn, int status, const char *msg)
{
	char buf[512];
	FILE *fp = fmemopen(buf, sizeof buf, "w");

	if (!fp)
		return MHD_NO;
	api_error(fp, status, msg);
	fclose(fp);
	buf[sizeof buf - 1] = 0;
	return reply(conn, status, "application/json; charset=utf-8", buf, strlen(buf));
}

/* the content type of an audio file by its extension */
static const char *
audio_type(const char *name)
{
	static const char *const TYPES[][2] = {
		{ ".wav", "audio/wav" }, { ".flac", "audio/flac" }, { ".ogg", "audio/ogg" },
		{ ".mp3", "audio/mpeg" }, { ".opus", "audio/ogg" }, { ".m4a", "audio/mp4" },
	};
	const char *dot = strrchr(name, '.');
	size_t i;

	for (i = 0; dot && i < sizeof TYPES / sizeof *TYPES; i++)
		if (!strcasecmp(dot, TYPES[i][0]))
			return TYPES[i][1];
	return "application/octet-stream";
}

/* /audio/NAME: the file, or 404 (none, no folder) / 403 (refused) */
static enum MHD_Result
serve_audio(struct MHD_Connection *conn, const HttpdOpt *o, const char *name)
{
	struct MHD_Response *res;
	enum MHD_Result rc;
	struct stat st;
	int fd;

	if (!o->ex.audio)
		return reply_error(conn, 404, "no audio folder: start the server with -A DIR");
	if ((fd = audiodir_open(o->ex.audio, name, &st)) == -1)
		return reply_error(conn, 404, "no such audio file");
	if (fd < 0)
		return reply_error(conn, 403, "refused: only files inside the audio folder are served");
	if (!(res = MHD_create_response_from_fd((uint64_t)st.st_size, fd))) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(res, MHD_HTTP_HEADER_CONTENT_TYPE, audio_type(name));
	MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
	rc = MHD_queue_response(conn, MHD_HTTP_OK, res);
	MHD_destroy_response(res);
	return rc;
}

/* the answer written in the temporary file fp (closed here), from its start */
static enum MHD_Result
reply_file(struct MHD_Connection *conn, int status, const char *type, FILE *fp)
{
	struct MHD_Response *res;
	long len = ftell(fp);
	int fd = dup(fileno(fp));

	fclose(fp);
	if (len < 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		return reply_error(conn, 500, "cannot read back the answer");
	}
	if (!(res = MHD_create_response_from_fd_at_offset64((uint64_t)len, fd, 0)))
		close(fd);
	return queue(conn, status, type, res);
}

/* the page, generated afresh from the database into a temporary file (memory
 * stays bounded whatever the page's size) */
static enum MHD_Result
serve_page(struct MHD_Connection *conn, const HttpdOpt *o, sqlite3 *h)
{
	FILE *fp = tmpfile();

	if (!fp)
		return reply_error(conn, 500, "cannot create a temporary file");
	if (page_write(fp, h, &o->ex, o->title) || fflush(fp)) {
		fclose(fp);
		return reply_error(conn, 500, "cannot read the database");
	}
	return reply_file(conn, 200, "text/html; charset=utf-8", fp);
}

/* an API answer, streamed into a temporary file */
static enum MHD_Result
serve_api(struct MHD_Connection *conn, const HttpdOpt *o, sqlite3 *h, const char *url)
{
	ApiReq r = { .path = url, .audio = o->ex.audio };
	FILE *fp = tmpfile();
	int status;

	if (!fp)
		return reply_error(conn, 500, "cannot create a temporary file");
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &r);
	status = api_do(h, &r, fp);
	if (fflush(fp)) {
		fclose(fp);
		return reply_error(conn, 500, "cannot write the answer");
	}
	return reply_file(conn, status, "application/json; charset=utf-8", fp);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **state)
{
	const HttpdOpt *o = cls;
	enum MHD_Result rc;
	sqlite3 *h;

	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_error(conn, 405, "read-only: only GET and HEAD");
	if (!o->quiet)
		fprintf(stderr, "%s: %s %s\n", argv0, method, url);
	if (!strncmp(url, AUDIO_PREFIX, strlen(AUDIO_PREFIX)))
		return serve_audio(conn, o, url + strlen(AUDIO_PREFIX));
	if (!(h = exdb_open(o->db, 1)))
		return reply_error(conn, 500, "cannot open the database");
	if (!strcmp(url, "/") || !strcmp(url, "/index.html"))
		rc = serve_page(conn, o, h);
	else
		rc = serve_api(conn, o, h, url);
	sqlite3_close(h);
	return rc;
}

/* wait for SIGINT or SIGTERM (blocked in every thread before the daemon starts) */
static void
wait_signal(const sigset_t *set)
{
	int sig;

	while (sigwait(set, &sig) != 0)
		;
}

int
httpd_run(const HttpdOpt *o)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)o->port) };
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;
	sigset_t set;

	if (inet_pton(AF_INET, o->addr, &sa.sin_addr) != 1) {
		weprintf("-l: invalid value '%s' (an IPv4 address such as 127.0.0.1)", o->addr);
		return -1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL,
	    on_request, (void *)o, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT, MHD_OPTION_END);
	if (!d) {
		weprintf("%s:%d: cannot listen (port in use?)", o->addr, o->port);
		return -1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	fprintf(stderr, "%s: serving http://%s:%u/\n", argv0, o->addr, info ? info->port : (unsigned)o->port);
	wait_signal(&set);
	MHD_stop_daemon(d);
	if (!o->quiet)
		fprintf(stderr, "%s: stopped\n", argv0);
	return 0;
}
