#!/bin/sh
# build/asan/armlet (make asan): armlet built with ASan and UBSan, linked
# dynamically, run through the dynamic loader with the runtime libraries
# make copied next to it. exec keeps the pid, so tests can signal it.
d=$(dirname "$0")
exec "$d/lib/ld-linux-aarch64.so.1" --library-path "$d/lib" "$d/armlet.bin" "$@"
