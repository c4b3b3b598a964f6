#!/usr/bin/env bash
# Times whole-process builds of the benchmark corpora: evident (pages and evidence corpora), the
# pulldown-cmark floor (1 and 2 threads), and Hugo and Zola when installed (HUGO=/path, ZOLA=/path,
# or on PATH). Each measured build writes into its own new folder and nothing is deleted between
# runs (this disk is slow to create files right after deleting many). Prints a Markdown table:
# median wall and CPU time of RUNS runs after a warm-up, the largest peak RSS, pages per second,
# time per page, and the ratios to the 2-thread floor, Hugo and Zola measured in the same run.
# Then, for each N in SERVE_AT (default 10000), the incremental rebuild in `evident serve`
# (benches/serve_edit.py: save one finding, time until its new page is served; median of 20; and
# the same for a plain page's body, in the pages corpus, and in Hugo's and Zola's servers).
# And for each N, the evidence and pages builds run in turn, RUNS times each, for their ratio.
#
# usage: benches/run.sh [N ...]          (default: 1000 10000)
# Builds are cold (`--no-cache`) but for the row "evident, cache warm".
# environment: RUNS (default 5), RUNS_LARGE (runs for N >= 50000; default RUNS), SERVE_AT (sizes
# to time serve at; default 10000), SETTLE (seconds serve_edit.py pauses after each save; default 4),
# HUGO, ZOLA (binaries), BENCH_DIR (where corpora and outputs go; default a new temp folder)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
serve_at=${SERVE_AT:-10000}
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
  local runs=$runs
  [ "$pages" -ge 50000 ] && runs=${RUNS_LARGE:-$runs}
  local walls=() cpus=() rss=()
  for i in $(seq 0 "$runs"); do
    local out
    out=$(mktemp -d "$work/out/XXXXXX")
    rmdir "$out" # a new folder each time, made by the program itself
    local cmd=("${@//\{OUT\}/$out}")
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "${cmd[@]}" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
    [ "$i" -eq 0 ] && continue
    read -r wall user sys maxrss <"$work/time"
    walls+=("$wall"); cpus+=("$(echo "$user + $sys" | bc | sed 's/^\./0./')"); rss+=("$maxrss")
  done
  echo "$label, N = $pages: done" >&2
  local med_wall med_cpu med_rss
  med_wall=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  med_cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  med_rss=$(printf '%s\n' "${rss[@]}" | sort -n | tail -n 1)
  echo "$label|$pages|$med_wall|$med_cpu|$((med_rss / 1024))|$runs"
}

