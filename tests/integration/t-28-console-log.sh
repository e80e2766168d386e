# --console-log FILE keeps everything the guest printed, up to the last line
# before power-off, for the UART and for hvc0 alike, and also when stdout is
# a pipe whose reader went away after the first line.
. tests/integration/lib.sh
for console in serial virtio; do
	rm -f "$T/log"
	"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m 256 -p "quiet armlet.test=uptime" \
		--console $console --console-log "$T/log" </dev/null 2>"$T/err" | head -n 1 >/dev/null
	[ -s "$T/log" ] || fail "$console: no console log"
	grep -q "L2: init at uptime" "$T/log" || fail "$console: the log lacks the body's first line"
	tail -n 3 "$T/log" | grep -q "L2-BODY-EXIT=0" ||
		fail "$console: the log does not end with the body's last line"
done
run_armlet -k "$KERNEL" --console-log "$T/no/such/dir/log"
expect_rc 1
expect_in err "cannot open $T/no/such/dir/log"
