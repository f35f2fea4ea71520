# songvec — POSIX Makefile. See README.md; settings live in config.mk.
.POSIX:
.SUFFIXES:
.SUFFIXES: .c .o .sano

include config.mk

TOOLS = vcat vpaste segment feat aggregate vggish weight pca kmeans elbow dbload ytfetch

# Library objects, one line per area (src/lib/, one concern per file).
LIB_CORE = src/lib/util.o src/lib/vstream.o
LIB_AUDIO = src/lib/audio.o
LIB_FEAT = src/lib/npstat.o src/lib/stft.o src/lib/mel.o src/lib/spectral.o src/lib/onset.o src/lib/feature.o src/lib/songtempo.o src/lib/seed.o src/lib/tuning.o src/lib/cqt.o src/lib/profile.o src/lib/featrun.o
LIB_RHYTHM = src/lib/beat.o src/lib/chroma.o
LIB_STATS = src/lib/stats.o
LIB_VGGISH = src/lib/vggish_frontend.o src/lib/vggish_net.o src/lib/vggish_run.o src/lib/weights.o src/lib/blas.o
LIB_ML = src/lib/matrix.o src/lib/scaler.o src/lib/pcafit.o src/lib/kmeansfit.o src/lib/metrics.o src/lib/dtable.o src/lib/groups.o
LIB_DB = src/lib/db.o src/lib/spawn.o src/lib/playlist.o src/lib/json.o src/lib/fetch.o src/lib/prefetch.o
LIBOBJ = $(LIB_CORE) $(LIB_AUDIO) $(LIB_FEAT) $(LIB_RHYTHM) $(LIB_STATS) $(LIB_VGGISH) $(LIB_ML) $(LIB_DB)
LIBSAN = $(LIBOBJ:.o=.sano)
HDR = src/lib/*.h

BIN = bin/vcat bin/vpaste bin/segment bin/feat bin/aggregate bin/vggish bin/weight bin/pca \
	bin/kmeans bin/elbow bin/dbload bin/ytfetch
SANBIN = build/san/vcat build/san/vpaste build/san/segment build/san/feat build/san/aggregate \
	build/san/vggish build/san/weight build/san/pca build/san/kmeans build/san/elbow \
	build/san/dbload build/san/ytfetch
# C unit tests (tests/unit/*.c), built against the sanitizer library
UNIT = build/san/unit_vstream build/san/unit_rhythm

all: $(BIN)

.c.o:
	$(CC) $(CFLAGS) -c -o $@ $<
.c.sano:
	$(CC) $(CFLAGS) $(SANFLAGS) -c -o $@ $<

TOOLOBJ = src/vcat.o src/vpaste.o src/segment.o src/feat.o src/aggregate.o src/vggish.o src/weight.o \
	src/pca.o src/kmeans.o src/elbow.o src/dbload.o src/ytfetch.o
$(LIBOBJ) $(LIBSAN) $(TOOLOBJ) $(TOOLOBJ:.o=.sano): $(HDR) config.mk

build/libsongvec.a: $(LIBOBJ)
	mkdir -p build
	rm -f $@
	ar rcs $@ $(LIBOBJ)
build/libsongvec-san.a: $(LIBSAN)
	mkdir -p build
	rm -f $@
	ar rcs $@ $(LIBSAN)

# one link rule per tool (POSIX make has no pattern rules)
bin/vcat: src/vcat.o build/libsongvec.a
	mkdir -p bin && $(CC) $(LDFLAGS) -o $@ src/vcat.o build/libsongvec.a $(LDLIBS)
bin/vpaste: src/vpaste.o build/libsongvec.a
	mkdir -p bin && $(CC) $(LDFLAGS) -o $@ src/vpaste.o build/libsongvec.a $(LDLIBS)
bin/segment: src/segment.o build/libsongvec.a
	mkdir -p bin && $(CC) $(LDFLAGS) -o $@ src/segment.o build/libsongvec.a $(LDLIBS)
bin/feat: src/feat.o build/libsongvec.a
	mkdir -p bin && $(CC) $(LDFLAGS) -o $@ src/feat.o build/libsongvec.a $(LDLIBS)
bin/aggregate: src/aggregate.o build/libsongvec.a
	mkdir -p bin && $(CC) $(LDFLAGS) -o $@ src/aggregate.o build/libsongvec.a $(LDLIBS)
bin/vggish: src/vggish.o build/libsongvec.a
	mkdir -p bin && $(CC) $(LDFLAGS) -o $@ src/vggish.o build/libsongvec.a $(LDLIBS)
bin/weight: src/weight.o build/libsongvec.a
	mkdir -p bin && $(CC) $(LDFLAGS) -o $@ src/weight.o build/libsongvec.a $(LDLIBS)
bin/pca: src/pca.o build/libsongvec.a
	mkdir -p bin && $(CC) $(LDFLAGS) -o $@ src/pca.o build/libsongvec.a $(LDLIBS)
bin/kmeans: src/kmeans.o build/libsongvec.a
	mkdir -p bin && $(CC) $(LDFLAGS) -o $@ src/kmeans.o build/libsongvec.a $(LDLIBS)
bin/elbow: src/elbow.o build/libsongvec.a
	mkdir -p bin && $(CC) $(LDFLAGS) -o $@ src/elbow.o build/libsongvec.a $(LDLIBS)
bin/dbload: src/dbload.o build/libsongvec.a
	mkdir -p bin && $(CC) $(LDFLAGS) -o $@ src/dbload.o build/libsongvec.a $(LDLIBS)
bin/ytfetch: src/ytfetch.o build/libsongvec.a
	mkdir -p bin && $(CC) $(LDFLAGS) -o $@ src/ytfetch.o build/libsongvec.a $(LDLIBS)

build/san/vcat: src/vcat.sano build/libsongvec-san.a
	mkdir -p build/san && $(CC) $(SANFLAGS) -o $@ src/vcat.sano build/libsongvec-san.a $(LDLIBS)
build/san/vpaste: src/vpaste.sano build/libsongvec-san.a
	mkdir -p build/san && $(CC) $(SANFLAGS) -o $@ src/vpaste.sano build/libsongvec-san.a $(LDLIBS)
build/san/segment: src/segment.sano build/libsongvec-san.a
	mkdir -p build/san && $(CC) $(SANFLAGS) -o $@ src/segment.sano build/libsongvec-san.a $(LDLIBS)
build/san/feat: src/feat.sano build/libsongvec-san.a
	mkdir -p build/san && $(CC) $(SANFLAGS) -o $@ src/feat.sano build/libsongvec-san.a $(LDLIBS)
build/san/aggregate: src/aggregate.sano build/libsongvec-san.a
	mkdir -p build/san && $(CC) $(SANFLAGS) -o $@ src/aggregate.sano build/libsongvec-san.a $(LDLIBS)
build/san/vggish: src/vggish.sano build/libsongvec-san.a
	mkdir -p build/san && $(CC) $(SANFLAGS) -o $@ src/vggish.sano build/libsongvec-san.a $(LDLIBS)
build/san/weight: src/weight.sano build/libsongvec-san.a
	mkdir -p build/san && $(CC) $(SANFLAGS) -o $@ src/weight.sano build/libsongvec-san.a $(LDLIBS)
build/san/pca: src/pca.sano build/libsongvec-san.a
	mkdir -p build/san && $(CC) $(SANFLAGS) -o $@ src/pca.sano build/libsongvec-san.a $(LDLIBS)
build/san/kmeans: src/kmeans.sano build/libsongvec-san.a
	mkdir -p build/san && $(CC) $(SANFLAGS) -o $@ src/kmeans.sano build/libsongvec-san.a $(LDLIBS)
build/san/elbow: src/elbow.sano build/libsongvec-san.a
	mkdir -p build/san && $(CC) $(SANFLAGS) -o $@ src/elbow.sano build/libsongvec-san.a $(LDLIBS)
build/san/dbload: src/dbload.sano build/libsongvec-san.a
	mkdir -p build/san && $(CC) $(SANFLAGS) -o $@ src/dbload.sano build/libsongvec-san.a $(LDLIBS)
build/san/ytfetch: src/ytfetch.sano build/libsongvec-san.a
	mkdir -p build/san && $(CC) $(SANFLAGS) -o $@ src/ytfetch.sano build/libsongvec-san.a $(LDLIBS)
build/san/unit_vstream: tests/unit/vstream.sano build/libsongvec-san.a
	mkdir -p build/san && $(CC) $(SANFLAGS) -Isrc/lib -o $@ tests/unit/vstream.sano build/libsongvec-san.a $(LDLIBS)
build/san/unit_rhythm: tests/unit/rhythm.sano build/libsongvec-san.a
	mkdir -p build/san && $(CC) $(SANFLAGS) -Isrc/lib -o $@ tests/unit/rhythm.sano build/libsongvec-san.a $(LDLIBS)

san: $(SANBIN) $(UNIT)

# Install every build and test dependency from Debian packages (no-op when present).
deps:
	sh scripts/deps

# The test suite runs against the sanitizer build (ASan + UBSan); the numeric
# oracles (librosa goldens, scikit-learn, torch) are test-time only.
check: deps all san
	SV_BIN=$$(pwd)/build/san SV_OPTBIN=$$(pwd)/bin sh tests/run

# Quick suite on the optimised binaries (no sanitizers).
check-fast: all
	SV_BIN=$$(pwd)/bin SV_OPTBIN=$$(pwd)/bin sh tests/run

bench: deps all
	sh scripts/bench

demo: deps all
	sh scripts/demo

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)
	cp -f $(BIN) scripts/songvec-song223 scripts/vggish-convert $(DESTDIR)$(BINDIR)/
	cp -f man/*.1 $(DESTDIR)$(MANDIR)/man1/
	cp -f man/*.5 $(DESTDIR)$(MANDIR)/man5/

clean:
	rm -rf build bin src/*.o src/lib/*.o src/*.sano src/lib/*.sano tests/unit/*.sano

.PHONY: all san deps check check-fast bench demo install clean
