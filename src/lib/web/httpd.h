/* httpd.h — the explorer's read-only HTTP server (libmicrohttpd): the page at /,
 * the JSON API of api.h, and the audio folder's files under /audio/NAME.
 *
 * Every request opens its own read-only connection to the database, so the
 * server never writes and sees what other processes load meanwhile. */
#ifndef SV_HTTPD_H
#define SV_HTTPD_H
#include "web/exdata.h"

typedef struct HttpdOpt {
	const char *db;     /* the database file */
	const char *addr;   /* IPv4 address to listen on (127.0.0.1) */
	int port;           /* 0: any free port */
	int threads;        /* worker threads */
	const char *title;  /* of the page */
	ExOpt ex;           /* the page's document; ex.audio is also what /audio serves */
	int quiet;          /* no request log on stderr */
} HttpdOpt;

/* Serve until SIGINT or SIGTERM, after printing "serving http://ADDR:PORT/" on
 * stderr.  0 when stopped by a signal, -1 after a message (cannot listen). */
int httpd_run(const HttpdOpt *o);

#endif
