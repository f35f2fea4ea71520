/* vggish_run.h — from log-mel examples to output records: batching, embedding,
 * postprocessing, per-record and per-song means (vggish(1)).
 *
 * The caller opens a record, feeds its examples (vggish_run_example, a VfEmit), closes
 * it.  Examples of consecutive records are batched (VN_BATCH) through the network;
 * output is written in input order as records complete.  Keys: an example is
 * "<record>.<m>"; with VRUN_SEGMENT a record's mean is keyed like the record; with
 * VRUN_SONG consecutive records whose keys agree up to the last '#' form a song whose
 * row is the mean of the record means (NaN when no record had an example). */
#ifndef SV_VGGISH_RUN_H
#define SV_VGGISH_RUN_H
#include "nn/vggish_net.h"
#include "core/vreader.h"
#include "core/vwriter.h"

enum { VRUN_EXAMPLES, VRUN_SEGMENT, VRUN_SONG };

typedef struct VggishRun VggishRun;

/* net NULL: write the log-mel examples themselves (6144 values).  post: PCA
 * postprocessing.  agg: VRUN_*. */
VggishRun *new_vggish_run(VggishNet *net, int post, int agg, VWriter *out);
void vggish_run_open(VggishRun *r, const char *key);
/* a VfEmit: ctx is the VggishRun */
void vggish_run_example(void *ctx, const float *example);
/* end of the record's audio: 0, or -1 once any write has failed (the writer
 * printed why; nothing more is written) */
int vggish_run_close(VggishRun *r);
/* run the last batch, write the last song: 0, or -1 as vggish_run_close */
int vggish_run_flush(VggishRun *r);
/* examples embedded, wall and CPU seconds in the network */
unsigned long vggish_run_stats(const VggishRun *r, double *wall, double *cpu);
void del_vggish_run(VggishRun *r);

#endif
