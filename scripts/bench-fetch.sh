# scripts/bench-fetch.sh - Debian arm64 programs for the benchmarks, unpacked
# with their library closure into .cache/NAME-root so L1 (which has no libc
# of its own) can run them through the root's own dynamic loader.
#
# Sourced by scripts/bench after scripts/lib/common.sh; needs $cache.
# bash: only the host side uses it.
# shellcheck shell=bash disable=SC2154 # $cache and the settings come from the sourcer

bench_suite=$ARMLET_ROOT_SUITE

# bench_apt TOOL ARGS...: apt-get or apt-cache confined to the private
# configuration scripts/setup keeps in .cache/apt/SUITE (the same options as
# its papt_opts): the system's sources and dpkg status are never used.
bench_apt() {
	local tool=$1 d=$cache/apt/$bench_suite
	shift
	"$tool" -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null \
		-o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" \
		-o Dir::State::status=/dev/null -o Acquire::Languages=none \
		-o APT::Architecture=arm64 -o APT::Architectures::=arm64 \
		-o APT::Sandbox::User=root -q "$@"
}

# bench_packages PKG...: the PKGs and the closure of their library
# dependencies. Debian's fio, qemu-system-arm and linux-perf also depend on
# helper packages (python3, perl, qemu-system-data, ...) that their binaries
# never load for what the benchmarks do; apt's simulated install of the
# library dependencies alone gives a closure without them, and only its lib*
# packages carry shared objects.
bench_packages() {
	local libs p
	for p in "$@"; do
		echo "$p"
		bench_apt apt-cache depends "$p" | awk '$1 == "Depends:" && $2 ~ /^(lib|zlib)/ { print $2 }'
	done >"$cache/.bench-direct.$$"
	libs=$(grep -vxF -f <(printf '%s\n' "$@") "$cache/.bench-direct.$$" | sort -u)
	rm -f "$cache/.bench-direct.$$"
	[ -n "$libs" ] || armlet_die "cannot resolve the dependencies of $* in $bench_suite"
	printf '%s\n' "$@"
	# shellcheck disable=SC2086 # one word per package
	bench_apt apt-get -s --no-install-recommends install $libs |
		awk '$1 == "Inst" && $2 ~ /^(lib|zlib)/ { print $2 }'
}

# bench_fetch NAME BINARY PKG...: unpack PKG... and their libraries into
# .cache/NAME-root once; BINARY (a path inside the root) says it is there.
bench_fetch() {
	local name=$1 bin=$2 r=$cache/$1-root
	shift 2
	[ -x "$r/$bin" ] && [ -f "$r/.packages" ] && return 0
	local d=$cache/apt/$bench_suite debs=$cache/$name-debs
	echo "bench: fetching arm64 $* and libraries ($bench_suite) into $r"
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	if [ ! -f "$d/sources.list" ]; then
		echo "deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $ARMLET_MIRROR $bench_suite main" \
			>"$d/sources.list"
	fi
	bench_apt apt-get update >/dev/null
	rm -rf "$debs" "$r.new"
	mkdir -p "$debs" "$r.new"
	# shellcheck disable=SC2046 # one word per package
	(cd "$debs" && bench_apt apt-get download $(bench_packages "$@") >/dev/null)
	local deb
	for deb in "$debs"/*.deb; do
		dpkg-deb -x "$deb" "$r.new"
		dpkg-deb -f "$deb" Package Version | paste -sd' ' >>"$r.new/.packages"
	done
	bench_flatten_private_libs "$r.new"
	rm -rf "$debs" "$r"
	mv "$r.new" "$r"
	[ -x "$r/$bin" ] || armlet_die "no $bin in $*: Debian's packaging changed (see .cache/$name-root)"
}

# bench_flatten_private_libs ROOT: ceph keeps libceph-common in a private
# directory that librados finds through its RUNPATH (and perf keeps its own
# in .../perf); the initramfs builder and --library-path only look in the
# standard library directories, so link such libraries in there.
bench_flatten_private_libs() {
	local multi=$1/usr/lib/aarch64-linux-gnu f
	for f in "$multi"/*/lib*.so*; do
		[ -e "$f" ] || continue
		[ -e "$multi/${f##*/}" ] || ln -s "${f#"$multi"/}" "$multi/${f##*/}"
	done
}

# bench_need_slirp: QEMU's -netdev user is libslirp, a library
# qemu-system-arm depends on (libslirp0, in bench_packages' closure). A
# QEMU root unpacked without it (an older closure) is fetched again, with
# libslirp0 named, so the network section compares user mode too.
bench_need_slirp() {
	local r=$cache/qemu-root
	compgen -G "$r/usr/lib/aarch64-linux-gnu/libslirp.so.0*" >/dev/null && return 0
	echo "bench: $r has no libslirp: fetching QEMU again"
	rm -rf "$r"
	bench_fetch qemu usr/bin/qemu-system-aarch64 qemu-system-arm libslirp0
	compgen -G "$r/usr/lib/aarch64-linux-gnu/libslirp.so.0*" >/dev/null ||
		armlet_die "no libslirp in Debian's qemu-system-arm closure: QEMU's user-mode rows need libslirp0"
}
