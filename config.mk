# songvec build configuration (POSIX make). Override on the command line,
# e.g. `make CC=clang` or `make PREFIX=$HOME/.local install`.
VERSION = 0.1.0
PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
DATADIR = $(PREFIX)/share/songvec

CC = cc
PKG_CONFIG = pkg-config
PKGS = sndfile samplerate soxr fftw3 fftw3f sqlite3 openblas lapacke xgboost libmicrohttpd

OPT = -O2 -march=x86-64-v2
CFLAGS = $(OPT) -g -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra \
	-Wno-unused-parameter -Werror=implicit-function-declaration -Werror=incompatible-pointer-types -Isrc/lib -DSV_VERSION=\"$(VERSION)\" \
	-DSV_DATADIR=\"$(DATADIR)\" \
	`$(PKG_CONFIG) --cflags $(PKGS)`
LDFLAGS =
LDLIBS = `$(PKG_CONFIG) --libs $(PKGS)` $(CXXLIBS) -lpthread -lmvec -lm

# -lmvec: glibc's vector exp and log (ml/gmmkern.c)
# the C++ shims of the library (LIBCXX in the Makefile) over Debian's header-only
# libraries: hnswlib (knn -a), fast_float and Dragonbox (core/fpconv).  No
# STB_GNU_UNIQUE symbols (for the tables in templates), which would mark every
# binary's ELF header OS/ABI GNU.  hnswlib needs exceptions, hence libstdc++.
CXX = c++
DRAGONBOX_INC = /usr/include/dragonbox-1.1.3
CXXFLAGS = $(OPT) -g -std=c++17 -fno-gnu-unique -Wall -Wextra -Wno-unused-parameter \
	-Isrc/lib -I$(DRAGONBOX_INC)
CXXLIBS = -lstdc++

# sanitizer build used by `make check`
SANFLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
