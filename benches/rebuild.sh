#!/usr/bin/env bash
# A rebuild after one finding's edit, timed for one or more evident binaries in alternating rounds,
# each rebuild checked against a cold build of the same files.
#
#   benches/rebuild.sh ROUNDS SITE BIN [BIN ...]
#
# SITE is an evidence corpus's site folder (`python3 benches/corpus.py evidence 10000 DIR` makes
# DIR/evident). Each binary gets its own copy of SITE and its own output folder, built once and
# rebuilt once to warm the build cache (after a pause, so that the kept pages' files are old
# enough to be known by their stamps). Then, in each round, the same finding's statement is
# edited in every copy and each binary rebuilds its copy (timed), after which the first binary
# makes a cold build (`--no-cache`) into a fresh folder, timed too; every rebuilt folder must
# equal it (`diff -r`), or the round is reported. The summary gives each binary's median wall
# time, CPU time and largest peak RSS, the rebuild as a share of the cold build, and, for every
# binary after the first, its paired difference from the first in each round: alternating rounds
# and paired differences keep the machine's drift out of the comparison.
#
# With EDIT=none, nothing is edited between builds: the rebuild is a build of the same files, what
# a build costs whatever it has to do (the passes over the whole site that no edit avoids). With
# EDIT=add, each round adds a finding to the same file instead (the site's counts change).
#
# With RESTORE=1, before each rebuild the binary's copy of the site (with its build cache) and its
# output folder are copied afresh, as a CI run that restores them from a cache finds them: the
# same paths, every file with a new inode and new times (`cp -r`), so that no page is known by its
# stamp and each kept page is read back (the copying is not timed). With RESTORE=tar they are
# copied as `actions/cache` restores them, through a POSIX `tar` made and extracted: new inodes,
# the modification times kept.
#
# WORK (default /tmp/evident-rebuild) holds the copies; OUT (default /dev/shm when it exists, so
# that the disk's state does not enter the figures) holds the output folders. Keep the machine
# otherwise idle.
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
rounds=$1 site=$2
shift 2
bins=("$@")
work=${WORK:-/tmp/evident-rebuild}
out=${OUT:-$([ -d /dev/shm ] && echo /dev/shm/evident-rebuild || echo "$work/out")}
finding=$(find "$site/data/findings" -name '*.yaml' | sort | sed -n 1p)
[ -n "$finding" ] || { echo "no findings file under $site/data/findings" >&2; exit 2; }
finding=${finding#"$site"/}
rm -rf "$work" "$out"
mkdir -p "$work" "$out"
raw="$work/raw"
: >"$raw"

edit() { # copy, text: the first statement of the finding's file becomes `text`
  sed -i "0,/statement: .*/s//statement: $2/" "$1/$finding"
}
add() { # copy, round: a finding `added-<round>` first in the finding's file, with its first's source and quote
  local source quote
  source=$(grep -m1 '    source: ' "$1/$finding")
  quote=$(grep -m1 '    quote: ' "$1/$finding")
  sed -i "0,/^findings:/s//findings:\n  - id: added-$2\n    statement: Added in round $2.\n$source\n    locator: para. 1\n$quote/" "$1/$finding"
}
restore() { # dir: copied afresh in place (new inodes; new times, or with RESTORE=tar the same modification times)
  mv "$1" "$1.old"
  if [ "$RESTORE" = tar ]; then
    # As actions/cache does: a POSIX tar made and extracted, which keeps modification times.
    mkdir "$1" && tar --posix -cf - -C "$1.old" . | tar -xf - -C "$1"
  else
    cp -r "$1.old" "$1"
  fi
  rm -rf "$1.old"
}
timed() { # label, command...: appends "label wall user sys rss" to $raw
  local label=$1
  shift
  /usr/bin/time -f "$label %e %U %S %M" -o "$work/t" "$@" >/dev/null 2>"$work/stderr" || {
    echo "failed: $*" >&2
    tail -5 "$work/stderr" >&2
    exit 1
  }
  cat "$work/t" >>"$raw"
}

for i in "${!bins[@]}"; do
  cp -r "$site" "$work/site-$i"
  "${bins[$i]}" --quiet --root "$work/site-$i" build --output "$out/o-$i" 2>/dev/null
  sleep 2.5
  edit "$work/site-$i" "Warm-up text."
  "${bins[$i]}" --quiet --root "$work/site-$i" build --output "$out/o-$i" 2>/dev/null
done
for r in $(seq 1 "$rounds"); do
  for i in "${!bins[@]}"; do
    case "${EDIT:-finding}" in
      none) ;;
      add) add "$work/site-$i" "$r" ;;
      *) edit "$work/site-$i" "Edited in round $r." ;;
    esac
    if [ -n "${RESTORE:-}" ]; then
      restore "$work/site-$i"
      restore "$out/o-$i"
      sync # the copies written back to disk before the clock starts
    fi
    timed "$r $i" "${bins[$i]}" --quiet --root "$work/site-$i" build --output "$out/o-$i"
  done
  rm -rf "$out/cold"
  timed "$r cold" "${bins[0]}" --quiet --root "$work/site-0" build --no-cache --output "$out/cold"
  for i in "${!bins[@]}"; do
    diff -rq "$out/cold" "$out/o-$i" >/dev/null || echo "round $r: ${bins[$i]}'s rebuild differs from a cold build" | tee -a "$work/differs"
  done
done

python3 - "$raw" "${bins[@]}" <<'PY'
import statistics, sys
raw, bins = sys.argv[1], sys.argv[2:]
runs = {}
for line in open(raw):
    r, who, wall, user, sys_, rss = line.split()
    runs.setdefault(who, {})[int(r)] = (float(wall), float(user) + float(sys_), int(rss))
med = lambda xs: statistics.median(xs)
cold = runs["cold"]
print(f"{len(cold)} rounds; medians, with the range of wall times; peak RSS is the largest run's")
for who in [str(i) for i in range(len(bins))] + ["cold"]:
    v = runs[who].values()
    name = "cold build (first binary)" if who == "cold" else bins[int(who)]
    walls = [x[0] for x in v]
    line = f"{name}: wall {med(walls):.2f} s ({min(walls):.2f}-{max(walls):.2f}), CPU {med(x[1] for x in v):.2f} s, peak RSS {max(x[2] for x in v)} KB"
    if who != "cold":
        shares = [runs[who][r][0] / cold[r][0] for r in cold]
        line += f", {100 * med(shares):.0f}% of the cold build"
    print(line)
for i in range(1, len(bins)):
    d = [runs["0"][r][0] - runs[str(i)][r][0] for r in cold]
    faster = sum(x > 0 for x in d)
    equal = sum(x == 0 for x in d)
    print(f"{bins[i]} against {bins[0]}: paired median {med(d):+.2f} s faster per round "
          f"({faster} faster, {equal} equal, {len(d) - faster - equal} slower)")
PY
if [ -s "$work/differs" ]; then
  echo "some rebuilds differ from a cold build (see above)" >&2
  exit 1
fi
echo "every rebuild equals a cold build of the same files"
