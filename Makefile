# songvec — Makefile (GNU make, Debian's `make`). See README.md; settings in config.mk.
#
# Every list is written once; the rest is derived.  Sources live in src/ (tools in
# src/cmd/, the library by domain in src/lib/<domain>/, see CONTRIBUTING.md);
# objects and archives go under build/ (optimised: build/obj/, sanitizer:
# build/san/obj/), optimised tools in bin/, sanitizer tools in build/san/.
# Objects under build/ need pattern rules, the one GNU extension used here.
.SUFFIXES:

include config.mk

# the programs, one src/cmd/<tool>.c each
TOOLS = vcat vpaste segment feat aggregate vggish weight pca kmeans elbow gmm hclust clmetrics dbload ytfetch dataset classify musicnn tfidf vae map knn dbscan explore

# the library, by domain: src/lib/<domain>/<module>.c with its .h
LIB = \
	core/util core/key core/vreader core/vwriter core/matrix core/dtable core/json \
	core/stats core/pool core/rng core/progress core/jsontree core/keyindex core/fpconv core/hugebuf \
	audio/audio audio/part audio/verify \
	dsp/fft dsp/stft dsp/mel dsp/mfcc dsp/spectral dsp/onset dsp/beat dsp/chroma dsp/tuning dsp/cqt \
	feat/feature feat/seed feat/profile feat/featrun feat/songtempo \
	nn/vggish_front nn/vggish_net nn/vggish_run nn/weights nn/weightsout nn/conv nn/convdft nn/tfjs \
	nn/musicnn_front nn/musicnn_graph nn/musicnn_net nn/musicnn_run nn/musicnn_model \
	nn/dense nn/adam nn/vae nn/vaefit \
	text/utf8 text/unicode text/unitab text/terms text/tokens text/textline text/lyrics \
	ml/blas ml/scaler ml/groups ml/pca ml/kmeans ml/kmbound ml/metrics ml/knn ml/knnbf ml/knnscreen ml/tfidf \
	ml/recommend ml/centroid ml/ann ml/dbscan \
	ml/lbfgs ml/logreg ml/logregk ml/zscore ml/xgb ml/classifier ml/evaluate \
	ml/mapnn ml/tsnep ml/sptree ml/tsnegrad ml/tsne ml/fuzzy ml/umapab ml/lanczos ml/spectral \
	ml/umaplayout ml/umap ml/umapmodel \
	ml/dvec ml/gmm ml/gmmkern ml/gmmstep ml/gmmfit ml/gmmio ml/agglo ml/aggloscreen ml/agglochain ml/agreement \
	data/labels data/dataset data/split data/cache \
	store/db store/batch store/load store/prefetch store/labels store/embeddings store/lyrics \
	store/projections store/neighbors store/clusterruns store/export \
	fetch/spawn fetch/playlist fetch/fetch fetch/subs \
	web/exdb web/audiodir web/expca web/exdata web/assets web/page web/api web/httpd

# the explorer's page, embedded into web/assets at build time (scripts/embed)
WEB = src/lib/web/explore.html src/lib/web/explore.css src/lib/web/explore.js
WEBOBJ = build/obj/lib/web/assets.o build/san/obj/lib/web/assets.o build/fuzz/obj/lib/web/assets.o
build/gen/web/assets.inc: $(WEB) scripts/embed
	@mkdir -p $(@D)
	sh scripts/embed $(WEB) > $@.tmp && mv $@.tmp $@
$(WEBOBJ): build/gen/web/assets.inc
$(WEBOBJ): CFLAGS += -Ibuild/gen/web
build/obj/lib/ml/metrics.o: CFLAGS += -fno-math-errno # silhouette's sqrt vectorised
build/obj/lib/ml/dvec.o: CFLAGS += -fno-math-errno # dvec_dist_pack8: one vector sqrt of 8 lanes
build/obj/lib/ml/kmbound.o: CFLAGS += -fno-math-errno -fno-trapping-math # loops vectorised

# headers without a .c of their own
INC = core/hot store/dbint ml/annhnsw

# libFuzzer harnesses: tests/fuzz/<name>.c, built with clang (`make fuzz`)
FUZZ = vreader playlist audio fpconv
FUZZTIME = 30

# C++ shims over Debian's C++ libraries: src/lib/<domain>/<module>.cc, extern "C"
LIBCXX = ml/annhnsw core/fpconv_cxx

# C unit tests: tests/unit/<domain>/<name>.c, built against the sanitizer library
UNIT = core/vstream core/fpconv core/key core/stats core/pool core/rng core/progress ml/groups dsp/rhythm ml/knn ml/lbfgs core/jsontree text/utf8 nn/dense ml/maps ml/pca

HDR = $(LIB:%=src/lib/%.h) $(INC:%=src/lib/%.h)
LIBOBJ = $(LIB:%=build/obj/lib/%.o) $(LIBCXX:%=build/obj/lib/%.o)
LIBSAN = $(LIB:%=build/san/obj/lib/%.o) $(LIBCXX:%=build/san/obj/lib/%.o)
BIN = $(TOOLS:%=bin/%)
SANBIN = $(TOOLS:%=build/san/%)
UNITBIN = $(UNIT:%=build/san/unit/%)

