# SIGTERM and SIGINT stop a running guest with their documented codes.
. tests/integration/lib.sh
for sig in TERM INT; do
	"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m 256 -p "quiet armlet.test=uptime" \
		>"$T/out" 2>"$T/err" </dev/null &
	pid=$!
	sleep 2
	kill -$sig $pid
	wait $pid
	rc=$?
	case $sig in TERM) expect_rc 143 ;; INT) expect_rc 130 ;; esac
	expect_in err "stopped by SIG$sig"
done
