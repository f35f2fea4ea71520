/* dataset.h — a folder of genre sub-folders as a labelled dataset.
 *
 *	ROOT/rock/song1.wav, ROOT/rock/live/song2.flac, ROOT/jazz/x.ogg ...
 *
 * Every sub-folder of ROOT is a genre (its name the label; hidden ones and names
 * starting with '#' or holding a tab or newline are left out with a warning);
 * every file below it, at any depth, is a song of that genre once audio.h can
 * decode its header (any format libsndfile or ffmpeg reads; hidden files are not
 * looked at).  Files that cannot be decoded are kept in a list of skipped files
 * with the decoder's reason.  The genres with at least one song, sorted (strcmp),
 * get the labels 0..G-1.  Durations come from the header (exact for WAV and FLAC,
 * an estimate for Ogg and MP3); files without a frame count in their header
 * (those ffmpeg decodes) and, with decode_all, every file are decoded to the end:
 * exact durations, and truncated or corrupt data found. */
#ifndef SV_DATASET_H
#define SV_DATASET_H
#include <stddef.h>

typedef struct DataSong {
	char *path;          /* relative to the root: GENRE/.../FILE */
	size_t genre;        /* index into genres (= label) */
	double duration;     /* seconds */
} DataSong;

typedef struct Dataset {
	char *root;
	size_t ngenres;
	char **genres;       /* sorted, each with at least one song */
	size_t n;
	DataSong *songs;     /* in path order within each genre, genres in order */
	size_t nskip;
	char **skip_path, **skip_why; /* files left out and why */
} Dataset;

/* Scan ROOT.  0, or -1 after a message (ROOT unreadable, no genre sub-folder, no
 * decodable file at all).  Progress through core/progress.h. */
int dataset_scan(const char *root, int decode_all, Dataset *ds);
void del_dataset(Dataset *ds);

#endif
