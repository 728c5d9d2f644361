// The review page's script, inlined into every report (see reports/pages.py): values linked to
// their words and back, Back returning to where the reader was, the keyboard, the filter, the
// doubts one after the other, and on a narrow screen one pane at a time behind two tabs. The
// page stays read-only: the review server adds assets/review.js, which acts on the values.
(function () {
  "use strict";
  var root = document.documentElement;
  var layout = document.querySelector(".layout");
  var left = document.getElementById("pane-values");
  var right = document.getElementById("pane-source");
  var statusLine = document.getElementById("status");
  var filter = document.getElementById("filter");
  var onlyDoubts = document.getElementById("only-doubts");
  var filterCount = document.getElementById("filter-count");
  var tabs = { values: document.getElementById("tab-values"), source: document.getElementById("tab-source") };
  var narrow = window.matchMedia("(max-width: 900px)");
  var doubts = Array.prototype.slice.call(document.querySelectorAll(".doubt:not(.d-resolved)"));
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card"));
  // What a place remembers the focus of, by its position in this list (which the pending
  // corrections the review server's script lists at the top must not shift).
  var FOCUSABLE = "[data-ev], .nolink, #source .m[id], .doubt, .plink:not(.pending .plink)";
  var shown = null; // the id of the evidence highlighted
  var stepped = -1; // the doubt j/k last went to

  function say(text, bad) {
    statusLine.textContent = text;
    statusLine.classList.toggle("bad", !!bad);
  }

  // --- the panes: side by side, or one at a time behind the tabs ---------------------------
  function tabbed() { return root.classList.contains("tabbed"); }
  function paneShown() { return tabbed() && layout.classList.contains("show-source") ? "source" : "values"; }
  function isHidden(pane) { return tabbed() && (pane === right) !== (paneShown() === "source"); }
  // A hidden pane does not scroll: its place is kept beside it until it is shown again.
  function scrollOf(pane) { return isHidden(pane) ? Number(pane.dataset.scroll || 0) : pane.scrollTop; }
  function setScroll(pane, top) {
    if (isHidden(pane)) { pane.dataset.scroll = String(top); } else { pane.scrollTop = top; }
  }
  function markTabs() {
    var current = paneShown();
    Object.keys(tabs).forEach(function (name) {
      tabs[name].setAttribute("aria-selected", String(name === current));
      tabs[name].tabIndex = name === current ? 0 : -1;
    });
  }
  function showPane(name) {
    if (!tabbed() || paneShown() === name) { return; }
    var hiding = name === "source" ? left : right;
    var showing = name === "source" ? right : left;
    hiding.dataset.scroll = String(hiding.scrollTop);
    layout.classList.toggle("show-source", name === "source");
    showing.scrollTop = Number(showing.dataset.scroll || 0);
    markTabs();
  }
  function fitScreen() {
    if (narrow.matches === tabbed()) { return; }
    var top = { values: scrollOf(left), source: scrollOf(right) };
    root.classList.toggle("tabbed", narrow.matches);
    if (!narrow.matches) { layout.classList.remove("show-source"); }
    setScroll(left, top.values);
    setScroll(right, top.source);
    markTabs();
  }
  Object.keys(tabs).forEach(function (name) {
    tabs[name].addEventListener("click", function () { showPane(name); remember(); });
  });

  // --- places: Back returns to where the reader was, never off the page --------------------
  function focusIndex(element) {
    return element ? Array.prototype.indexOf.call(document.querySelectorAll(FOCUSABLE), element) : -1;
  }
  function place(focus) {
    return {
      brochureReview: 1, left: scrollOf(left), right: scrollOf(right), pane: paneShown(),
      ev: shown, focus: focusIndex(focus || document.activeElement)
    };
  }
  function remember(focus) { history.replaceState(place(focus), "", location.href); }
  function restore(state) {
    showPane(state.pane); // first: a hidden pane does not scroll
    highlight(state.ev);
    var focus = state.focus >= 0 ? document.querySelectorAll(FOCUSABLE)[state.focus] : null;
    if (focus) { focus.focus({ preventScroll: true }); }
    setScroll(left, state.left);
    setScroll(right, state.right);
  }
  // Remember the place, move, and make the new place an entry of the history.
  function go(move, from, hash) {
    remember(from);
    move();
    history.pushState(place(), "", hash);
  }
  window.addEventListener("popstate", function (event) {
    if (event.state && event.state.brochureReview) { restore(event.state); }
    else if (location.hash.indexOf("#ev-") === 0) { showEvidence(location.hash.slice(1)); }
  });

  // --- values and their words ---------------------------------------------------------------
  function highlight(id) {
    document.querySelectorAll(".hl").forEach(function (e) { e.classList.remove("hl"); });
    document.querySelectorAll(".v.active").forEach(function (e) { e.classList.remove("active"); });
    shown = null;
    var target = id ? document.getElementById(id) : null;
    if (!target) { return null; }
    target.classList.add("hl");
    document.querySelectorAll('[data-of="' + id + '"]').forEach(function (e) { e.classList.add("hl"); });
    shown = id;
    return target;
  }
  function showEvidence(id, from) {
    var target = highlight(id);
    if (!target) { return false; }
    if (from) { from.classList.add("active"); }
    showPane("source");
    target.scrollIntoView({ block: "center", inline: "nearest" });
    // On a narrow screen the value is hidden now: the keyboard goes on from its words.
    if (tabbed()) { target.focus({ preventScroll: true }); }
    return true;
  }
  function valueOfMark(mark, acting) {
    var id = mark.id || mark.getAttribute("data-of");
    var within = acting ? "[data-act]" : "";
    // The value in its project's card first, else a place of the review list.
    return document.querySelector('.card [data-ev="' + id + '"]' + within) ||
      (acting ? null : document.querySelector('.left [data-ev="' + id + '"]'));
  }
  function flash(value) {
    value.classList.remove("flash");
    void value.offsetWidth;
    value.classList.add("flash");
  }
  function findValue(mark) {
    var value = valueOfMark(mark, false);
    if (!value) { return false; }
    var id = mark.id || mark.getAttribute("data-of");
    go(function () {
      highlight(id);
      value.classList.add("active");
      showPane("values");
      value.scrollIntoView({ block: "center" });
      flash(value);
      value.focus({ preventScroll: true });
    }, mark, "#" + id);
    return true;
  }
  function openCard(anchor, from) {
    var card = document.getElementById(anchor);
    if (!card) { return false; }
    go(function () {
      document.querySelectorAll(".card.current").forEach(function (e) { e.classList.remove("current"); });
      card.classList.add("current");
      showPane("values");
      card.scrollIntoView({ block: "start" });
      card.tabIndex = -1;
      card.focus({ preventScroll: true });
    }, from, "#" + anchor);
    return true;
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest(".acts, dialog")) { return; } // the review server's controls
    var link = event.target.closest("[data-ev]");
    if (link) {
      var id = link.getAttribute("data-ev");
      if (document.getElementById(id)) {
        event.preventDefault();
        go(function () { showEvidence(id, link); }, link, "#" + id);
      }
      return;
    }
    var cardLink = event.target.closest('a[href^="#p-"]');
    if (cardLink) {
      if (openCard(cardLink.getAttribute("href").slice(1), cardLink)) { event.preventDefault(); }
      return;
    }
    var mark = event.target.closest("#source .m");
    if (mark && !window.getSelection().toString()) { findValue(mark); }
  });

  // --- the doubts, one after the other --------------------------------------------------------
  function valueOfDoubt(doubt) {
    var card = document.getElementById("p-" + (doubt.getAttribute("data-project") || ""));
    if (!card) { return null; }
    var links = doubt.querySelectorAll("[data-ev]");
    for (var i = 0; i < links.length; i += 1) {
      var value = card.querySelector('[data-act][data-ev="' + links[i].getAttribute("data-ev") + '"]');
      if (value) { return value; }
    }
    var field = doubt.getAttribute("data-field");
    if (field === "title" || field === "acronym" || field === "role.category") {
      return card.querySelector('[data-act="' + field + '"]');
    }
    return null;
  }
  function step(direction) {
    if (!doubts.length) { say("Nothing to review: no open doubt."); return; }
    var focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest(".doubt") : null;
    var from = focused ? doubts.indexOf(focused) : stepped;
    stepped = from < 0 ? (direction > 0 ? 0 : doubts.length - 1) : (from + direction + doubts.length) % doubts.length;
    var doubt = doubts[stepped];
    document.querySelectorAll(".doubt.current").forEach(function (e) { e.classList.remove("current"); });
    doubt.classList.add("current");
    var panel = doubt.closest("details");
    if (panel && !panel.open) { panel.open = true; }
    showPane("values");
    doubt.tabIndex = -1;
    doubt.focus({ preventScroll: true });
    doubt.scrollIntoView({ block: "nearest" });
    var link = doubt.querySelector("[data-ev]");
    var target = link ? highlight(link.getAttribute("data-ev")) : null;
    var value = valueOfDoubt(doubt);
    if (value) { value.classList.add("active"); }
    if (target && !tabbed()) { target.scrollIntoView({ block: "center", inline: "nearest" }); }
    var code = doubt.querySelector(".code");
    say("Doubt " + (stepped + 1) + " of " + doubts.length + ": " + (code ? code.textContent : ""));
  }

  // --- acting: the review server's script answers; the static page says how to act ----------
  function focusedValue() {
    var element = document.activeElement;
    if (!element || !element.closest) { return { value: null, doubt: null }; }
    var doubt = element.closest(".doubt");
    if (doubt) { return { value: valueOfDoubt(doubt), doubt: doubt }; }
    var mark = element.closest("#source .m");
    if (mark) { return { value: valueOfMark(mark, true), doubt: null }; }
    return { value: element.closest(".card [data-act]"), doubt: null };
  }
  function act(operation) {
    var target = focusedValue();
    if (!target.value && !target.doubt) {
      say("Put the focus on a value first: Tab to it, or j/k to a doubt.");
      return;
    }
    var event = new CustomEvent("review:act", {
      cancelable: true, detail: { op: operation, value: target.value, doubt: target.doubt }
    });
    if (document.dispatchEvent(event)) {
      say("This page is read-only. To " + operation + " values from the page, run: brochures review " +
        layout.getAttribute("data-brochure") + " --serve");
    }
  }

  // --- the filter ------------------------------------------------------------------------------
  function plain(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ");
  }
  function applyFilter() {
    var words = plain(filter.value).trim().split(" ").filter(Boolean);
    var matching = 0;
    cards.forEach(function (card) {
      var text = plain(card.textContent);
      var match = words.every(function (word) { return text.indexOf(word) >= 0; }) &&
        (!onlyDoubts.checked || card.hasAttribute("data-doubtful"));
      card.hidden = !match;
      if (match) { matching += 1; }
    });
    document.querySelectorAll("h2.group").forEach(function (heading) {
      var any = false, cardsUnder = false;
      for (var next = heading.nextElementSibling; next && !next.matches("h2.group"); next = next.nextElementSibling) {
        if (next.matches(".card")) { cardsUnder = true; any = any || !next.hidden; }
      }
      heading.hidden = cardsUnder && !any;
    });
    filterCount.textContent = words.length || onlyDoubts.checked
      ? matching + " of " + cards.length + " projects" : "";
  }
  filter.addEventListener("input", applyFilter);
  onlyDoubts.addEventListener("change", applyFilter);

  // --- the keyboard ----------------------------------------------------------------------------
  var KEYS = { j: "next", n: "next", k: "previous", p: "previous", "/": "filter", a: "accept", r: "reject", e: "edit" };
  // Enter or Space on what is not a link or a button: a mark shows its value, a doubt its words.
  function activate(element, key) {
    if (element.matches("#source .m")) { return findValue(element); }
    if (element.matches(".doubt")) {
      var link = element.querySelector("[data-ev]");
      if (link) { link.click(); }
      return true;
    }
    if (key === " " && element.matches("a[data-ev], a.plink")) { element.click(); return true; }
    return false;
  }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    var typing = "textarea, select, [contenteditable], dialog, " +
      "input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit])";
    if (target.closest && target.closest(typing)) {
      if (event.key === "Escape" && target === filter) {
        filter.value = "";
        applyFilter();
        filter.blur();
      }
      return;
    }
    if ((event.key === "Enter" || event.key === " ") && target.matches && activate(target, event.key)) {
      event.preventDefault();
      return;
    }
    if (target.closest && target.closest('[role="tablist"]') && (event.key === "ArrowLeft" || event.key === "ArrowRight")) {
      var other = paneShown() === "source" ? "values" : "source";
      showPane(other);
      tabs[other].focus();
      event.preventDefault();
      return;
    }
    var operation = KEYS[event.key];
    if (!operation) { return; }
    event.preventDefault();
    if (operation === "next" || operation === "previous") { step(operation === "next" ? 1 : -1); }
    else if (operation === "filter") { showPane("values"); filter.focus(); filter.select(); }
    else { act(operation); }
  });

  // What the review server's script uses.
  window.brochureReport = {
    say: say,
    valueOfDoubt: valueOfDoubt,
    doubts: doubts,
    showPane: showPane,
    refilter: applyFilter
  };

  if ("scrollRestoration" in history) { history.scrollRestoration = "manual"; }
  fitScreen();
  narrow.addEventListener("change", fitScreen);
  if (history.state && history.state.brochureReview) { restore(history.state); }
  else if (location.hash.indexOf("#ev-") === 0) { showEvidence(location.hash.slice(1)); }
})();
