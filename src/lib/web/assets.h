/* assets.h — the explorer's page, embedded at build time from the files beside
 * this one (explore.html, explore.css, explore.js; scripts/embed writes
 * build/gen/web/assets.inc), so the tools need nothing at run time. */
#ifndef SV_ASSETS_H
#define SV_ASSETS_H

extern const char web_explore_html[]; /* the page, with the markers below */
extern const char web_explore_css[];
extern const char web_explore_js[];

#define ASSETS_CSS "/*@CSS@*/"
#define ASSETS_JS "/*@JS@*/"
#define ASSETS_DATA "@DATA@"

#endif
