#!/usr/bin/env python3
"""Incremental rebuild in `evident serve`: the time from saving one finding to the server
returning its new page, median of EDITS edits (default 20) after one warm-up edit.

usage: serve_edit.py EVIDENT_BINARY SITE_DIR [EDITS]

SITE_DIR is an evidence corpus from corpus.py (its first findings file is edited, and restored at
the end). The page is polled every 2 ms; each edit changes the finding's statement to a new
sentence, and the clock stops when the page contains it. Prints one line of figures.

With EDIT=page, each edit adds a word to the first paragraph of a Markdown file's body instead,
as an author writing prose would: PAGE (default `content/p0.md`, the first page of a pages
corpus; `content/topics/t0.md` is a topic of an evidence corpus), timed on its own page.

GENERATOR=hugo or GENERATOR=zola (with EDIT=page) times that generator's own server instead, on
the pages corpus's `hugo` or `zola` folder (BINARY is then Hugo's or Zola's): `hugo server` and
`zola serve` with their defaults (pages kept in memory, live reload on), so that the three servers
are timed by the same edits and the same clock.

With OTHER=PATH (a page's path on the site, such as `p1/`), once the edited page shows each edit,
PATH is fetched too, and the time from the save to its page is reported as well: what a reader
browsing to another page waits, since `serve` holds every page but the edited one until the
site is made again.
"""
import glob
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:
        return ""


def serve_command(generator, binary, site, port):
    """The command that serves `site` on `port` with `generator` (GENERATOR)."""
    if generator == "hugo":
        return [binary, "server", "--source", site, "--port", str(port), "--bind", "127.0.0.1"]
    if generator == "zola":
        return [binary, "--root", site, "serve", "--port", str(port), "--interface", "127.0.0.1"]
    return [binary, "--root", site, "serve", "--port", str(port)]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, site = sys.argv[1], sys.argv[2]
    generator = os.environ.get("GENERATOR", "evident")
    if generator not in ("evident", "hugo", "zola"):
        sys.exit(f"GENERATOR={generator}: give evident, hugo or zola")
    if generator != "evident" and os.environ.get("EDIT") != "page":
        sys.exit("Hugo and Zola are timed on a page's body: set EDIT=page")
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    port = free_port()
    if os.environ.get("EDIT") == "page":
        page = os.environ.get("PAGE", "content/p0.md")
        path = os.path.join(site, page)
        original = open(path, encoding="utf-8").read()
        url = f"http://127.0.0.1:{port}/{page[len('content/'):-len('.md')]}/"
        # The first paragraph of the body: after the front matter, the first line that starts
        # with a word (not a heading, list, table or fence).
        # (`---` closes YAML front matter, `+++` Zola's TOML.)
        front_end = re.compile(r"\n(---|\+\+\+)\n").search(original, 3).end()
        first = re.search(r"^\w", original[front_end:], re.M)
        assert first, "no paragraph in the body"
        at = front_end + first.start()

        def edited(word):
            return f"{original[:at]}{word} {original[at:]}"
    else:
        path = sorted(glob.glob(os.path.join(site, "data", "findings", "*.yaml")))[0]
        original = open(path, encoding="utf-8").read()
        fid = re.search(r"- id: (\S+)", original).group(1)
        statement = re.search(r"statement: (.*)", original).group(1)
        url = f"http://127.0.0.1:{port}/findings/{fid}/"

        def edited(word):
            return original.replace(f"statement: {statement}", f"statement: {word} {statement}", 1)
    # Hugo's and Zola's servers keep pages in memory but may leave an empty `public` folder.
    public = os.path.join(site, "public")
    had_public = os.path.exists(public)
    server = subprocess.Popen(serve_command(generator, binary, site, port),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        start = time.monotonic()
        while "<html" not in fetch(url):
            if server.poll() is not None or time.monotonic() - start > 600:
                sys.exit("serve did not start")
            time.sleep(0.05)
        first_build = time.monotonic() - start
        times, other_times = [], []
        other = os.environ.get("OTHER")
        for i in range(edits + 1):
            word = f"Edited{i}x{os.getpid()}"
            with open(path, "w", encoding="utf-8") as f:
                f.write(edited(word))
            saved = time.monotonic()
            while word not in fetch(url):
                if time.monotonic() - saved > 120:
                    sys.exit(f"edit {i} never showed")
                time.sleep(0.002)
            if i > 0:
                times.append(time.monotonic() - saved)
            if other:
                if "<html" not in fetch(f"http://127.0.0.1:{port}/{other}"):
                    sys.exit(f"no page at {other}")
                if i > 0:
                    other_times.append(time.monotonic() - saved)
            # The pause before the next save: long enough (4 s at N = 10,000) for the full
            # rebuild and the background check of every page to finish, or short, to save while
            # they run.
            time.sleep(float(os.environ.get("SETTLE", "4")))
        ms = sorted(t * 1000 for t in times)
        print(f"first build served after {first_build:.2f} s; save to new page: median {statistics.median(ms):.0f} ms, "
              f"min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms over {len(ms)} edits")
        if other:
            ms = sorted(t * 1000 for t in other_times)
            print(f"then {other}: median {statistics.median(ms):.0f} ms after the save, "
                  f"min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms")
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        server.terminate()
        server.wait()
        if not had_public and generator != "evident":
            shutil.rmtree(public, ignore_errors=True)


if __name__ == "__main__":
    main()