all: $(BIN)

build/obj/%.o: src/%.c $(HDR) config.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<
build/san/obj/%.o: src/%.c $(HDR) config.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) -c -o $@ $<
build/obj/%.o: src/%.cc $(HDR) config.mk
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -c -o $@ $<
build/san/obj/%.o: src/%.cc $(HDR) config.mk
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(SANFLAGS) -c -o $@ $<
build/san/obj/unit/%.o: tests/unit/%.c tests/unit/unit.h $(HDR) config.mk
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) -c -o $@ $<

build/libsongvec.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)
build/libsongvec-san.a: $(LIBSAN)
	rm -f $@
	ar rcs $@ $(LIBSAN)

bin/%: build/obj/cmd/%.o build/libsongvec.a
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $< build/libsongvec.a $(LDLIBS)
build/san/unit/%: build/san/obj/unit/%.o build/libsongvec-san.a
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) -o $@ $< build/libsongvec-san.a $(LDLIBS)
build/san/%: build/san/obj/cmd/%.o build/libsongvec-san.a
	$(CC) $(SANFLAGS) -o $@ $< build/libsongvec-san.a $(LDLIBS)

# keep the objects make built on the way to a tool or a unit test
.SECONDARY: $(TOOLS:%=build/obj/cmd/%.o) $(TOOLS:%=build/san/obj/cmd/%.o) \
	$(UNIT:%=build/san/obj/unit/%.o)

san: $(SANBIN) $(UNITBIN)

# Fuzzing: the library again with clang and -fsanitize=fuzzer-no-link, each harness
# for FUZZTIME seconds on a corpus seeded from the test data (tests/fuzz/run).
FUZZCC = clang
FUZZFLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZCXX = clang++
LIBFUZZ = $(LIB:%=build/fuzz/obj/lib/%.o) $(LIBCXX:%=build/fuzz/obj/lib/%.o)
build/fuzz/obj/%.o: src/%.c $(HDR) config.mk
	@mkdir -p $(@D)
	$(FUZZCC) $(CFLAGS) $(FUZZFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
build/fuzz/obj/%.o: src/%.cc config.mk
	@mkdir -p $(@D)
	$(FUZZCXX) $(filter-out -fno-gnu-unique,$(CXXFLAGS)) $(FUZZFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
build/libsongvec-fuzz.a: $(LIBFUZZ)
	rm -f $@
	ar rcs $@ $(LIBFUZZ)
build/fuzz/%: tests/fuzz/%.c build/libsongvec-fuzz.a $(HDR) config.mk
	$(FUZZCC) $(CFLAGS) $(FUZZFLAGS) -fsanitize=fuzzer -o $@ $< build/libsongvec-fuzz.a $(LDLIBS)
fuzz: depcheck all $(FUZZ:%=build/fuzz/%)
	sh tests/fuzz/run $(FUZZTIME) $(FUZZ)

# Install every build and test dependency from Debian packages (no-op when present).
deps:
	sh scripts/deps

# Fails, naming the missing packages, when a dependency is not installed
# (`make deps` installs them; `make check` never runs apt-get itself).
depcheck:
	sh scripts/deps -n

# The test suite runs against the sanitizer build (ASan + UBSan); the numeric
# oracles (librosa goldens, scikit-learn, torch) are test-time only.
check: depcheck all san
	SV_BIN=$$(pwd)/build/san SV_OPTBIN=$$(pwd)/bin sh tests/run

# Quick suite on the optimised binaries (no sanitizers).
check-fast: all $(UNITBIN)
	SV_BIN=$$(pwd)/bin SV_OPTBIN=$$(pwd)/bin sh tests/run

bench: depcheck all
	sh scripts/bench

demo: depcheck all
	sh scripts/demo

# The tools find DATADIR at run time next to their bin/ (util_datadir), so any
# PREFIX works without a rebuild; the user scripts of scripts/ go with them, and
# examples/ (for songvec-folder) into DATADIR/examples.
EXAMPLES = Makefile README vectors elbow.gp map.gp map.mk playlist.tsv
SCRIPTS = songvec-song223 vggish-convert songvec-folder
install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)
	cp -f $(BIN) $(SCRIPTS:%=scripts/%) $(DESTDIR)$(BINDIR)/
	cp -f man/*.1 $(DESTDIR)$(MANDIR)/man1/
	cp -f man/*.5 $(DESTDIR)$(MANDIR)/man5/
	cp -f tests/data/vggish/vggish_pca_params.npz $(DESTDIR)$(DATADIR)/
	cp -f tests/data/vggish/NOTICE $(DESTDIR)$(DATADIR)/vggish_pca_params.NOTICE
	mkdir -p $(DESTDIR)$(DATADIR)/examples && cp -f $(EXAMPLES:%=examples/%) $(DESTDIR)$(DATADIR)/examples/

clean:
	rm -rf build bin

.PHONY: all san deps depcheck check check-fast fuzz bench demo install clean
