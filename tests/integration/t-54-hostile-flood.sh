# Resource limits (tests/guests/hostile_flood.c): 4 vCPUs keep their
# virtio-blk queues full of 1 MiB reads (a whole 256-entry ring each, one
# kick) for several rounds. Every request completes, and armlet's threads
# and memory stay bounded: at most 4 vCPU threads, one I/O thread per queue
# and io_uring's capped workers (4 of each kind per queue thread), however
# much the guest posts. Figures: threads, VmHWM, and the rate.
. tests/integration/lib.sh
. tests/integration/hostile-lib.sh
truncate -s 2G "$T/big.img"
for io in uring aio sync; do
	watch_armlet -k "$GUESTS/hostile_flood.bin" -m 64 -c 4 --testdev --timeout 500 \
		-d "$T/big.img,ro,io=$io"
	expect_rc 0
	expect_in out "hostile: .* MiB read through 4 full rings"
	figure "io=$io flood" "$(sed -n 's/^hostile: //p' "$T/out")"
	# 4 vCPUs + 4 queue threads + 4 x 8 io_uring workers + main and helpers.
	bounded_memory "io=$io" 64 48
done
