# Runs in the L2 guest from the share itself (t-46, t-47): sh guest.sh MODE MNT
mode=$1
m=$2
ok() { echo "L2: $*"; }
bad() { echo "L2: FAIL: $*"; exit 1; }

sum=$(md5sum <"$m/in.bin" | cut -d' ' -f1)
ok "in.bin md5 $sum"
if [ "$mode" = 9p-ro ]; then
	echo x >"$m/new" 2>/dev/null && bad "created a file on a ro share"
	echo x >>"$m/in.bin" 2>/dev/null && bad "appended to a file on a ro share"
	mkdir "$m/d" 2>/dev/null && bad "made a directory on a ro share"
	rm "$m/in.bin" 2>/dev/null && bad "removed a file on a ro share"
	mv "$m/in.bin" "$m/x" 2>/dev/null && bad "renamed on a ro share"
	ln -s x "$m/l" 2>/dev/null && bad "made a symlink on a ro share"
	touch "$m/in.bin" 2>/dev/null && bad "touched a file on a ro share"
	ok "9p-ro checks done"
	exit 0
fi
echo "$sum" >"$m/in.md5" || bad "cannot write in.md5"
yes armlet-pattern-0123456789abcdef | head -c 3000000 >"$m/out.bin" || bad "write out.bin"
[ "$(wc -c <"$m/out.bin")" = 3000000 ] || bad "out.bin has the wrong size"
mkdir "$m/dir" "$m/dir2" || bad mkdir
echo hello >"$m/dir/file" || bad "write dir/file"
mv "$m/dir/file" "$m/dir2/moved" || bad rename
[ "$(cat "$m/dir2/moved")" = hello ] || bad "read after rename"
echo bye >"$m/gone" && rm "$m/gone" || bad unlink
rmdir "$m/dir" || bad rmdir
ln -s /etc/passwd "$m/made-link" || bad symlink
ln "$m/dir2/moved" "$m/hard" && [ "$(cat "$m/hard")" = hello ] || bad "hard link"
ls -la "$m" >/dev/null || bad readdir
[ "$(ls "$m/sub" | wc -l)" = 0 ] || bad "sub is not empty"
# Escapes: each path resolves in the guest's own namespace, never on L1.
cat "$m/up" 2>/dev/null | grep -q SECRET && bad "read the secret through ../"
cat "$m/abs" 2>/dev/null | grep -q SECRET && bad "read the secret through an absolute link"
cat "$m/../secret" 2>/dev/null | grep -q SECRET && bad "read the secret through .."
cat "$m/sub/../../secret" 2>/dev/null | grep -q SECRET && bad "read the secret through sub/../.."
[ -e "$m/root/armlet" ] && bad "the planted link to / shows L1's root"
echo pwned >"$m/root/tmp/armlet-9p-pwned" 2>/dev/null
[ -e "$m/root/proc/self" ] || bad "the link to / does not lead to the guest's own root"
# Ownership (armlet runs as root in L1, so it applies the guest's ids):
# root's chown, and what a non-root user (runas: no user database in L2)
# creates in a directory it may write, belong to those ids on L1 too.
echo owned >"$m/owned" && chown 1000:1000 "$m/owned" || bad "chown 1000:1000"
[ "$(stat -c %u:%g "$m/owned")" = 1000:1000 ] || bad "owned is $(stat -c %u:%g "$m/owned")"
mkdir -m 777 "$m/byuser" || bad "mkdir byuser"
runas 1000 1000 sh -c "echo mine >'$m/byuser/f' && mkdir '$m/byuser/d' && ln -s f '$m/byuser/l'" ||
	bad "user 1000 cannot create in byuser"
for f in f d l; do
	[ "$(stat -c %u:%g "$m/byuser/$f")" = 1000:1000 ] ||
		bad "byuser/$f is $(stat -c %u:%g "$m/byuser/$f") in the guest"
done
ok "9p ownership done"
ok "9p checks done"
