# Console input: bytes on armlet's stdin reach the guest's serial console
# (UART receive FIFO and interrupt), and stdin reaching EOF afterwards does
# not stop the guest.
. tests/integration/lib.sh
mkfifo "$T/in"
"$ARMLET" run -k "$KERNEL" -i "$INITRD" -m 256 -p "quiet armlet.test=echo" \
	<"$T/in" >"$T/out" 2>"$T/err" &
pid=$!
exec 3>"$T/in"
i=0
until grep -q "L2: ready for input" "$T/out"; do
	i=$((i + 1))
	[ $i -le 120 ] || { kill $pid; fail "guest never asked for input"; }
	sleep 1
done
echo "hello from the host" >&3
exec 3>&-
wait $pid
rc=$?
expect_rc 0
expect_in out "L2: got 'hello from the host'"
