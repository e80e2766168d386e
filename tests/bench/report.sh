#!/bin/sh
# tests/bench/report.sh - the one table and the JSON file of scripts/bench.
#
#   sh tests/bench/report.sh SAMPLES JSON [KEY=VALUE...]
#
# SAMPLES holds one measurement per line, "SECTION|METRIC|WHO|UNIT|VALUE"
# (tests/bench/lib.sh's sample()), in the order taken. For each SECTION,
# METRIC and WHO the table shows the median with the min and max of its
# samples and their count, and a ratio: armlet over QEMU where both were
# measured, and an L2 figure over L1's in the block section. JSON gets the
# same plus every sample; KEY=VALUE pairs go into its "setup" object.
# Figures only: nothing here judges them.
set -u
samples=$1
json=$2
shift 2

# stats: "SECTION|METRIC|WHO|UNIT|n|median|min|max|v1 v2 ..." per group,
# sections, then metrics, then WHOs in the order they first appear (busybox
# awk has no asort).
stats() {
	awk -F'|' '
	!($1 in sec_i) { sec_i[$1] = ++nsec; secs[nsec] = $1 }
	!(($1 FS $2) in met_i) { met_i[$1 FS $2] = ++nmet[$1]; mets[$1, nmet[$1]] = $2 }
	!(($1 FS $2 FS $3) in who_i) {
		m = $1 FS $2; who_i[m FS $3] = ++nwho[m]; whos[m, nwho[m]] = $3 FS $4
	}
	{ k = $1 FS $2 FS $3; v[k, ++n[k]] = $5 + 0 }
	END {
		for (a = 1; a <= nsec; a++)
		for (b = 1; b <= nmet[secs[a]]; b++) {
			m = secs[a] FS mets[secs[a], b]
			for (c = 1; c <= nwho[m]; c++) {
				split(whos[m, c], wu, FS)
				k = m FS wu[1]
				stat(k, k FS wu[2])
			}
		}
	}
	function stat(k, label,    c, i, j, x, med, list, s) {
		c = n[k]
		for (i = 1; i <= c; i++) s[i] = v[k, i]
		for (i = 2; i <= c; i++) {
			x = s[i]
			for (j = i - 1; j >= 1 && s[j] > x; j--) s[j + 1] = s[j]
			s[j + 1] = x
		}
		med = (c % 2) ? s[(c + 1) / 2] : (s[c / 2] + s[c / 2 + 1]) / 2
		list = ""
		for (i = 1; i <= c; i++) list = list (i > 1 ? " " : "") v[k, i]
		print label FS c FS med FS s[1] FS s[c] FS list
	}' "$samples"
}

# The reference a row is divided by: QEMU for armlet, L1 for an L2 block row.
ratios() {
	awk -F'|' '
	{ row[NR] = $0; med[$1 FS $2 FS $3] = $6 }
	END {
		for (r = 1; r <= NR; r++) {
			split(row[r], f, "|")
			# armlet X against qemu X (none for rvic: QEMU has no rVIC).
			ref = f[3]
			if (!sub(/^armlet/, "qemu", ref)) ref = ""
			if (f[1] == "block") ref = (f[3] == "L1") ? "" : "L1"
			if (f[1] == "a/b") ref = (f[3] == "after") ? "before" : ""
			if (ref != "") ref = f[1] FS f[2] FS ref
			q = (ref in med && med[ref] + 0 != 0) ? sprintf("%.2f", f[6] / med[ref]) : "-"
			print row[r] FS q
		}
	}'
}

table() {
	awk -F'|' '
	function num(x) { return (x == int(x)) ? sprintf("%d", x) : sprintf("%.1f", x) }
	$1 != sec {
		sec = $1
		printf "\n%s\n", toupper(sec)
		printf "  %-46s %-16s %10s %10s %10s %3s %6s\n", "metric", "who", "median", "min", "max", "n", "ratio"
	}
	{
		m = ($2 == last) ? "" : $2; last = $2
		printf "  %-46s %-16s %10s %10s %10s %3d %6s  %s\n", m, $3, num($6), num($7), num($8), $5, $10, $4
	}'
}

to_json() {
	awk -F'|' -v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" -v setup="$*" '
	function q(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
	BEGIN {
		printf "{\n  \"date\": %s,\n  \"setup\": {", q(date)
		n = split(setup, kv, " ")
		for (i = 1; i <= n; i++) {
			e = index(kv[i], "=")
			printf "%s\n    %s: %s", (i > 1 ? "," : ""), q(substr(kv[i], 1, e - 1)), q(substr(kv[i], e + 1))
		}
		printf "\n  },\n  \"figures\": ["
	}
	{
		gsub(/ /, ", ", $9)
		printf "%s\n    { \"section\": %s, \"metric\": %s, \"who\": %s, \"unit\": %s, \"n\": %d, \"median\": %s, \"min\": %s, \"max\": %s, \"ratio\": %s, \"samples\": [%s] }", \
			(NR > 1 ? "," : ""), q($1), q($2), q($3), q($4), $5, $6, $7, $8, ($10 == "-" ? "null" : $10), $9
	}
	END { printf "\n  ]\n}\n" }'
}

rows=$(stats | ratios)
echo "$rows" | table
echo
echo "ratio: armlet / QEMU (boot, exits, footprint, ping: lower is better for armlet;"
echo "       network Mbit/s: higher is better);"
echo "       L2 / L1 native on the same file (block); after / before (a/b)."
echo "       Timings come from a nested"
echo "       TCG host unless noted: absolute values mean something only as ratios."
mkdir -p "${json%/*}"
echo "$rows" | to_json "$@" >"$json.tmp" && mv "$json.tmp" "$json"
