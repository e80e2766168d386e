# virtio-vsock through vhost-vsock: a program on L1 (the KVM host) and one
# in the L2 guest exchange 1 MiB each way over AF_VSOCK, and each checks
# the echo byte for byte; once with MSI-X (the kernel signals irqfds), once
# with INTx (armlet relays the kernel's calls).
. tests/integration/lib.sh
TOOL=$ARMLET_ROOT/build/tools/vsock-tool
[ -x "$TOOL" ] || fail "no $TOOL (make check-integration builds it)"
[ -e /dev/vhost-vsock ] || { echo "SKIP: no /dev/vhost-vsock (modprobe vhost_vsock)"; exit 77; }
CID=$((1000 + $$ % 1000))

# exchange ARGS...: both directions with one L2 guest started with ARGS.
exchange() {
	# The guest's connection to the host (CID 2) lands here.
	"$TOOL" serve 5001 >"$T/serve" 2>&1 &
	spid=$!
	"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m 256 -c 1 -p "quiet armlet.test=vsock" \
		--vsock "$CID" --stats="$T/stats.json" "$@" >"$T/out" 2>"$T/err" </dev/null &
	apid=$!
	"$TOOL" send "$CID" 5000 1048576 >"$T/send" 2>&1
	send_rc=$?
	wait $apid
	rc=$?
	kill $spid 2>/dev/null
	wait $spid
	cat "$T/send" "$T/serve"
	expect_rc 0
	expect_in out "L2: vsock both ways"
	[ "$send_rc" = 0 ] || fail "host to guest ($*): $(cat "$T/send")"
	grep -q "echoed 1048576 bytes" "$T/serve" || fail "guest to host ($*): $(cat "$T/serve")"
}

# MSI-X: the kernel's calls go straight to the vectors' irqfds.
exchange
# INTx (no ITS): the calls go through armlet's relay thread.
exchange --irqchip gicv3
# Only the relay can have raised INTx for the vhost rings.
a=$(stat_of "$T/stats.json" virtio-vsock irq_irqfd)
b=$(stat_of "$T/stats.json" virtio-vsock irq_slow)
irqs=$((${a:-0} + ${b:-0}))
[ "$irqs" -gt 0 ] || fail "--stats shows no INTx interrupt from virtio-vsock"
figure "vsock interrupts relayed as INTx" "$irqs"

# A CID another VM holds is refused before the guest starts.
"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m 256 -p "armlet.test=sleep" --vsock "$CID" \
	>"$T/out1" 2>&1 </dev/null &
apid=$!
i=0
while ! grep -q "L2: tick" "$T/out1" && [ $i -lt 240 ]; do
	sleep 0.5
	i=$((i + 1))
done
grep -q "L2: tick" "$T/out1" || fail "the first VM did not boot: $(tail -n 5 "$T/out1")"
run_armlet -k "$KERNEL" -i "$INITRD" -m 256 -p "armlet.test=uptime" --vsock "$CID"
kill $apid 2>/dev/null
wait $apid
[ "$rc" != 0 ] || fail "a second VM with CID $CID started"
expect_in err "another VM has this CID"
