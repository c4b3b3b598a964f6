#!/usr/bin/env python3
"""Rebuilds in place equal cold builds, on a whole site, through the command line.

    python3 tests/rebuild_soak.py BIN SITE WORK STEPS SEED

Copies SITE (a site folder: the bundled site, or a corpus from benches/corpus.py) into WORK, then
makes STEPS random edits to it, as a maintainer or a bad merge would:
- a statement, title, note or line of Markdown reworded; a word added anywhere; a letter swapped
  for another at once (the same length, within the same second: what a file's stamp alone cannot
  tell); a line appended; a number changed; a stray character that breaks the file;
- a file renamed, deleted, restored, duplicated or touched; each edit undone later;
- every edit saved in place, or (a third of the time) as editors that save atomically do: into a
  hidden file beside it, renamed over it;
- a file of the output folder changed, deleted or added by hand.

Edits reach every text file the site reads: Markdown, YAML, CSV, archived texts, templates,
site.yaml and permalinks.txt. With SOAK_TEMPLATES="finding.html base.html ...", those templates
are exported into the site first (`evident theme export`), so that templates are edited too.
Between some edits it waits, so that the cache sees both files it may know by their stamps and
files too new for that. With SOAK_RESTORE=1, the site (with its cache) and the output folder are
copied afresh before each build in place, as a CI run that restores them from its cache finds
them: every file with a new inode, and (at random, half the time) its modification time kept, as
`tar` and so `actions/cache` keep it, or new, as `cp -r` makes it.

After each edit, BIN builds the site in place (`build --output OUT`, from its cache, updating the
output folder the last build left) and cold (`build --no-cache` into a new folder). Then:
- both must exit with the same code and report the same diagnostics;
- when both succeed, the two output folders must be equal, file for file and byte for byte;
- when both fail, the output folder must be the last good one, untouched.

Each problem is printed with the edit that led to it, and the run goes on from a cold build; the
exit code is 1 if there was any. SEED makes a run repeatable (the edits, not the machine's timing).
"""
import filecmp
import os
import random
import re
import shutil
import subprocess
import sys
import time

# A word inserted at a space: plain, accented, typographic, a number, HTML's specials.
WORDS = ["care", "budget", "support", "Council", "plan", "évidence", "“quoted”", "42", "&", "<b>"]
# What edits to make, and how often: most leave the site building.
KINDS = (
    ["prose"] * 4 + ["word"] * 2 + ["samelen"] * 2 + ["mend"] * 3 + ["output"] * 2
    + ["line", "rename", "delete", "restore", "restore", "touch", "break", "dup", "value"]
)
# Prose a maintainer rewords: a YAML value of one of these keys, or a line of Markdown text.
PROSE = re.compile(
    r"^\s*-?\s*(statement|notes|title|description|caption|population|period|place|summary"
    r"|label|term|definition):\s*[\"']?(?=[A-Za-z])"
    r"|^(?=[A-Z][a-z]+ [a-z])",
    re.M,
)
# Where the edits go: every folder of text a site reads, and its two files at the top.
FOLDERS = ("content", "data", "archive", "templates", "static", "releases")
TEXT = (".md", ".yaml", ".txt", ".csv", ".html", ".css", ".json")
# Waits between an edit and the build, in seconds: none, less than a stamp needs to settle, more.
WAITS = (0.0, 0.3, 2.2)