# alternate N: the pages and evidence builds of size N in turn (warm-up pair, then RUNS pairs), as
# issue #19 measures their ratio: each build's median wall and CPU, and the ratios of the medians.
alternate() {
  local n=$1 pw=() pc=() ew=() ec=()
  for i in $(seq 0 "$runs"); do
    for corpus in pages evidence; do
      local out
      out=$(mktemp -d "$work/out/XXXXXX")
      rmdir "$out"
      /usr/bin/time -f "%e %U %S" -o "$work/time" "$evident" --quiet --root "$work/$corpus-$n/evident" \
        build --no-cache --output "$out" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
      [ "$i" -eq 0 ] && continue
      read -r wall user sys <"$work/time"
      cpu=$(echo "$user + $sys" | bc | sed 's/^\./0./')
      if [ "$corpus" = pages ]; then pw+=("$wall"); pc+=("$cpu"); else ew+=("$wall"); ec+=("$cpu"); fi
    done
  done
  med() { printf '%s\n' "$@" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
  local mpw mpc mew mec
  mpw=$(med "${pw[@]}"); mpc=$(med "${pc[@]}"); mew=$(med "${ew[@]}"); mec=$(med "${ec[@]}")
  echo "evidence ÷ pages, N = $n, $runs runs each alternating: wall $mew / $mpw s = $(echo "scale=2; $mew / $mpw" | bc | sed 's/^\./0./')×, CPU $mec / $mpc s = $(echo "scale=2; $mec / $mpc" | bc | sed 's/^\./0./')×"
}

hugo_version=$([ -n "$hugo" ] && "$hugo" version | grep -o 'v[0-9][0-9.]*' | head -n 1 || true)
zola_version=$([ -n "$zola" ] && "$zola" --version | grep -o '[0-9][0-9.]*' | head -n 1 || true)
rows=()
alternating=()
serve_lines=()
for n in "${sizes[@]}"; do
  [ -d "$work/pages-$n" ] || python3 benches/corpus.py pages "$n" "$work/pages-$n"
  [ -d "$work/evidence-$n" ] || python3 benches/corpus.py evidence "$n" "$work/evidence-$n"
  # Pages each build writes (the corpus's pages plus each generator's own index and tag pages)
  # differ a little; "pages" below is N, so that per-page figures compare the same work.
  rows+=("$(RAYON_NUM_THREADS=1 measure "floor, 1 thread|pages" "$n" "$floor" "$work/pages-$n/evident" "{OUT}")")
  rows+=("$(RAYON_NUM_THREADS=2 measure "floor, 2 threads|pages" "$n" "$floor" "$work/pages-$n/evident" "{OUT}")")
  rows+=("$(measure "evident|pages" "$n" "$evident" --quiet --root "$work/pages-$n/evident" build --no-cache --output "{OUT}")")
  [ -n "$hugo" ] && rows+=("$(measure "Hugo $hugo_version|pages" "$n" "$hugo" --quiet -s "$work/pages-$n/hugo" -d "{OUT}")")
  [ -n "$zola" ] && rows+=("$(measure "Zola $zola_version|pages" "$n" "$zola" --root "$work/pages-$n/zola" build --output-dir "{OUT}")")
  # Cold (no cache), then from the build cache the warm-up run leaves (what a CI rebuild after
  # a few changed findings sees: the citations of unchanged sources are not formatted again).
  rows+=("$(measure "evident|evidence" "$n" "$evident" --quiet --root "$work/evidence-$n/evident" build --no-cache --output "{OUT}")")
  rows+=("$(measure "evident, cache warm|evidence" "$n" "$evident" --quiet --root "$work/evidence-$n/evident" build --output "{OUT}")")
  alternating+=("$(alternate "$n")")
  for s in $serve_at; do
    if [ "$s" = "$n" ]; then
      # Saves a few seconds apart (the server idle in between), then every half second (each
      # save lands while the last one's full rebuild and page check still run).
      serve_lines+=("N = $n, evidence corpus, saves ${SETTLE:-4} s apart: $(SETTLE=${SETTLE:-4} python3 benches/serve_edit.py "$evident" "$work/evidence-$n/evident" 20)")
      serve_lines+=("N = $n, evidence corpus, saves 0.5 s apart: $(SETTLE=0.5 python3 benches/serve_edit.py "$evident" "$work/evidence-$n/evident" 20)")
      # A plain page's body edited, as an author writing prose does.
      serve_lines+=("N = $n, pages corpus, a page's body, saves ${SETTLE:-4} s apart: $(EDIT=page SETTLE=${SETTLE:-4} python3 benches/serve_edit.py "$evident" "$work/pages-$n/evident" 20)")
      # The same edit in Hugo's and Zola's own servers, on the same pages, by the same clock.
      [ -n "$hugo" ] && serve_lines+=("N = $n, pages corpus, a page's body, Hugo $hugo_version's \`hugo server\`, saves ${SETTLE:-4} s apart: $(GENERATOR=hugo EDIT=page SETTLE=${SETTLE:-4} python3 benches/serve_edit.py "$hugo" "$work/pages-$n/hugo" 20)")
      [ -n "$zola" ] && serve_lines+=("N = $n, pages corpus, a page's body, Zola $zola_version's \`zola serve\`, saves ${SETTLE:-4} s apart: $(GENERATOR=zola EDIT=page SETTLE=${SETTLE:-4} python3 benches/serve_edit.py "$zola" "$work/pages-$n/zola" 20)")
    fi
  done
done

echo
echo "Machine: $(nproc) cores; each build run once to warm up, then \"runs\" times; medians; peak RSS is the largest run's."
echo
echo "| build | corpus | N | runs | wall (s) | CPU (s) | peak RSS (MiB) | pages/s | µs per page | × 2-thread floor | × Hugo | × Zola |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
declare -A floor_wall hugo_wall zola_wall
for r in "${rows[@]}"; do
  IFS='|' read -r label corpus pages wall cpu rss _ <<<"$r"
  case "$label" in
    "floor, 2 threads") floor_wall[$pages]=$wall ;;
    Hugo*) hugo_wall[$pages]=$wall ;;
    Zola*) zola_wall[$pages]=$wall ;;
  esac
done
ratio() { [ -n "${2:-}" ] && echo "scale=2; $1 / $2" | bc | sed 's/^\./0./' || echo "–"; }
for r in "${rows[@]}"; do
  IFS='|' read -r label corpus pages wall cpu rss nruns <<<"$r"
  pps=$(echo "scale=0; $pages / $wall" | bc)
  us=$(echo "scale=0; $wall * 1000000 / $pages" | bc)
  to_floor=–; to_hugo=–; to_zola=–
  if [ "$corpus" = pages ] && [ "${label#floor}" = "$label" ]; then
    to_floor=$(ratio "$wall" "${floor_wall[$pages]:-}")
    [ "${label#Hugo}" = "$label" ] && to_hugo=$(ratio "$wall" "${hugo_wall[$pages]:-}")
    [ "${label#Zola}" = "$label" ] && to_zola=$(ratio "$wall" "${zola_wall[$pages]:-}")
  fi
  echo "| $label | $corpus | $pages | $nruns | $wall | $cpu | $rss | $pps | $us | $to_floor | $to_hugo | $to_zola |"
done
echo
for r in "${rows[@]}"; do
  IFS='|' read -r label corpus pages wall cpu rss _ <<<"$r"
  [ "${label#evident}" = "$label" ] && continue
  if [ "$corpus" = pages ]; then pages_wall=$wall; pages_cpu=$cpu; else
    echo "- evidence corpus ($label) ÷ pages corpus, N = $pages: $(ratio "$wall" "$pages_wall")× wall, $(ratio "$cpu" "$pages_cpu")× CPU"
  fi
done
for l in "${alternating[@]}"; do echo "- $l"; done
for l in "${serve_lines[@]+"${serve_lines[@]}"}"; do echo "- serve, $l"; done
