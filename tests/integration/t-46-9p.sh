# virtio-9p: the L2 guest mounts a shared L1 directory, reads a file L1
# wrote and writes one L1 checks (md5 both ways), creates, renames and
# removes files and directories, and cannot reach anything outside the
# share: not through "..", nor absolute symlinks, nor a symlink planted on
# the host pointing at /, nor one pointing at a sibling of the share. armlet
# runs as root here, so the guest's ids apply: a chown in the guest, and
# what a non-root guest user creates, show on L1 with those ids.
. tests/integration/lib.sh
S=$T/share
mkdir -p "$S/sub"
echo SECRET >"$T/secret"
head -c 1048576 /dev/urandom >"$S/in.bin"
ln -s / "$S/root"
ln -s ../secret "$S/up"
ln -s "$T/secret" "$S/abs"
cp "$ARMLET_ROOT/tests/integration/9p-guest.sh" "$S/guest.sh"

boot_l2 1 9p --9p "$S,t" --stats="$T/stats.json"
cat "$T/out" | grep "L2:" | tail -n 20
expect_rc 0
expect_in out "L2: 9p checks done"
expect_in out "L2-BODY-EXIT=0"
# What the guest read, L1 wrote; what the guest wrote, L1 reads back.
[ "$(cat "$S/in.md5")" = "$(md5sum <"$S/in.bin" | cut -d' ' -f1)" ] ||
	fail "the guest read in.bin as $(cat "$S/in.md5")"
[ "$(md5sum <"$S/out.bin" | cut -d' ' -f1)" = "$(pattern 3000000 | md5sum | cut -d' ' -f1)" ] ||
	fail "out.bin as L1 reads it differs from what the guest wrote"
[ -f "$S/dir2/moved" ] && [ ! -e "$S/dir/file" ] || fail "rename did not reach L1"
[ ! -e "$S/gone" ] || fail "unlink did not reach L1"
[ "$(readlink "$S/made-link")" = /etc/passwd ] || fail "the guest's symlink is not on L1"
expect_in out "L2: 9p ownership done"
for f in owned byuser/f byuser/d byuser/l; do
	[ "$(stat -c %u:%g "$S/$f")" = 1000:1000 ] || fail "$f is $(stat -c %u:%g "$S/$f") on L1, not 1000:1000"
done
[ "$(stat -c %u:%g "$S/dir2")" = 0:0 ] || fail "root's dir2 is $(stat -c %u:%g "$S/dir2") on L1"
# Nothing outside the share changed.
[ "$(cat "$T/secret")" = SECRET ] || fail "the secret outside the share changed"
[ ! -e /tmp/armlet-9p-pwned ] || fail "the guest wrote /tmp on L1"
got=$(stat_of "$T/stats.json" virtio-9p0 requests)
[ "${got:-0}" -gt 20 ] || fail "--stats says virtio-9p0 served ${got:-no} requests"

# Bad specs fail before the guest starts, with the reason.
run_armlet -k "$KERNEL" --9p "$S"
expect_rc 1
expect_in err "DIR,TAG"
run_armlet -k "$KERNEL" --9p "$T/no-such-dir,t"
expect_rc 1
expect_in err "no-such-dir"
