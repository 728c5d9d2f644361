// The review page's script, inlined into every report (see extractors/report.py).
(function () {
  "use strict";
  function clearHighlight() {
    document.querySelectorAll(".hl").forEach(function (e) { e.classList.remove("hl"); });
    document.querySelectorAll(".v.active").forEach(function (e) { e.classList.remove("active"); });
  }
  function showEvidence(id, from) {
    var target = document.getElementById(id);
    if (!target) { return false; }
    clearHighlight();
    target.classList.add("hl");
    document.querySelectorAll('[data-of="' + id + '"]').forEach(function (e) {
      e.classList.add("hl");
    });
    if (from) { from.classList.add("active"); }
    target.scrollIntoView({ block: "center", inline: "nearest" });
    if (history.replaceState) { history.replaceState(null, "", "#" + id); }
    return true;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-ev]");
    if (link) {
      if (showEvidence(link.getAttribute("data-ev"), link)) { event.preventDefault(); }
      return;
    }
    var mark = event.target.closest("#source .m");
    if (!mark || window.getSelection().toString()) { return; }
    var id = mark.id || mark.getAttribute("data-of");
    // The value in its project's card first, else a place of the review list.
    var value = document.querySelector('.card a[data-ev="' + id + '"]') ||
      document.querySelector('.left a[data-ev="' + id + '"]');
    if (!value) { return; }
    showEvidence(id, value);
    value.scrollIntoView({ block: "center" });
    value.classList.remove("flash");
    void value.offsetWidth;
    value.classList.add("flash");
  });
  if (location.hash.indexOf("#ev-") === 0) { showEvidence(location.hash.slice(1)); }
})();
