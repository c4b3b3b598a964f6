// Citations, enhanced: a "Copy" button beside each formatted reference, and a style picker that
// shows one style at a time and remembers the reader's choice. Without JavaScript the first style
// is shown and the others are in a disclosure; every reference is plain, selectable text.
(function () {
  "use strict";
  var KEY = "evident-citation-style";
  // The interface strings in the site's language, from the theme's i18n/ files (data-strings, set
  // by the template); English when a template gives none.
  function strings(script, english) {
    var given = {};
    try { given = JSON.parse((script && script.getAttribute("data-strings")) || "{}"); } catch (e) { /* English */ }
    Object.keys(english).forEach(function (k) { if (given[k] === undefined) given[k] = english[k]; });
    return given;
  }
  var T = strings(document.currentScript, {
    copy: "Copy", copy_label: "Copy this reference", copied: "Copied", style: "Citation style"
  });

  // Where a copy is announced to screen readers (the button's own name stays "Copy this
  // reference"). In the page before anything is copied, as a live region must be to be heard.
  var status = null;
  if (navigator.clipboard && document.querySelector("[data-copy-text]")) {
    status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    // At the top: at the end of a full page, it would push a printout onto a second sheet.
    document.body.prepend(status);
  }
  function announce(text) {
    if (status) status.textContent = text;
  }

  document.querySelectorAll("[data-copy-text]").forEach(function (el) {
    if (!navigator.clipboard) return;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "copy";
    b.textContent = T.copy;
    b.setAttribute("aria-label", T.copy_label);
    b.addEventListener("click", function () {
      navigator.clipboard.writeText(el.getAttribute("data-copy-text")).then(function () {
        b.textContent = T.copied;
        announce(T.copied);
        setTimeout(function () { b.textContent = T.copy; announce(""); }, 2000);
      });
    });
    el.after(b);
  });

  function remembered() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function remember(style) {
    try { localStorage.setItem(KEY, style); } catch (e) { /* private mode: not remembered */ }
  }

  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-cite-group]"));
  var pickers = [];
  function show(style) {
    groups.forEach(function (g) {
      var has = g.querySelector('dt[data-style="' + style + '"]');
      var chosen = has ? style : g.querySelector("dt[data-style]").getAttribute("data-style");
      g.querySelectorAll("[data-style]").forEach(function (el) {
        el.hidden = el.getAttribute("data-style") !== chosen;
      });
    });
    pickers.forEach(function (p) { p.value = style; });
  }

  groups.forEach(function (g, i) {
    var others = g.querySelector(".cite-others");
    if (!others) return;
    var styles = g.querySelectorAll("dt[data-style]");
    var label = document.createElement("label");
    var id = "cite-style-" + i;
    label.setAttribute("for", id);
    label.textContent = T.style;
    var select = document.createElement("select");
    select.id = id;
    styles.forEach(function (dt) {
      var o = document.createElement("option");
      o.value = dt.getAttribute("data-style");
      o.textContent = dt.textContent;
      select.appendChild(o);
    });
    select.addEventListener("change", function () {
      remember(select.value);
      show(select.value);
    });
    var picker = document.createElement("div");
    picker.className = "cite-picker";
    picker.appendChild(label);
    picker.appendChild(select);
    g.insertBefore(picker, g.firstChild);
    // Every style is now in one place; the disclosure only held them for readers without scripts.
    others.open = true;
    others.querySelector("summary").hidden = true;
    g.classList.add("picking");
    pickers.push(select);
  });

  if (pickers.length) {
    show(remembered() || pickers[0].options[0].value);
  }
})();
