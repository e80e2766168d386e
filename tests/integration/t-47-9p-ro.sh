# virtio-9p read-only: the guest reads the share, and every change is
# refused (EROFS), the share unchanged on L1.
. tests/integration/lib.sh
S=$T/share
mkdir -p "$S/sub"
head -c 65536 /dev/urandom >"$S/in.bin"
cp "$ARMLET_ROOT/tests/integration/9p-guest.sh" "$S/guest.sh"
before=$(ls -lR "$S" | md5sum)

boot_l2 1 9p-ro --9p "$S,t,ro"
grep "L2:" "$T/out" | tail -n 20
expect_rc 0
expect_in out "L2: 9p-ro checks done"
expect_in out "L2-BODY-EXIT=0"
[ "$(cat "$T/out" | sed -n 's/.*L2: in.bin md5 \([0-9a-f]*\).*/\1/p')" = \
	"$(md5sum <"$S/in.bin" | cut -d' ' -f1)" ] || fail "the guest read in.bin wrong"
[ "$(ls -lR "$S" | md5sum)" = "$before" ] || fail "the read-only share changed"
