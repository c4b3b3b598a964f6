#!/usr/bin/env bash
# `serve`'s full rebuild after one finding's edit, as `serve -v` reports it ("Rebuilt in N ms
# (parse …, resolve …, render …, views …, files …)"), for one or more evident binaries in
# alternating rounds.
#
#   benches/serve_rebuild.sh ROUNDS EDITS SITE BIN [BIN ...]
#
# SITE is an evidence corpus's site folder (`python3 benches/corpus.py evidence 10000 DIR` makes
# DIR/evident); it is copied to WORK (default /tmp/evident-serve-rebuild). In each round each
# binary in turn serves the copy, and once its first build is done, EDITS times saves a new
# statement for the copy's first finding, 1.2 s apart (at N = 10,000 the rebuild and the check of
# every page are done well within that). The summary gives, per binary, the median of the
# rebuilds (with their range) and of the parse, resolve, views and files stages, over every
# round. The rebuild is what `serve` does after any edit, besides showing an edited finding's
# page at once (`serve_edit.py` times that). Keep the machine otherwise idle.
#
# A site with no findings (the pages corpus: `benches/corpus.py pages 10000 DIR`) has its first
# plain page's title edited instead; with EDIT=body, a sentence is added to the end of that page
# (its body alone changes). The summary also gives the median of `serve`'s check of every page
# after each rebuild ("Made and checked"), and how many pages it kept.
set -euo pipefail
if [ $# -lt 4 ]; then
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
rounds=$1 edits=$2 site=$3
shift 3
work=${WORK:-/tmp/evident-serve-rebuild}
rm -rf "$work"
mkdir -p "$work"
cp -r "$site" "$work/site"
# The file edited, and the line of it each edit replaces.
edited=$(find "$work/site/data/findings" -name '*.yaml' 2>/dev/null | sort | sed -n 1p || true)
key=statement
if [ -z "$edited" ]; then
  edited=$(find "$work/site/content" -maxdepth 1 -name '*.md' ! -name index.md 2>/dev/null | sort | sed -n 1p)
  key=title
fi
if [ "${EDIT:-}" = body ]; then
  edited=$(find "$work/site/content" -maxdepth 1 -name '*.md' ! -name index.md 2>/dev/null | sort | sed -n 1p)
  key=
fi
[ -n "$edited" ] || { echo "no findings file under $site/data/findings, nor page under $site/content" >&2; exit 2; }
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

for round in $(seq 1 "$rounds"); do
  n=0
  for bin in "$@"; do
    n=$((n + 1))
    log="$work/log.$n.$round"
    "$bin" --root "$work/site" serve --port "$port" -v >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 240); do grep -q "Made and checked" "$log" && break; sleep 0.25; done
    grep -q "Made and checked" "$log" || { echo "$bin: no first build" >&2; kill "$pid"; exit 1; }
    for edit in $(seq 1 "$edits"); do
      if [ -n "$key" ]; then
        sed -i "0,/$key: .*/s//$key: Round $round, edit $edit, binary $n./" "$edited"
      else
        printf '\nRound %s, edit %s, binary %s.\n' "$round" "$edit" "$n" >>"$edited"
      fi
      sleep 1.2
    done
    sleep 1
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  done
done

n=0
for bin in "$@"; do
  n=$((n + 1))
  # Every rebuild after each run's first build (reported before "Serving … on …").
  python3 - "$bin" "$work"/log."$n".* <<'PY'
import re, statistics, sys
name, logs = sys.argv[1], sys.argv[2:]
rows, checks = [], []
for log in logs:
    after = open(log).read().split("\nServing ", 1)[-1]
    lines = after.splitlines()
    rows += [r for r in lines if r.startswith("Rebuilt in")]
    # The checks after a rebuild (not the first build's, which had no site to keep pages from).
    first = next((i for i, r in enumerate(lines) if r.startswith("Rebuilt in")), len(lines))
    checks += [r for r in lines[first:] if r.startswith("Made and checked")]
if not rows:
    sys.exit(f"{name}: no rebuild reported")
def stage(word):
    return [int(re.search(word + r" (\d+) ms", r).group(1)) for r in rows]
total = stage("Rebuilt in")
print(f"{name}: {len(total)} rebuilds, median {statistics.median(total)} ms ({min(total)}-{max(total)});",
      ", ".join(f"{w} {statistics.median(stage(w))}" for w in ("parse", "resolve", "views", "files")))
if checks:
    took = [int(re.search(r"in (\d+) ms", r).group(1)) for r in checks]
    kept = [int(re.search(r"\((\d+) kept", r).group(1)) for r in checks]
    print(f"  then its check of every page ({len(took)} finished): median {statistics.median(took)} ms "
          f"({min(took)}-{max(took)}), {statistics.median(kept)} pages kept")
PY
done
