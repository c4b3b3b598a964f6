#!/usr/bin/env python3
"""The heavy files in `evident serve` after an edit: the time to fetch one of them (by default
`evidence.json`) once the rebuild after saving a finding has settled, median of EDITS edits
(default 10), with the server's peak and current RSS at the end.

usage: serve_heavy.py EVIDENT_BINARY SITE_DIR [EDITS] [PATH]

SITE_DIR is an evidence corpus from corpus.py (its first findings file is edited, and restored at
the end). `serve` makes `evidence.json`, the evidence graph's CSV files and the search index only
when a browser first asks for one of them after a rebuild, all together; so the time is the time
to make them all, and to send PATH. Each edit changes the first finding's statement; the script
waits until the finding's page shows it, then 1.5 s for the full rebuild after it, then fetches
PATH (timed) and checks that it shows the edit where it is `evidence.json`. One fetch before the
first edit makes them once, as a browser would have.
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
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.read()


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, site = sys.argv[1], sys.argv[2]
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    path = sys.argv[4] if len(sys.argv) > 4 else "evidence.json"
    findings = sorted(glob.glob(os.path.join(site, "data/findings/*.yaml")))
    if not findings:
        sys.exit(f"no findings file under {site}/data/findings")
    file = findings[0]
    original = open(file, encoding="utf-8").read()
    finding = re.search(r"- id: (\S+)", original).group(1)
    port = free_port()
    server = subprocess.Popen(
        [binary, "--root", site, "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    page = f"{base}/findings/{finding}/"
    try:
        for _ in range(600):
            try:
                fetch(page)
                break
            except OSError:
                time.sleep(0.1)
        fetch(f"{base}/{path}")
        times = []
        for i in range(edits):
            marker = f"marker{i}.".encode()
            text = original.replace("statement: ", f"statement: Edit {i} marker{i}. ", 1)
            with open(file, "w", encoding="utf-8") as f:
                f.write(text)
            while marker not in fetch(page):
                time.sleep(0.01)
            time.sleep(1.5)
            start = time.perf_counter()
            body = fetch(f"{base}/{path}")
            times.append((time.perf_counter() - start) * 1000)
            if path == "evidence.json" and marker not in body:
                sys.exit(f"edit {i}: evidence.json does not show it")
        status = open(f"/proc/{server.pid}/status").read()
        rss = dict(
            (line.split()[0].rstrip(":"), int(line.split()[1]))
            for line in status.splitlines()
            if line.startswith(("VmHWM", "VmRSS"))
        )
        print(
            f"{path} after an edit, {edits} edits: median {statistics.median(times):.1f} ms, "
            f"least {min(times):.1f}, most {max(times):.1f}; "
            f"peak RSS {rss['VmHWM'] // 1024} MB, RSS {rss['VmRSS'] // 1024} MB"
        )
    finally:
        with open(file, "w", encoding="utf-8") as f:
            f.write(original)
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
