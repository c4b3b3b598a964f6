#!/usr/bin/env python3
"""Incremental rebuild in `evident serve`: the time from saving one finding to the server
returning its new page, median of EDITS edits (default 20) after one warm-up edit.

usage: serve_edit.py EVIDENT_BINARY SITE_DIR [EDITS]

SITE_DIR is an evidence corpus from corpus.py (its first findings file is edited, and restored at
the end). The page is polled every 2 ms; each edit changes the finding's statement to a new
sentence, and the clock stops when the page contains it. Prints one line of figures.

With EDIT=page, SITE_DIR is a pages corpus instead, and each edit adds a word to the first
paragraph of the body of its first page (`content/p0.md`), as an author writing prose would.
"""
import glob
import os
import re
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


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, site = sys.argv[1], sys.argv[2]
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    port = free_port()
    if os.environ.get("EDIT") == "page":
        path = os.path.join(site, "content", "p0.md")
        original = open(path, encoding="utf-8").read()
        # The first paragraph of the body: the line after the first heading's blank line.
        assert re.search(r"\n## [^\n]*\n\n\w", original), "no paragraph after a heading"
        url = f"http://127.0.0.1:{port}/p0/"

        def edited(word):
            return re.sub(r"(\n## [^\n]*\n\n)", lambda m: f"{m.group(1)}{word} ", original, count=1)
    else:
        path = sorted(glob.glob(os.path.join(site, "data", "findings", "*.yaml")))[0]
        original = open(path, encoding="utf-8").read()
        fid = re.search(r"- id: (\S+)", original).group(1)
        statement = re.search(r"statement: (.*)", original).group(1)
        url = f"http://127.0.0.1:{port}/findings/{fid}/"

        def edited(word):
            return original.replace(f"statement: {statement}", f"statement: {word} {statement}", 1)
    server = subprocess.Popen([binary, "--root", site, "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        start = time.monotonic()
        while "<html" not in fetch(url):
            if server.poll() is not None or time.monotonic() - start > 600:
                sys.exit("serve did not start")
            time.sleep(0.05)
        first_build = time.monotonic() - start
        times = []
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
            # The pause before the next save: long enough (4 s at N = 10,000) for the full
            # rebuild and the background check of every page to finish, or short, to save while
            # they run.
            time.sleep(float(os.environ.get("SETTLE", "4")))
        ms = sorted(t * 1000 for t in times)
        print(f"first build served after {first_build:.2f} s; save to new page: median {statistics.median(ms):.0f} ms, "
              f"min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms over {len(ms)} edits")
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
