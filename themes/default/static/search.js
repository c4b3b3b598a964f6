// Client-side search over the chunked index in /search/: fetches the manifest, one shard per word
// and only the document chunks it shows. Sends nothing anywhere but this site. Query words are
// stemmed as the index is (snowball-english.js, loaded before this script: "outcomes" finds
// "outcome"), and each run of adjacent words is also looked up written as one word ("well being"
// finds "wellbeing" and "well-being"; "self directed support" finds a synonym indexed as one term).
(function () {
  "use strict";
  var script = document.currentScript;
  // The interface strings in the site's language, from the theme's i18n/ files (data-strings, set
  // by the template); English when a template gives none.
  function strings(script, english) {
    var given = {};
    try { given = JSON.parse((script && script.getAttribute("data-strings")) || "{}"); } catch (e) { /* English */ }
    Object.keys(english).forEach(function (k) { if (given[k] === undefined) given[k] = english[k]; });
    return given;
  }
  var T = strings(script, {
    kinds: {}, none: "No results.", searching: "Searching…", failed: "Search failed: {error}",
    results_one: "{count} result", results_other: "{count} results", first: ", showing the first {shown}."
  });
  function fill(text, args) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return args[k] === undefined ? m : String(args[k]); });
  }
  // The plural form of a count in the page's language (`one` or `other`), as the strings give them.
  var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang) : null;
  function results(n) {
    var form = plural ? plural.select(n) : (n === 1 ? "one" : "other");
    return fill(T["results_" + form] || T.results_other, { count: n });
  }
  var root = script.getAttribute("data-index");
  var form = document.querySelector(".search-form");
  var fallback = document.getElementById("search-fallback");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var stemmer = window.snowballEnglish;
  // Without the stemmer the index cannot be read: leave the form hidden and the fallback shown.
  if (!form || !stemmer) return;
  form.hidden = false;
  if (fallback) fallback.hidden = true;
  var MIN_WORD = 2, MAX_JOIN = 8;
  var cache = {};
  function fetchJson(path) {
    if (!cache[path]) {
      cache[path] = fetch(root + path).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
    }
    return cache[path];
  }
  function length(s) { return Array.from(s).length; }
  // Runs of letters and digits, each lowercased, as the index splits them (Rust's
  // char::is_alphanumeric is Unicode Alphabetic or Number). Single letters are kept: they may be
  // part of a compound ("e mail"), though alone they are not looked up.
  function tokens(text) {
    return (text.match(/[\p{Alphabetic}\p{N}]+/gu) || []).map(function (w) { return w.toLowerCase(); });
  }
  // The documents holding `term`, or any term starting with it when `prefix`.
  function postings(manifest, term, prefix) {
    var shard = manifest.shards[Array.from(term).slice(0, 2).join("")];
    if (!shard) return Promise.resolve([]);
    return fetchJson("terms/" + shard + ".json").then(function (terms) {
      if (!prefix) return terms[term] || [];
      var seen = {};
      Object.keys(terms).forEach(function (t) {
        if (t.indexOf(term) === 0) terms[t].forEach(function (n) { seen[n] = true; });
      });
      return Object.keys(seen).map(Number).sort(function (a, b) { return a - b; });
    });
  }
  function union(a, b) {
    if (a === null || b === null) return null;
    var seen = {};
    a.concat(b).forEach(function (n) { seen[n] = true; });
    return Object.keys(seen).map(Number).sort(function (x, y) { return x - y; });
  }
  // The documents matching the query words: each word, or each run of adjacent words joined into
  // one, in turn; the last word matches as a prefix. Null when nothing constrains the result (a
  // query of single letters).
  function search(manifest, ws) {
    var n = ws.length, lookups = [];
    for (var i = 0; i < n; i++) {
      for (var len = 1; len <= MAX_JOIN && i + len <= n; len++) {
        var word = ws.slice(i, i + len).join("");
        if (length(word) < MIN_WORD) continue;
        lookups.push({ i: i, len: len, p: postings(manifest, stemmer.stem(word), i + len === n) });
      }
    }
    return Promise.all(lookups.map(function (l) { return l.p; })).then(function (lists) {
      var found = {};
      lookups.forEach(function (l, k) { found[l.i + ":" + l.len] = lists[k]; });
      // rest[at]: the documents matching the words from `at` on.
      var rest = [];
      rest[n] = null;
      for (var at = n - 1; at >= 0; at--) {
        var acc, first = true;
        for (var span = 1; span <= MAX_JOIN && at + span <= n; span++) {
          var own = found[at + ":" + span], option;
          if (own === undefined) {
            if (span > 1) continue;
            option = rest[at + 1]; // A single letter alone: ignored.
          } else {
            option = rest[at + span] === null ? own : intersect([own, rest[at + span]]);
          }
          acc = first ? option : union(acc, option);
          first = false;
        }
        rest[at] = acc;
      }
      return rest[0];
    });
  }
  function intersect(lists) {
    return lists.reduce(function (acc, l) {
      var set = {};
      l.forEach(function (n) { set[n] = true; });
      return acc.filter(function (n) { return set[n]; });
    });
  }
  function render(docs, total) {
    list.textContent = "";
    docs.forEach(function (d) {
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "search-kind";
      kind.textContent = T.kinds[d.kind] || d.kind;
      var a = document.createElement("a");
      a.href = d.url;
      a.textContent = d.title;
      var p = document.createElement("p");
      p.textContent = d.text;
      li.appendChild(kind);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(a);
      li.appendChild(p);
      list.appendChild(li);
    });
    status.textContent = total === 0 ? T.none :
      results(total) + (total > docs.length ? fill(T.first, { shown: docs.length }) : ".");
  }
  function run() {
    var data = new FormData(form);
    var q = String(data.get("q") || "");
    var kind = data.get("kind"), topic = data.get("topic"), stance = data.get("stance");
    var ws = tokens(q);
    if (!ws.some(function (w) { return length(w) >= MIN_WORD; }) && ws.length < 2) {
      list.textContent = ""; status.textContent = ""; return;
    }
    status.textContent = T.searching;
    fetchJson("manifest.json").then(function (manifest) {
      return search(manifest, ws).then(function (hits) {
        if (hits === null) { list.textContent = ""; status.textContent = ""; return; }
        // Filters need each document's metadata: read chunks in order until 50 match.
        var shown = [], total = 0, chunk = manifest.chunk;
        var byChunk = {};
        hits.forEach(function (n) { (byChunk[Math.floor(n / chunk)] = byChunk[Math.floor(n / chunk)] || []).push(n); });
        var chunks = Object.keys(byChunk).map(Number).sort(function (a, b) { return a - b; });
        return chunks.reduce(function (p, c) {
          return p.then(function () {
            return fetchJson("docs/" + c + ".json").then(function (docs) {
              byChunk[c].forEach(function (n) {
                var d = docs[n - c * chunk];
                if (kind && d.kind !== kind) return;
                if (topic && d.topics.indexOf(topic) === -1) return;
                if (stance && d.stances.indexOf(stance) === -1) return;
                total += 1;
                if (shown.length < 50) shown.push(d);
              });
            });
          });
        }, Promise.resolve()).then(function () { render(shown, total); });
      });
    }).catch(function (e) { status.textContent = fill(T.failed, { error: e.message }); });
  }
  var params = new URLSearchParams(location.search);
  ["q", "kind", "topic", "stance"].forEach(function (k) {
    var el = form.elements[k];
    if (el && params.get(k)) el.value = params.get(k);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var data = new URLSearchParams(new FormData(form));
    history.replaceState(null, "", "?" + data.toString());
    run();
  });
  ["kind", "topic", "stance"].forEach(function (k) { form.elements[k].addEventListener("change", run); });
  run();
})();
