// Client-side search over the chunked index in /search/: fetches the manifest, one shard per word
// and only the document chunks it shows. Sends nothing anywhere but this site.
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script.getAttribute("data-index");
  var form = document.querySelector(".search-form");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
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
  function words(text) {
    return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length >= 2; });
  }
  function postings(manifest, word, prefix) {
    var shard = manifest.shards[word.slice(0, 2)];
    if (!shard) return Promise.resolve([]);
    return fetchJson("terms/" + shard + ".json").then(function (terms) {
      if (!prefix) return terms[word] || [];
      var seen = {};
      Object.keys(terms).forEach(function (t) {
        if (t.indexOf(word) === 0) terms[t].forEach(function (n) { seen[n] = true; });
      });
      return Object.keys(seen).map(Number).sort(function (a, b) { return a - b; });
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
      kind.textContent = d.kind;
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
    status.textContent = total === 0 ? "No results." :
      total + (total === 1 ? " result" : " results") + (total > docs.length ? ", showing the first " + docs.length + "." : ".");
  }
  function run() {
    var data = new FormData(form);
    var q = String(data.get("q") || "");
    var kind = data.get("kind"), topic = data.get("topic"), stance = data.get("stance");
    var ws = words(q);
    if (ws.length === 0) { list.textContent = ""; status.textContent = ""; return; }
    status.textContent = "Searching…";
    fetchJson("manifest.json").then(function (manifest) {
      return Promise.all(ws.map(function (w, i) { return postings(manifest, w, i === ws.length - 1); }))
        .then(function (lists) {
          var hits = intersect(lists);
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
    }).catch(function (e) { status.textContent = "Search failed: " + e.message; });
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
