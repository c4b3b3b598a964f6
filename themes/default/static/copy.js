// Adds a "Copy" button to each formatted citation. Optional: without JavaScript the citations
// are plain, selectable text.
document.querySelectorAll("[data-copy-text]").forEach(function (el) {
  if (!navigator.clipboard) return;
  var b = document.createElement("button");
  b.type = "button";
  b.className = "copy";
  b.textContent = "Copy";
  b.addEventListener("click", function () {
    navigator.clipboard.writeText(el.getAttribute("data-copy-text")).then(function () {
      b.textContent = "Copied";
      setTimeout(function () { b.textContent = "Copy"; }, 2000);
    });
  });
  el.after(b);
});
