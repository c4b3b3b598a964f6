#!/usr/bin/env python3
"""Deterministic benchmark corpora for evident (and, for the pages corpus, Zola and Hugo).

usage: corpus.py pages|evidence N OUT_DIR

pages:    N Markdown pages of about 750 words (headings, lists, a table, a blockquote, a fenced
          code block, links to other pages), each with a title, a date and 3 of 20 tags, written
          as an evident site (OUT/evident), a Zola site (OUT/zola) and a Hugo site (OUT/hugo),
          with equivalent minimal templates (page, a list of every page on the home page, the tag
          list and one page per tag).
evidence: N findings over N/10 sources and N/100 claims (N/1000 topics, at least 1), with
          stances and quotes that occur in generated archived texts: evident's real workload
          with its default theme (OUT/evident).
"""
import os
import random
import sys

WORDS = ("personal budget council support planning service users allocation review staff "
         "control quality assessment carers process outcome evidence survey practitioners "
         "resources system indicative actual bureaucracy savings policy social care adult "
         "direct payment choice independence wellbeing local authority").split()
TAGS = [f"tag{i}" for i in range(20)]


def para(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def page_body(rng, i, n):
    links = " ".join(f"[page {j}](PAGELINK{j})" for j in rng.sample(range(n), min(3, n)))
    parts = [
        f"## Section one of page {i}\n\n{para(rng, 120)}\n\n{para(rng, 100)} {links}\n",
        "- " + "\n- ".join(para(rng, 8) for _ in range(5)) + "\n",
        "| Measure | Value | Note |\n|---|---|---|\n" + "\n".join(
            f"| {rng.choice(WORDS)} | {rng.randint(1, 99)}% | {para(rng, 4)} |" for _ in range(4)) + "\n",
        f"> {para(rng, 40)}\n",
        "```rust\nfn main() {\n    println!(\"hello\");\n}\n```\n",
        f"## Section two\n\n{para(rng, 150)}\n\n{para(rng, 150)}\n\n### Details\n\n{para(rng, 120)}\n",
    ]
    return "\n".join(parts)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def pages(n, out):
    rng = random.Random(20261124)
    ev, zo, hu = (os.path.join(out, x) for x in ("evident", "zola", "hugo"))
    write(f"{ev}/site.yaml", "title: Bench\nbase_url: https://example.org/\nhighlight_code: false  # as in the Zola and Hugo sites\n")
    write(f"{ev}/content/index.md", "---\ntitle: Bench\n---\nPages.\n")
    write(f"{ev}/templates/home.html", "<!doctype html><html><body><h1>{{ page.title }}</h1><ul>{% for p in pages %}<li><a href=\"{{ p.url }}\">{{ p.title }}</a></li>{% endfor %}</ul></body></html>")
    write(f"{ev}/templates/page.html", "<!doctype html><html><head><title>{{ page.title }}</title></head><body><main>{{ content }}</main></body></html>")
    write(f"{ev}/templates/tags.html", "<!doctype html><html><body>{% for t in tags %}<a href=\"{{ t.url }}\">{{ t.name }}</a>{% endfor %}</body></html>")
    write(f"{ev}/templates/tag.html", "<!doctype html><html><body>{% for p in pages %}<a href=\"{{ p.url }}\">{{ p.title }}</a>{% endfor %}</body></html>")
    write(f"{zo}/config.toml", 'base_url = "https://example.org/"\ntitle = "Bench"\nbuild_search_index = false\ngenerate_feeds = false\ntaxonomies = [{name = "tags"}]\n')
    write(f"{zo}/content/_index.md", "+++\ntitle = \"Bench\"\nsort_by = \"date\"\n+++\n")
    write(f"{zo}/templates/index.html", "<!doctype html><html><body><h1>{{ section.title }}</h1><ul>{% for p in section.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a></li>{% endfor %}</ul></body></html>")
    write(f"{zo}/templates/page.html", "<!doctype html><html><head><title>{{ page.title }}</title></head><body><main>{{ page.content | safe }}</main></body></html>")
    write(f"{zo}/templates/section.html", "<!doctype html><html><body>{% for p in section.pages %}<a href=\"{{ p.permalink }}\">{{ p.title }}</a>{% endfor %}</body></html>")
    write(f"{zo}/templates/tags/list.html", "<!doctype html><html><body>{% for t in terms %}<a href=\"{{ t.permalink }}\">{{ t.name }}</a>{% endfor %}</body></html>")
    write(f"{zo}/templates/tags/single.html", "<!doctype html><html><body>{% for p in term.pages %}<a href=\"{{ p.permalink }}\">{{ p.title }}</a>{% endfor %}</body></html>")
    write(f"{hu}/hugo.toml", 'baseURL = "https://example.org/"\ntitle = "Bench"\ndisableKinds = ["RSS", "sitemap", "robotsTXT"]\n[markup.highlight]\ncodeFences = false\n[taxonomies]\ntag = "tags"\n')
    write(f"{hu}/layouts/_default/single.html", "<!doctype html><html><head><title>{{ .Title }}</title></head><body><main>{{ .Content }}</main></body></html>")
    write(f"{hu}/layouts/_default/list.html", "<!doctype html><html><body>{{ range .Pages }}<a href=\"{{ .Permalink }}\">{{ .Title }}</a>{{ end }}</body></html>")
    write(f"{hu}/layouts/index.html", "<!doctype html><html><body><ul>{{ range .Site.RegularPages }}<li><a href=\"{{ .Permalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>")
    for i in range(n):
        body = page_body(rng, i, n)
        tags = rng.sample(TAGS, 3)
        date = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        # evident links by source file; Zola by @/ path; Hugo by site path.
        write(f"{ev}/content/p{i}.md", f"---\ntitle: Page {i}\ndate: \"{date}\"\ntags: [{', '.join(tags)}]\n---\n" + relink(body, lambda j: f"p{j}.md"))
        write(f"{zo}/content/p{i}.md", f"+++\ntitle = \"Page {i}\"\ndate = {date}\n[taxonomies]\ntags = {tags!r}\n+++\n".replace("'", '"') + relink(body, lambda j: f"@/p{j}.md"))
        write(f"{hu}/content/p{i}.md", f"---\ntitle: Page {i}\ndate: {date}\ntags: [{', '.join(tags)}]\n---\n" + relink(body, lambda j: f"/p{j}/"))


def relink(body, target):
    out = []
    rest = body
    while "PAGELINK" in rest:
        before, after = rest.split("PAGELINK", 1)
        digits = ""
        while after and after[0].isdigit():
            digits += after[0]
            after = after[1:]
        out.append(before + target(int(digits)))
        rest = after
    out.append(rest)
    return "".join(out)


def evidence(n, out):
    rng = random.Random(20261125)
    ev = os.path.join(out, "evident")
    topics = max(1, n // 1000)
    claims = max(1, n // 100)
    sources = max(1, n // 10)
    write(f"{ev}/site.yaml", "title: Evidence bench\nbase_url: https://example.org/\nversion: \"1\"\ndate: \"2026-11-24\"\n")
    write(f"{ev}/content/index.md", "---\ntitle: Evidence bench\n---\nFindings.\n")
    for t in range(topics):
        write(f"{ev}/content/topics/t{t}.md", f"---\ntitle: Topic {t}\nweight: {t}\n---\n{para(rng, 40)}\n")
    for c in range(claims):
        write(f"{ev}/content/claims/c{c}.md", f"---\ntitle: Claim {c}\ntopic: t{c % topics}\n---\n{para(rng, 40)}\n")
    per = n // sources
    for s in range(sources):
        sentences = [f"In part {k}, {para(rng, 12)[:-1].lower()} and {rng.randint(1, 99)}% said so." for k in range(per)]
        write(f"{ev}/archive/s{s}.txt", "\n\n".join(sentences) + "\n")
        write(f"{ev}/content/sources/s{s}.md", f"---\ntype: report\ntitle: Source {s}\nauthors:\n  - {{family: Author{s}, given: A}}\ndate: \"2012\"\npublisher: Bench Institute\nkind: report\ndesign: survey\narchive: archive/s{s}.txt\n---\n{para(rng, 150)}\n")
        items = []
        for k, sentence in enumerate(sentences):
            fid = s * per + k
            pct = sentence.split()[-3]
            stance = rng.choice(["supports", "contradicts", "mixed", "context"])
            items.append(
                f"  - id: f{fid}\n    statement: {para(rng, 10)}\n    figure: \"{pct}\"\n"
                f"    value: {{kind: percent, number: {pct[:-1]}}}\n    source: s{s}\n    locator: para. {k + 1}\n"
                f"    quote: \"{sentence}\"\n    stances:\n      - {{claim: c{fid % claims}, stance: {stance}, reason: \"{para(rng, 6)}\"}}\n")
        write(f"{ev}/data/findings/s{s}.yaml", "findings:\n" + "".join(items))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("pages", "evidence"):
        sys.exit(__doc__)
    {"pages": pages, "evidence": evidence}[sys.argv[1]](int(sys.argv[2]), sys.argv[3])