class Soak:
    def __init__(self, binary, site, work, seed):
        self.binary = binary
        self.rng = random.Random(seed)
        self.site = os.path.join(work, "site")
        self.pristine = os.path.join(work, "pristine")
        self.out = os.path.join(work, "out")
        self.cold = os.path.join(work, "cold")
        self.last_good = os.path.join(work, "last-good")
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        skip = shutil.ignore_patterns("public", ".evident-cache", "target", ".git", "node_modules")
        shutil.copytree(site, self.site, ignore=skip)
        for name in os.environ.get("SOAK_TEMPLATES", "").split():
            self.run(["theme", "export", name])
        shutil.copytree(self.site, self.pristine)
        self.removed = []  # (path, text) of files deleted or renamed away, to put back later

    def run(self, args):
        """Runs evident on the site: its exit code and its diagnostics."""
        cmd = [self.binary, "--color", "never", "--root", self.site] + args
        p = subprocess.run(cmd, capture_output=True, text=True)
        return p.returncode, diagnostics(p.stderr)

    def texts(self):
        found = [os.path.join(self.site, f) for f in ("site.yaml", "permalinks.txt")]
        for top in FOLDERS:
            for root, _, names in os.walk(os.path.join(self.site, top)):
                found += [os.path.join(root, n) for n in names if n.endswith(TEXT)]
        return sorted(f for f in found if os.path.isfile(f))

    def original(self, path):
        """The path of `path` (in the site) in the pristine copy."""
        return os.path.join(self.pristine, os.path.relpath(path, self.site))

    def edit(self, broken):
        """Makes one edit; returns what it was and where. A broken site is mended more often."""
        kind = "mend" if broken and self.rng.random() < 0.75 else self.rng.choice(KINDS)
        if kind == "mend":
            return self.mend()
        if kind == "restore":
            return self.restore() or ("noop", "")
        if kind == "output":
            return self.edit_output()
        path = self.rng.choice(self.texts())
        rel = os.path.relpath(path, self.site)
        text = read(path)
        edited = self.edited(kind, path, text)
        if edited is None:
            return "noop", rel
        if isinstance(edited, str):
            self.save(path, edited)
        return kind, rel

    def edited(self, kind, path, text):
        """The file's new text for `kind`; True when the edit was made on the disk; None when
        the file has nothing it applies to."""
        rng = self.rng
        spaces = [i for i, c in enumerate(text) if c == " "]
        letters = [i for i, c in enumerate(text) if c.isascii() and c.isalpha()]
        digits = [i for i, c in enumerate(text) if c in "0123456789"]
        top = os.path.relpath(path, self.site) in ("site.yaml", "permalinks.txt")
        prose = [m.end() for m in PROSE.finditer(text)]
        if kind == "prose" and prose:
            i = rng.choice(prose)
            return text[:i] + rng.choice(["Plainly, ", "Reportedly ", "Also "]) + text[i:]
        if kind == "word" and spaces:
            i = rng.choice(spaces) + 1
            return text[:i] + rng.choice(WORDS) + " " + text[i:]
        if kind == "samelen" and letters:
            i = rng.choice(letters)
            return text[:i] + ("x" if text[i] != "x" else "y") + text[i + 1 :]
        if kind == "value" and digits:
            i = rng.choice(digits)
            return text[:i] + str((int(text[i]) + 1) % 10) + text[i + 1 :]
        if kind == "line":
            return text + ("# a comment\n" if path.endswith(".yaml") else "\nOne more sentence.\n")
        if kind == "break":
            i = rng.randrange(len(text) + 1)
            return text[:i] + rng.choice(["\t:", "{", '"', "---\n", "]]"]) + text[i:]
        if kind == "touch":
            os.utime(path)
            return True
        if kind in ("rename", "delete", "dup") and not top:
            base, ext = os.path.splitext(path)
            if kind == "dup":
                write(base + "-dup" + ext, text)
                return True
            self.removed.append((path, text))
            if kind == "rename":
                os.rename(path, base + "-renamed" + ext)
            else:
                os.remove(path)
            return True
        return None

    def save(self, path, text):
        """Writes `text` over the file at `path` as an editor saves: in place, or (a third of the
        time) into a hidden file beside it that is then renamed over it."""
        if self.rng.random() < 1 / 3:
            hidden = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".saving")
            write(hidden, text)
            os.replace(hidden, path)
        else:
            write(path, text)

    def edit_output(self):
        """Changes the output folder by hand, as a person or another tool might: a file given other
        bytes (of the same length, at once, or more), deleted, or one added that the site does not
        make. The next build must still equal a cold one; a failed one leaves the change there (so
        it is made to the copy of the last good output too)."""
        made = sorted(files(self.out)) if os.path.isdir(self.out) else []
        made = [rel for rel in made if not os.path.basename(rel).startswith(".")]
        if not made:
            return "noop", ""
        rel = self.rng.choice(made)
        how = self.rng.choice(["same length", "longer", "delete", "add"])
        at = self.rng.random()
        for folder in (self.out, self.last_good):
            path = os.path.join(folder, rel)
            if os.path.isfile(path):
                hand_edit(path, how, at)
        return "output: " + how, rel

    def restore(self):
        if not self.removed:
            return None
        path, text = self.removed.pop(self.rng.randrange(len(self.removed)))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write(path, text)
        return "restore", os.path.relpath(path, self.site)

    def mend(self):
        """Undoes an edit: a file the site did not have removed, one deleted put back, or one
        changed given its first text again."""
        texts = self.texts()
        extra = [f for f in texts if not os.path.exists(self.original(f))]
        if extra and self.rng.random() < 0.5:
            path = self.rng.choice(extra)
            os.remove(path)
            return "mend: remove", os.path.relpath(path, self.site)
        changed = [f for f in texts if f not in extra and read(f) != read(self.original(f))]
        if changed:
            path = self.rng.choice(changed)
            self.save(path, read(self.original(path)))
            return "mend", os.path.relpath(path, self.site)
        restored = self.restore()
        return ("mend: " + restored[0], restored[1]) if restored else ("noop", "")

    def step(self, broken):
        """One edit, both builds, and what is wrong, if anything."""
        kind, rel = self.edit(broken)
        if self.rng.random() < 0.5:
            time.sleep(self.rng.choice(WAITS))
        if os.environ.get("SOAK_RESTORE"):
            keep_times = self.rng.random() < 0.5
            for folder in (self.site, self.out):
                restore(folder, keep_times)
        code, err = self.run(["build", "--output", self.out])
        shutil.rmtree(self.cold, ignore_errors=True)
        cold_code, cold_err = self.run(["build", "--no-cache", "--output", self.cold])
        wrong = None
        if (code, err) != (cold_code, cold_err):
            wrong = (
                f"in place: exit {code}, cold: exit {cold_code}\n"
                f"--- in place:\n{err[-2000:]}\n--- cold:\n{cold_err[-2000:]}"
            )
        elif code == 0:
            wrong = differs(self.out, self.cold)
            shutil.rmtree(self.last_good, ignore_errors=True)
            shutil.copytree(self.out, self.last_good)
        elif os.path.isdir(self.last_good):
            wrong = differs(self.out, self.last_good)
            wrong = wrong and "the failed build changed the output folder: " + wrong
        if wrong:
            # Start again from a cold build, so that one problem is not reported at every step.
            for folder in (self.out, self.last_good, os.path.join(self.site, ".evident-cache")):
                shutil.rmtree(folder, ignore_errors=True)
            if self.run(["build", "--output", self.out])[0] == 0:
                shutil.copytree(self.out, self.last_good)
        return f"{kind} {rel}", code, wrong


