#!/usr/bin/env python3
"""Checks the built site's bibliography exports with independent parsers.

Usage: python3 tests/exports/check_exports.py [public]

Parses public/citations.bib with bibtexparser, public/citations.ris with rispy and
public/citations.json as CSL-JSON, and compares every field with the sources in
public/evidence.json. Any mismatch is printed and the script exits 1.

Mapping (the same as src/cite.rs):
- URL is the publisher's URL, else the repository record's.
- BibTeX: journal (articles, news) / booktitle (chapters); institution for reports; pages "a--b";
  entrysubtype newspaper / magazine for news and magazine pieces; bookauthor for a chapter's book.
- RIS: T2 container, T3 series, SP/EP pages, SN the ISBN else the ISSN, N1 the unverified note.
- Unverified fields are kept, and named in BibTeX `note`, RIS `N1` and CSL-JSON `note`.
"""

import json
import re
import sys
from pathlib import Path

import bibtexparser
import rispy

failures = []


def fail(where, field, expected, actual):
    failures.append(f"{where}: {field}: expected {expected!r}, got {actual!r}")


def check(where, field, expected, actual):
    if expected != actual:
        fail(where, field, expected, actual)


LATEX = [
    ("\\textbackslash{}", "\\"),
    ("\\textasciitilde{}", "~"),
    ("\\textasciicircum{}", "^"),
    ("\\{", "{"),
    ("\\}", "}"),
    ("\\&", "&"),
    ("\\%", "%"),
    ("\\$", "$"),
    ("\\#", "#"),
    ("\\_", "_"),
]


def unlatex(s):
    for a, b in LATEX:
        s = s.replace(a, b)
    return s


def pages_split(p):
    if p is None:
        return None, None
    parts = re.split(r"\s*[-–—]+\s*", p, maxsplit=1)
    return parts[0], (parts[1] if len(parts) > 1 and parts[1] else None)


def person_bibtex(p):
    if "literal" in p:
        return "{" + p["literal"] + "}"
    if p.get("given"):
        return f"{p['family']}, {p['given']}"
    return "{" + p["family"] + "}"


def person_ris(p):
    if "literal" in p:
        return p["literal"]
    if p.get("given"):
        return f"{p['family']}, {p['given']}"
    return p["family"]


def unverified_note(s):
    u = s.get("unverified") or {}
    if not u:
        return None
    return "Unverified: " + "; ".join(f"{k} ({v})" for k, v in sorted(u.items()))


def url_of(s):
    return s.get("publisher_url") or s.get("repository_url")


def check_bibtex(public, sources):
    text = (public / "citations.bib").read_text(encoding="utf-8")
    lib = bibtexparser.parse_string(text)
    if lib.failed_blocks:
        fail("citations.bib", "parse", "no failed blocks", [b.error for b in lib.failed_blocks])
    entries = {e.key: e for e in lib.entries}
    check("citations.bib", "keys", sorted(sources), sorted(entries))
    for sid, s in sources.items():
        e = entries.get(sid)
        if e is None:
            continue
        where = f"citations.bib {sid}"
        f = {k: v for k, v in e.fields_dict.items()}

        def val(k):
            return unlatex(f[k].value) if k in f else None

        expected_type = {
            "article-journal": "article", "article-newspaper": "article",
            "article-magazine": "article", "chapter": "incollection",
            "report": "techreport", "book": "book", "webpage": "misc",
        }[s["type"]]
        check(where, "type", expected_type, e.entry_type.lower())
        names = " and ".join(person_bibtex(p) for p in s["authors"]) or None
        check(where, "author", names, val("author"))
        editors = " and ".join(person_bibtex(p) for p in s["editors"]) or None
        check(where, "editor", editors, val("editor"))
        check(where, "title", s["title"], val("title"))
        subtype = {"article-newspaper": "newspaper", "article-magazine": "magazine"}.get(s["type"])
        check(where, "entrysubtype", subtype, val("entrysubtype"))
        bookauthors = " and ".join(person_bibtex(p) for p in s.get("container_authors", [])) or None
        check(where, "bookauthor", bookauthors, val("bookauthor"))
        ckey = {"chapter": "booktitle", "webpage": "howpublished"}.get(s["type"], "journal")
        check(where, ckey, s["container_title"], val(ckey))
        check(where, "series", s["collection_title"], val("series"))
        check(where, "volume", s["volume"], val("volume"))
        check(where, "number", s["issue"], val("number"))
        first, last = pages_split(s["pages"])
        pages = None if first is None else (f"{first}--{last}" if last else first)
        check(where, "pages", pages, val("pages"))
        pkey = "institution" if s["type"] == "report" else "publisher"
        check(where, pkey, s["publisher"], val(pkey))
        check(where, "address", s["publisher_place"], val("address"))
        check(where, "year", s["date"][:4], val("year"))
        check(where, "date", s["date"], val("date"))
        check(where, "doi", s["doi"], val("doi"))
        check(where, "isbn", s["isbn"], val("isbn"))
        check(where, "issn", s["issn"], val("issn"))
        check(where, "url", url_of(s), val("url"))
        check(where, "note", unverified_note(s), val("note"))


