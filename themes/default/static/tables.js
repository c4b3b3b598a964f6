// Progressive enhancement for data tables: sort by any column and filter rows. Without
// JavaScript the full table shows; nothing here is needed to read it.
(function () {
  "use strict";
  // The interface strings in the site's language, from the theme's i18n/ files (data-strings, set
  // by the template); English when a template gives none.
  function strings(script, english) {
    var given = {};
    try { given = JSON.parse((script && script.getAttribute("data-strings")) || "{}"); } catch (e) { /* English */ }
    Object.keys(english).forEach(function (k) { if (given[k] === undefined) given[k] = english[k]; });
    return given;
  }
  var T = strings(document.currentScript, {
    sorted_ascending: "Sorted by {column}, ascending.", sorted_descending: "Sorted by {column}, descending.",
    filter: "Filter rows", shown: "{shown} of {total} rows shown."
  });
  function fill(text, args) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return args[k] === undefined ? m : String(args[k]); });
  }
  function key(cell) {
    var k = cell.getAttribute("data-sort");
    return k === null ? cell.textContent.trim().toLowerCase() : k;
  }
  function enhance(table) {
    var tbody = table.tBodies[0];
    if (!tbody) return;
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[index]), y = key(b.cells[index]);
          if (x === y) return 0;
          if (x === "") return 1;
          if (y === "") return -1;
          return (x < y ? -1 : 1) * (ascending ? 1 : -1);
        });
        rows.forEach(function (r) { tbody.appendChild(r); });
        status.textContent = fill(ascending ? T.sorted_ascending : T.sorted_descending, { column: button.textContent });
      });
    });
    var wrap = document.createElement("div");
    wrap.className = "table-filter";
    var id = (table.id || "table") + "-filter";
    var label = document.createElement("label");
    label.setAttribute("for", id);
    label.textContent = T.filter;
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.setAttribute("aria-controls", table.id);
    var status = document.createElement("p");
    status.className = "filter-status";
    status.setAttribute("role", "status");
    wrap.appendChild(label);
    wrap.appendChild(input);
    wrap.appendChild(status);
    var container = table.parentNode;
    container.parentNode.insertBefore(wrap, container);
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(tbody.rows, function (r) {
        var match = q === "" || r.textContent.toLowerCase().indexOf(q) !== -1;
        r.hidden = !match;
        if (match) shown += 1;
      });
      status.textContent = fill(T.shown, { shown: shown, total: tbody.rows.length });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), enhance);
})();
