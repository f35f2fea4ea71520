/* assets.c — the embedded page files (see assets.h); the bytes come from
 * scripts/embed at build time. */
#include "web/assets.h"

#include "assets.inc"
