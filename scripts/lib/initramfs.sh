# scripts/lib/initramfs.sh - pieces for building busybox initramfs images.
#
# Sourced by scripts/nested (L1 image, on the host) and scripts/mk-l2-initramfs
# (L2 images, on the host or inside L1). Plain POSIX sh plus tools busybox also
# has (awk, cpio -o -H newc, gzip, xz -d, find, sort), so it works in L1.
# Expects armlet_die from common.sh. Function-local names carry an _irfs
# prefix because POSIX sh has no "local".
# shellcheck shell=sh

# irfs_stage_base STAGE BUSYBOX: lay out the skeleton of a root file system
# with an arm64 busybox. Applet links are made at boot by "busybox --install"
# in the /init prologue: the host cannot run the arm64 binary to list them.
irfs_stage_base() {
	# The stage is often a mktemp -d directory (0700); "." becomes the
	# image's root directory, which must be world-readable.
	chmod 755 "$1"
	for _irfs_d in bin sbin usr/bin usr/sbin dev proc sys tmp run root etc mnt; do
		mkdir -p "$1/$_irfs_d"
	done
	cp "$2" "$1/bin/busybox"
	chmod 755 "$1/bin/busybox"
	ln -s busybox "$1/bin/sh"
	: >"$1/etc/modules.order"
}

# _irfs_dep_line MODDIR NAME: print NAME's modules.dep line. Module names
# treat '-' and '_' alike (sha2-ce.ko is module sha2_ce).
_irfs_dep_line() {
	awk -v want="$2" '
		BEGIN { gsub(/-/, "_", want) }
		{
			m = $1
			sub(/:$/, "", m); sub(/.*\//, "", m); sub(/\.ko(\.xz|\.zst|\.gz)?$/, "", m)
			gsub(/-/, "_", m)
			if (m == want) { print; exit }
		}' "$1/modules.dep"
}

_irfs_is_builtin() {
	awk -v want="$2" '
		BEGIN { gsub(/-/, "_", want) }
		{ m = $1; sub(/.*\//, "", m); sub(/\.ko$/, "", m); gsub(/-/, "_", m)
		  if (m == want) { found = 1; exit } }
		END { exit !found }' "$1/modules.builtin"
}

# _irfs_copy_module MODDIR REL DESTDIR: copy one module, decompressed, and
# print its path inside the image. Not every busybox insmod can read
# compressed modules, and the kernel's own decompression is a config option.
_irfs_copy_module() {
	_irfs_out=${2%.xz}
	_irfs_out=${_irfs_out%.zst}
	_irfs_out=${_irfs_out%.gz}
	mkdir -p "$3/${_irfs_out%/*}"
	case $2 in
	*.xz) xz -dc "$1/$2" >"$3/$_irfs_out" ;;
	*.zst) zstd -qdc "$1/$2" >"$3/$_irfs_out" ;;
	*.gz) gzip -dc "$1/$2" >"$3/$_irfs_out" ;;
	*) cp "$1/$2" "$3/$_irfs_out" ;;
	esac
	echo "$_irfs_out"
}

