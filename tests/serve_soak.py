#!/usr/bin/env python3
"""What `evident serve` serves after random edits equals a cold build, through its file watcher.

    python3 tests/serve_soak.py BIN SITE WORK STEPS SEED

Copies SITE into WORK and runs `BIN serve` on it. Then it makes STEPS random edits, the same ones
as tests/rebuild_soak.py makes (SOAK_TEMPLATES works the same way). After each edit it waits for
the server to tell its pages to reload, or to show a broken build (its server-sent events), or
for 10 seconds. It then makes a cold build of the same files (`build --no-cache --base-url` the
server's address), and fetches every file that build made, and every file the last one made:
- when the build succeeds, the server must serve each of its files with the same bytes (its pages
  carry the reload script, which is taken out first), and none that it does not make;
- when the build fails, the server must have said so (unless the edit only touched a file), and
  go on serving the last good site.

Each problem is printed with the edit that led to it; the exit code is 1 if there was any.
"""
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ left in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rebuild_soak import Soak, files  # noqa: E402

LIVE = b'<script src="/__evident/live.js"></script>'
WAIT = 10.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`evident serve` on the site, and the events it sends, in a queue."""

    def __init__(self, binary, site, port):
        self.base = f"http://127.0.0.1:{port}/"
        cmd = [binary, "--quiet", "--root", site, "serve", "--port", str(port)]
        self.process = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
        self.events = queue.Queue()
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(self.base, timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.time() > deadline or self.process.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.2)
        threading.Thread(target=self.listen, daemon=True).start()
        time.sleep(0.5)

    def listen(self):
        with urllib.request.urlopen(self.base + "__evident/events") as stream:
            for line in stream:
                if line.startswith(b"event:"):
                    self.events.put(line[6:].strip().decode())

    def drain(self):
        while not self.events.empty():
            self.events.get_nowait()

    def wait(self):
        """The last event an edit brought (`reload` or `broken`): after the first, any that follow
        within half a second (the full build after the edited page was shown early); None when
        none came within WAIT seconds."""
        last, timeout = None, WAIT
        while True:
            try:
                last, timeout = self.events.get(timeout=timeout), 0.5
            except queue.Empty:
                return last

    def get(self, rel):
        """The bytes served for `rel`, or None for a 404."""
        try:
            with urllib.request.urlopen(self.base + rel, timeout=60) as r:
                return r.read()
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            raise

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def compare(server, cold, before):
    """What the server serves that differs from the cold build in `cold` (files it no longer makes:
    `before`)."""
    made = files(cold)
    wrong = []
    for rel, path in sorted(made.items()):
        if os.path.basename(rel).startswith("."):
            continue
        with open(path, "rb") as f:
            want = f.read()
        got = server.get(rel)
        if got is not None:
            got = got.replace(LIVE, b"")
        if got != want:
            wrong.append(rel if got is not None else rel + " (not served)")
    for rel in sorted(set(before) - set(made)):
        if server.get(rel) is not None:
            wrong.append(rel + " (served, no longer made)")
    return wrong


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    binary, site, work, steps, seed = sys.argv[1:]
    binary = os.path.abspath(binary)
    soak = Soak(binary, site, work, int(seed))
    port = free_port()
    cold_args = ["build", "--no-cache", "--base-url", f"http://127.0.0.1:{port}/", "--output"]
    code, _ = soak.run(cold_args + [soak.last_good])
    if code != 0:
        raise SystemExit("the site does not build to begin with")
    server = Server(binary, soak.site, port)
    before = files(soak.last_good)
    problems = 0
    try:
        for n in range(int(steps)):
            server.drain()
            what, rel = soak.edit(broken=code != 0)
            event = server.wait() if what != "noop" else "nothing edited"
            shutil.rmtree(soak.cold, ignore_errors=True)
            code, _ = soak.run(cold_args + [soak.cold])
            if code == 0:
                wrong = compare(server, soak.cold, before)
                before = files(soak.cold)
                shutil.rmtree(soak.last_good)
                shutil.copytree(soak.cold, soak.last_good)
            else:
                wrong = compare(server, soak.last_good, before)
                # A file touched, its text the same, need not be built again.
                if event != "broken" and what not in ("noop", "touch"):
                    wrong.append(f"the build fails, and the server said {event}")
            if wrong:
                problems += 1
                print(f"step {n}: {what} {rel}: after {event}: {wrong[:6]}", flush=True)
            else:
                print(f"step {n}: {what} {rel}: the same (exit {code}, {event})", flush=True)
            if server.process.poll() is not None:
                print("the server stopped", flush=True)
                return 1
    finally:
        server.stop()
    print(f"{steps} edits; {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
