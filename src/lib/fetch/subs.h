/* subs.h — a song's subtitles or automatic captions as plain text, for the lyrics
 * table: yt-dlp writes them as WebVTT (--skip-download --write-subs
 * --write-auto-subs --sub-format vtt: one language, yt-dlp's choice — English when
 * there is English, else the first language offered, subtitles before automatic
 * captions) into a private temporary directory; the caption structure and the
 * repeated lines of rolling captions go (text/lyrics.h, LYRICS_CAPTIONS) and
 * DIR/<song_id>.txt appears atomically.  No shell: the target is an argument. */
#ifndef SV_SUBS_H
#define SV_SUBS_H

typedef struct SubsOpts {
	const char *dir;      /* where DIR/<song_id>.txt goes */
	const char *ytdlp;    /* the program */
	double timeout;       /* seconds for yt-dlp */
} SubsOpts;

/* The text file of a song (malloc'd). */
char *subs_path(const SubsOpts *o, const char *id);
/* Fetch the subtitles of target (a URL or a ytsearch1: query) for song id.
 * 0: written to subs_path(); 1: there are none (or no text in them); -1: failed.
 * *msg says why for 1 and -1 (malloc'd; free it). */
int subs_fetch(const SubsOpts *o, const char *target, const char *id, char **msg);

#endif
