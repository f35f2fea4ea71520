# tests/lib.sh — helpers sourced by every tests/*.test script (POSIX sh).
#
#   t NAME RC OUT ERR CMD   run CMD (a sh -c string) and compare exit code, stdout and
#                           stderr exactly; OUT/ERR '*' = don't compare.  Both may
#                           contain newlines (use "$(printf 'a\nb')").
#   ok NAME CMD             pass when CMD exits 0 (numeric comparisons, python oracles);
#                           its output is shown on failure.
#   skip NAME WHY           counted as neither; printed.
#
# Environment: SV_BIN (binaries under test, put first on PATH), SV_UNIT (the C unit tests), SV_OPTBIN (optimised
# binaries, for slow numeric tests), T (a scratch dir per script), PY (/usr/bin/python3,
# the oracle interpreter), TOP (the checkout).
# Test data carried by the project (tests/data/README.md): AUDIO (the test audio, made
# once into build/testaudio by tests/data/mkaudio), GOLDEN (librosa's values),
# VGGISH_PCA (the real VGGish PCA parameters).  What the project may not carry is
# looked up in SHARED (default ../shared next to the checkout; set it to use another
# directory): librosa 0.10.1's source (reference/) and the MusiCNN models (models/);
# their tests say `skip` when it is absent (LIBROSA_WHY says why).
set -u
: "${TOP:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${SV_BIN:=$TOP/bin}"
: "${SV_OPTBIN:=$TOP/bin}"
: "${SV_UNIT:=$TOP/build/san/unit}"
: "${SHARED:=$(cd "$TOP/../shared" 2>/dev/null && pwd)}"
: "${SV_RESULTS:=/dev/null}"
GOLDEN=$TOP/tests/data/golden
VGGISH_PCA=$TOP/tests/data/vggish/vggish_pca_params.npz
AUDIO=$(sh "$TOP/tests/data/mkaudio") || { echo "lib.sh: tests/data/mkaudio failed" >&2; exit 1; }
LIBROSA_WHY="no librosa 0.10.1 source: ${SHARED:-../shared}/reference/librosa-0.10.1.tar.gz not found (set SHARED=dir)"
PY=/usr/bin/python3
PATH=$SV_BIN:$TOP/scripts:$PATH
export PATH SV_BIN SV_OPTBIN SV_UNIT SHARED TOP PY AUDIO GOLDEN VGGISH_PCA
# sanitizer settings for the san build; harmless for the optimised one
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=98}
# leaks inside system libraries only, each justified in the file
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$TOP/tests/lsan.supp:print_suppressions=0}
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
T=$(mktemp -d "${TMPDIR:-/tmp}/svtest.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

_pass() { echo "PASS $1"; echo pass >> "$SV_RESULTS"; }
_fail() { echo "FAIL $1"; echo fail >> "$SV_RESULTS"; }

t() {
	_n=$1 _rc=$2 _out=$3 _err=$4
	shift 4
	sh -c "$*" > "$T/.out" 2> "$T/.err"
	_got=$?
	_bad=
	[ "$_got" = "$_rc" ] || _bad="exit $_got, expected $_rc"
	if [ "$_out" != '*' ]; then
		printf '%s' "$_out" > "$T/.want"
		[ -n "$_out" ] && echo >> "$T/.want"
		cmp -s "$T/.want" "$T/.out" || _bad="$_bad; stdout differs"
	fi
	if [ "$_err" != '*' ]; then
		printf '%s' "$_err" > "$T/.wanterr"
		[ -n "$_err" ] && echo >> "$T/.wanterr"
		cmp -s "$T/.wanterr" "$T/.err" || _bad="$_bad; stderr differs"
	fi
	if [ -z "$_bad" ]; then
		_pass "$_n"
	else
		_fail "$_n: $_bad"
		echo "  command: $*"
		[ "$_out" != '*' ] && { echo "  --- stdout diff:"; diff "$T/.want" "$T/.out" | head -20 | sed 's/^/  /'; }
		echo "  --- stderr:"; head -20 "$T/.err" | sed 's/^/  /'
	fi
}

ok() {
	_n=$1
	shift
	if sh -c "$*" > "$T/.out" 2>&1; then
		_pass "$_n"
	else
		_fail "$_n"
		echo "  command: $*"
		tail -30 "$T/.out" | sed 's/^/  /'
	fi
}

skip() { echo "SKIP $1: $2"; }

# The EXAMPLES of a man page as a person would copy them: the page rendered at 80
# columns (mandoc -Tascii, as man(1) in an 80-column terminal), every line of the
# EXAMPLES section that starts with "$ " is a command, printed one per line for the
# caller to run (each must exit 0).  A command the rendering wraps onto the next
# line would not paste as one: it comes out as a command that fails, naming it.
man_examples() {
	MANWIDTH=80 mandoc -Tascii -O width=80 "$1" | col -bx | awk -v q="'" '
	/^[A-Z]/ { on = ($0 == "EXAMPLES"); next }
	!on { next }
	{
		match($0, /^ */); ind = RLENGTH; s = substr($0, ind + 1)
		if (s ~ /^\$ /) { flush(); cmd = substr(s, 3); cind = ind; next }
		if (cmd != "" && s != "" && ind >= cind) { wrapped = 1; next }
		flush()
	}
	END { flush() }
	function flush() {
		if (cmd == "")
			return
		if (wrapped) {
			gsub(q, q "\\" q q, cmd)
			print "echo " q "wrapped at 80 columns: " cmd q " >&2; false"
		} else
			print cmd
		cmd = ""; wrapped = 0
	}'
}

# A 30000 x 3 TSV stream for the readers on -j threads (core/vreader.c's bulk
# reader), written to $1: a comment at line 5001, a repeated header at 9002, CRLF
# lines, numbers in %g, %e and integer spellings.  Line L holds record L - 2 from
# line 5002 up to 9001, record L - 3 after.
mixed_tsv() {
	awk 'BEGIN { srand(7); print "#songvec dim=3"; for (i = 1; i <= 30000; i++) {
		if (i == 5000) print "# a comment"; if (i == 9000) print "#songvec dim=3"
		printf "r%d\t%.6g\t%.3e\t%d%s\n", i, rand() * 10, rand() - 0.5, i % 7, i % 9999 == 0 ? "\r" : "" } }' > "$1"
}