# irfs_add_modules STAGE KDIR NAME...: put modules NAME... from the kernel in
# KDIR (a .cache/kernel/SUITE directory) and everything they depend on into
# STAGE, appending their image paths to STAGE/etc/modules.order in a valid
# load order. Built-in modules are skipped with a note.
irfs_add_modules() {
	_irfs_stage=$1
	_irfs_ver=$(cat "$2/version")
	_irfs_md=$2/lib/modules/$_irfs_ver
	shift 2
	for _irfs_name in "$@"; do
		_irfs_line=$(_irfs_dep_line "$_irfs_md" "$_irfs_name")
		if [ -z "$_irfs_line" ]; then
			if _irfs_is_builtin "$_irfs_md" "$_irfs_name"; then
				echo "${0##*/}: note: $_irfs_name is built into $_irfs_ver" >&2
				continue
			fi
			armlet_die "no module '$_irfs_name' in $_irfs_ver"
		fi
		# modules.dep lists the whole dependency closure; modprobe loads
		# it from the last entry to the first, then the module itself.
		_irfs_order=${_irfs_line%%:*}
		for _irfs_dep in ${_irfs_line#*:}; do
			_irfs_order="$_irfs_dep $_irfs_order"
		done
		for _irfs_rel in $_irfs_order; do
			_irfs_img=/lib/modules/$_irfs_ver/$_irfs_rel
			_irfs_img=${_irfs_img%.xz}
			_irfs_img=${_irfs_img%.zst}
			_irfs_img=${_irfs_img%.gz}
			grep -qxF "$_irfs_img" "$_irfs_stage/etc/modules.order" && continue
			_irfs_copy_module "$_irfs_md" "$_irfs_rel" \
				"$_irfs_stage/lib/modules/$_irfs_ver" >/dev/null
			echo "$_irfs_img" >>"$_irfs_stage/etc/modules.order"
		done
	done
}

# _irfs_copy_into STAGE ROOT PATH: copy ROOT/PATH (following symlinks) to
# STAGE/PATH unless it is there already; succeed only if it was found.
_irfs_copy_into() {
	[ -e "$1/$3" ] && return 0
	[ -e "$2/$3" ] || return 1
	mkdir -p "$1/${3%/*}"
	cp -L "$2/$3" "$1/$3"
}

# irfs_add_program STAGE ROOT PATH: put the dynamically linked program
# ROOT/PATH at PATH in STAGE, with its interpreter and the closure of its
# DT_NEEDED libraries, looked up in ROOT's multiarch and plain lib dirs.
irfs_add_program() {
	_irfs_st=$1 _irfs_root=$2
	_irfs_copy_into "$_irfs_st" "$_irfs_root" "${3#/}" || armlet_die "--bin: no $2/$3"
	_irfs_todo=${3#/}
	while [ -n "$_irfs_todo" ]; do
		# Pop the first word of the work list.
		_irfs_elf=${_irfs_todo%% *}
		case $_irfs_todo in
		*" "*) _irfs_todo=${_irfs_todo#* } ;;
		*) _irfs_todo="" ;;
		esac
		_irfs_interp=$(readelf -l "$_irfs_st/$_irfs_elf" | sed -n 's/.*interpreter: \(.*\)]/\1/p')
		if [ -n "$_irfs_interp" ]; then
			_irfs_copy_into "$_irfs_st" "$_irfs_root" "${_irfs_interp#/}" ||
				armlet_die "--bin: no interpreter $_irfs_interp in $_irfs_root"
		fi
		for _irfs_lib in $(readelf -d "$_irfs_st/$_irfs_elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			_irfs_found=""
			for _irfs_dir in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu lib usr/lib; do
				[ -e "$_irfs_st/$_irfs_dir/$_irfs_lib" ] && { _irfs_found=1; break; }
				if _irfs_copy_into "$_irfs_st" "$_irfs_root" "$_irfs_dir/$_irfs_lib"; then
					_irfs_found=1
					_irfs_todo="${_irfs_todo:+$_irfs_todo }$_irfs_dir/$_irfs_lib"
					break
				fi
			done
			[ -n "$_irfs_found" ] ||
				armlet_die "--bin: $_irfs_lib (needed by $_irfs_elf) not in $_irfs_root"
		done
	done
}

# irfs_init_prologue: print the start of an /init script: mount the usual
# file systems, make the console stdio, load /etc/modules.order.
irfs_init_prologue() {
	cat <<'EOF'
#!/bin/busybox sh
# /init, generated by armlet's scripts/lib/initramfs.sh.
# busybox --install finds its own binary through /proc/self/exe, so /proc
# comes first, by full path.
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
export PATH=/sbin:/usr/sbin:/bin:/usr/bin HOME=/root
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# The image has no /dev/console node (it is built without root), so the
# kernel may have started us without stdio: take the console now.
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
while read -r m; do
	insmod "$m" || echo "init: insmod $m failed"
done </etc/modules.order
EOF
}

# irfs_pack STAGE OUT: write STAGE as a gzipped newc cpio to OUT, replacing it
# atomically so a concurrent user never sees a partial image.
irfs_pack() {
	_irfs_cpio_opts=""
	# Files must be root-owned in the image; GNU cpio can say so even when
	# run by a normal user. Busybox cpio (inside L1) runs as root anyway.
	if cpio --version 2>/dev/null | grep -q GNU; then
		_irfs_cpio_opts="--quiet -R 0:0"
	fi
	_irfs_tmp=$2.tmp.$$
	# Two steps rather than one pipe, so a cpio failure is not hidden
	# behind gzip's exit status.
	# shellcheck disable=SC2086
	if (cd "$1" && find . | sort | cpio -o -H newc $_irfs_cpio_opts) >"$_irfs_tmp" &&
		gzip -9 <"$_irfs_tmp" >"$_irfs_tmp.gz"; then
		rm -f "$_irfs_tmp"
		mv -f "$_irfs_tmp.gz" "$2"
	else
		rm -f "$_irfs_tmp" "$_irfs_tmp.gz"
		armlet_die "cannot write $2"
	fi
}
