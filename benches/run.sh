#!/usr/bin/env bash
# Times whole-process builds of the benchmark corpora: evident, the pulldown-cmark floor (1 and 2
# threads), and Hugo and Zola when installed (HUGO=/path, ZOLA=/path, or on PATH). Each measured
# build writes into its own new folder and nothing is deleted between runs (this disk is slow to
# create files right after deleting many). Prints a Markdown table: median wall time of RUNS runs
# after a warm-up, median CPU time (user+sys), peak RSS, pages per second, and the ratio to the
# 2-thread floor.
#
# usage: benches/run.sh [N ...]          (default: 1000 10000; RUNS=5)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
work=${BENCH_DIR:-$(mktemp -d /tmp/evident-bench.XXXXXX)}
cargo build --release --quiet
(cd benches/floor && cargo build --release --quiet)
evident=$PWD/target/release/evident
floor=$PWD/benches/floor/target/release/evident-floor
hugo=${HUGO:-$(command -v hugo || true)}
zola=${ZOLA:-$(command -v zola || true)}
mkdir -p "$work/out"

# measure LABEL PAGES CMD...: runs CMD (with {OUT} replaced by a new folder) warm-up + RUNS times.
measure() {
  local label=$1 pages=$2; shift 2
  local walls=() cpus=() rss=()
  for i in $(seq 0 "$runs"); do
    local out
    out=$(mktemp -d "$work/out/XXXXXX")
    local cmd=("${@//\{OUT\}/$out}")
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "${cmd[@]}" >/dev/null 2>"$work/err" || { cat "$work/err"; return 1; }
    [ "$i" -eq 0 ] && continue
    read -r wall user sys maxrss <"$work/time"
    walls+=("$wall"); cpus+=("$(echo "$user + $sys" | bc)"); rss+=("$maxrss")
  done
  local med_wall med_cpu med_rss
  med_wall=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  med_cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  med_rss=$(printf '%s\n' "${rss[@]}" | sort -n | tail -n 1)
  echo "$label|$pages|$med_wall|$med_cpu|$((med_rss / 1024))"
}

rows=()
for n in "${sizes[@]}"; do
  python3 benches/corpus.py pages "$n" "$work/pages-$n"
  python3 benches/corpus.py evidence "$n" "$work/evidence-$n"
  rows+=("$(RAYON_NUM_THREADS=1 measure "floor, 1 thread (pages $n)" "$n" "$floor" "$work/pages-$n/evident" "{OUT}")")
  rows+=("$(RAYON_NUM_THREADS=2 measure "floor, 2 threads (pages $n)" "$n" "$floor" "$work/pages-$n/evident" "{OUT}")")
  rows+=("$(measure "evident (pages $n)" "$n" "$evident" --quiet --root "$work/pages-$n/evident" build --output "{OUT}")")
  [ -n "$hugo" ] && rows+=("$(measure "Hugo (pages $n)" "$n" "$hugo" --quiet -s "$work/pages-$n/hugo" -d "{OUT}")")
  [ -n "$zola" ] && rows+=("$(measure "Zola (pages $n)" "$n" "$zola" --root "$work/pages-$n/zola" build --output-dir "{OUT}")")
  rows+=("$(measure "evident (evidence $n findings)" "$n" "$evident" --quiet --root "$work/evidence-$n/evident" build --output "{OUT}")")
done

echo
echo "Machine: $(nproc) cores; $runs runs after a warm-up; medians; peak RSS is the largest run's."
echo
echo "| build | pages | wall (s) | CPU (s) | peak RSS (MiB) | pages/s | × 2-thread floor |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
floor_wall=""
for r in "${rows[@]}"; do
  IFS='|' read -r label pages wall cpu rss <<<"$r"
  case "$label" in "floor, 2 threads"*) floor_wall=$wall ;; esac
  ratio=$( [ -n "$floor_wall" ] && echo "scale=2; $wall / $floor_wall" | bc || echo "–")
  pps=$(echo "scale=0; $pages / $wall" | bc)
  echo "| $label | $pages | $wall | $cpu | $rss | $pps | $ratio |"
done