def hand_edit(path, how, at):
    """Changes the file at `path` as `how` says, at `at` (0 to 1) through it."""
    if how == "delete":
        os.remove(path)
        return
    if how == "add":
        write(os.path.join(os.path.dirname(path), "added-by-hand.html"), "<p>By hand</p>\n")
        return
    with open(path, "rb") as f:
        data = f.read()
    if how == "same length" and data:
        i = int(at * len(data))
        data = data[:i] + (b"x" if data[i : i + 1] != b"x" else b"y") + data[i + 1 :]
    elif how == "longer":
        data += b"\n<!-- added by hand -->\n"
    with open(path, "wb") as f:
        f.write(data)


def restore(folder, keep_times):
    """Copies `folder` afresh where it is, as a CI run's checkout and cache restore leave it: the
    same paths and bytes, every file and folder with a new inode, and either its modification time
    kept (as `tar` keeps it) or every time new (as `cp -r` makes them)."""
    if os.path.isdir(folder):
        aside = folder + ".old"
        os.rename(folder, aside)
        copy = shutil.copy2 if keep_times else shutil.copy
        shutil.copytree(aside, folder, symlinks=True, copy_function=copy)
        if not keep_times:
            # copytree gives each folder its original's times whatever the copy function.
            for root, dirs, _ in os.walk(folder):
                for d in dirs:
                    os.utime(os.path.join(root, d))
            os.utime(folder)
        shutil.rmtree(aside)


def diagnostics(stderr):
    """What evident printed, without what tells a rebuild from a cold build: the summary's
    times, pages kept and output folder."""
    lines = []
    for line in stderr.splitlines():
        if line.startswith(("Built ", "read ")):
            continue
        if line.startswith("Build failed"):
            line = line.split(" in ")[0]
        lines.append(line)
    return "\n".join(lines)


def files(folder):
    found = {}
    for root, _, names in os.walk(folder):
        for n in names:
            path = os.path.join(root, n)
            found[os.path.relpath(path, folder)] = path
    return found


def differs(a, b):
    """How the folders `a` (in place) and `b` differ, or None."""
    fa, fb = files(a), files(b)
    if set(fa) != set(fb):
        return (
            f"only in place: {sorted(set(fa) - set(fb))[:5]}; "
            f"only cold: {sorted(set(fb) - set(fa))[:5]}"
        )
    changed = [k for k in sorted(fa) if not filecmp.cmp(fa[k], fb[k], shallow=False)]
    return f"files differ: {changed[:5]}" if changed else None


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    binary, site, work, steps, seed = sys.argv[1:]
    soak = Soak(os.path.abspath(binary), site, work, int(seed))
    code, _ = soak.run(["build", "--output", soak.out])
    if code == 0:
        shutil.copytree(soak.out, soak.last_good)
    time.sleep(WAITS[-1])  # the first build's files settled, so that some are known by stamps
    problems, built = 0, 0
    for n in range(int(steps)):
        what, code, wrong = soak.step(code != 0)
        built += code == 0
        if wrong:
            problems += 1
            print(f"step {n}: {what}: {wrong}", flush=True)
        else:
            print(f"step {n}: {what}: the same (exit {code})", flush=True)
    print(f"{steps} edits, {built} of them leaving a site that builds; {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
