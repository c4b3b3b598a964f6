#!/usr/bin/env bash
# Builds the site and takes screenshots of the home page, a source, a finding and a claim, on a
# desktop and a 375 px phone, in light and dark schemes, with headless Chromium (Debian's
# `chromium` package). The PNGs go to docs/screenshots/ and are shown in the README.
#
# Usage: scripts/screenshots.sh [SITE_ROOT] [OUT_DIR]
set -euo pipefail
root=${1:-.}
out=${2:-docs/screenshots}
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "chromium not found: apt-get install chromium" >&2; exit 2; }
port=${PORT:-8765}
tmp=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$tmp"' EXIT
cargo run --quiet --release -- --root "$root" build --output "$tmp/site" --base-url "http://127.0.0.1:$port/" --quiet
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$tmp/site" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
first() { find "$tmp/site/$1" -mindepth 2 -name index.html | sort | head -n 1 | sed "s|$tmp/site/||; s|index.html$||"; }
# A finding with a stance shows the most; fall back to the first.
finding=$(grep -l 'class="stance' "$tmp"/site/findings/*/index.html 2>/dev/null | sort | head -n 1 | sed "s|$tmp/site/||; s|index.html$||")
[ -n "$finding" ] || finding=$(first findings)
pages=("home:" "source:$(first sources)" "finding:$finding" "claim:$(first claims)")
mkdir -p "$out"
for page in "${pages[@]}"; do
  name=${page%%:*}; path=${page#*:}
  for size in desktop:1280,900 phone:375,800; do
    label=${size%%:*}; dims=${size#*:}
    for scheme in light dark; do
      flags=()
      [ "$scheme" = dark ] && flags+=(--force-dark-mode --enable-features=WebContentsForceDark:inversion_method/cielab_based/image_behavior/none)
      [ "$scheme" = dark ] && flags=(--force-dark-mode)
      "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$tmp/profile" \
        "${flags[@]}" --window-size="$dims" --screenshot="$out/$name-$label-$scheme.png" \
        "http://127.0.0.1:$port/$path" >/dev/null 2>&1
      echo "$out/$name-$label-$scheme.png"
    done
  done
done
