#!/bin/bash
# scripts/lib/build-slirp.sh SRC GLIBROOT DST CC AR - build libslirp.a.
#
# Debian's libslirp-dev ships only the shared library, and armlet is one
# static binary, so scripts/setup fetches libslirp's Debian source package
# and this compiles it the way its meson.build does (the same source list,
# -DG_LOG_DOMAIN, the version header) with the cross compiler, against
# Debian's arm64 glib headers in GLIBROOT (whose libglib-2.0.a and
# libpcre2-8.a the link then uses). Writes DST/include/slirp/{libslirp.h,
# libslirp-version.h} and DST/lib/libslirp.a. No meson: one loop, no
# configure checks (HAVE_VALGRIND stays off).
set -eu
[ $# -eq 5 ] || { echo "usage: build-slirp.sh SRC GLIBROOT DST CC AR" >&2; exit 2; }
src=$1 glib=$2 dst=$3 cc=$4 ar=$5
multi=aarch64-linux-gnu

ver=$(sed -n "s/^ *version : '\([0-9.]*\)',/\1/p" "$src/meson.build" | head -1)
[ -n "$ver" ] || { echo "build-slirp: no version in $src/meson.build" >&2; exit 1; }
IFS=. read -r major minor micro <<<"$ver"

mkdir -p "$dst/include/slirp" "$dst/lib" "$dst/obj"
sed -e "s/@SLIRP_MAJOR_VERSION@/$major/" -e "s/@SLIRP_MINOR_VERSION@/$minor/" \
	-e "s/@SLIRP_MICRO_VERSION@/$micro/" -e "s/@SLIRP_VERSION_STRING@/\"$ver\"/" \
	"$src/src/libslirp-version.h.in" >"$dst/include/slirp/libslirp-version.h"
cp "$src/src/libslirp.h" "$dst/include/slirp/"

# The sources meson.build lists, in its order.
srcs=$(sed -n '/^sources = \[/,/^\]/p' "$src/meson.build" | grep -o "src/[a-z0-9_]*\.c")
[ -n "$srcs" ] || { echo "build-slirp: no source list in $src/meson.build" >&2; exit 1; }
objs=()
for s in $srcs; do
	o=$dst/obj/$(basename "$s" .c).o
	"$cc" -std=gnu99 -O2 -g -w -DG_LOG_DOMAIN='"Slirp"' -I"$dst/include/slirp" \
		-I"$glib/usr/include/glib-2.0" -I"$glib/usr/lib/$multi/glib-2.0/include" \
		-c "$src/$s" -o "$o"
	objs+=("$o")
done
rm -f "$dst/lib/libslirp.a"
"$ar" rcs "$dst/lib/libslirp.a" "${objs[@]}"
rm -rf "$dst/obj"