def check_ris(public, sources):
    with open(public / "citations.ris", encoding="utf-8") as fh:
        records = rispy.load(fh)
    by_id = {r.get("id"): r for r in records}
    check("citations.ris", "ids", sorted(sources), sorted(k for k in by_id if k))
    for sid, s in sources.items():
        r = by_id.get(sid)
        if r is None:
            continue
        where = f"citations.ris {sid}"
        expected_type = {
            "article-journal": "JOUR", "article-newspaper": "NEWS", "article-magazine": "MGZN",
            "chapter": "CHAP", "report": "RPRT", "book": "BOOK", "webpage": "ELEC",
        }[s["type"]]
        check(where, "TY", expected_type, r.get("type_of_reference"))
        check(where, "AU", [person_ris(p) for p in s["authors"]] or None, r.get("authors"))
        check(where, "A2", [person_ris(p) for p in s["editors"]] or None, r.get("secondary_authors"))
        check(where, "TI", s["title"], r.get("title"))
        check(where, "T2", s["container_title"], r.get("secondary_title"))
        check(where, "T3", s["collection_title"], r.get("tertiary_title"))
        check(where, "VL", s["volume"], r.get("volume"))
        check(where, "IS", s["issue"], r.get("number"))
        first, last = pages_split(s["pages"])
        check(where, "SP", first, r.get("start_page"))
        check(where, "EP", last, r.get("end_page"))
        check(where, "PB", s["publisher"], r.get("publisher"))
        check(where, "CY", s["publisher_place"], r.get("place_published"))
        check(where, "PY", s["date"][:4], r.get("year"))
        d = s["date"].split("-")
        da = f"{d[0]}/{d[1] if len(d) > 1 else ''}/{d[2] if len(d) > 2 else ''}/"
        check(where, "DA", da, r.get("date"))
        check(where, "DO", s["doi"], r.get("doi"))
        check(where, "SN", s["isbn"] or s["issn"], r.get("issn"))
        urls = r.get("urls")
        check(where, "UR", [url_of(s)] if url_of(s) else None, urls)
        note = unverified_note(s)
        check(where, "N1", [note] if note else None, r.get("notes"))


def csl_name(p):
    if "literal" in p:
        return {"literal": p["literal"]}
    out = {"family": p["family"]}
    if p.get("given"):
        out["given"] = p["given"]
    return out


def check_csl_json(public, sources):
    items = json.loads((public / "citations.json").read_text(encoding="utf-8"))
    if not isinstance(items, list):
        fail("citations.json", "shape", "a list", type(items).__name__)
        return
    by_id = {i.get("id"): i for i in items}
    check("citations.json", "ids", sorted(sources), sorted(by_id))
    for sid, s in sources.items():
        i = by_id.get(sid)
        if i is None:
            continue
        where = f"citations.json {sid}"
        for required in ("id", "type", "title", "issued"):
            if required not in i:
                fail(where, required, "present", None)
        check(where, "type", s["type"], i.get("type"))
        check(where, "title", s["title"], i.get("title"))
        check(where, "author", [csl_name(p) for p in s["authors"]] or None, i.get("author"))
        check(where, "editor", [csl_name(p) for p in s["editors"]] or None, i.get("editor"))
        parts = [int(x) for x in s["date"].split("-")]
        check(where, "issued", {"date-parts": [parts]}, i.get("issued"))
        for key, field in [
            ("container-title", "container_title"), ("collection-title", "collection_title"),
            ("volume", "volume"), ("issue", "issue"), ("page", "pages"),
            ("publisher", "publisher"), ("publisher-place", "publisher_place"),
            ("DOI", "doi"), ("ISBN", "isbn"), ("ISSN", "issn"),
        ]:
            check(where, key, s[field], i.get(key))
        check(where, "URL", url_of(s), i.get("URL"))
        check(where, "note", unverified_note(s), i.get("note"))


def main():
    public = Path(sys.argv[1] if len(sys.argv) > 1 else "public")
    evidence = json.loads((public / "evidence.json").read_text(encoding="utf-8"))
    sources = {s["id"]: s for s in evidence["sources"]}
    if not sources:
        print("check_exports: evidence.json lists no sources; nothing was checked", file=sys.stderr)
        return 1
    check_bibtex(public, sources)
    check_ris(public, sources)
    check_csl_json(public, sources)
    if failures:
        for f in failures:
            print(f"check_exports: {f}", file=sys.stderr)
        print(f"check_exports: {len(failures)} mismatches", file=sys.stderr)
        return 1
    print(f"check_exports: {len(sources)} sources agree in citations.bib, citations.ris and citations.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
