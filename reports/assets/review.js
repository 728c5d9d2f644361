// The review server's controls, added only to the page the server serves (see
// flows/review_server.py and reports.pages.enable_review_actions): accept, reject or edit a
// value. Accepting records nothing; a reject or an edit is a correction the server checks and
// writes to the brochure's corrections file, shown at once as pending: it applies at the next run.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("review-server").textContent);
  var report = window.brochureReport;
  var leftBody = document.querySelector(".left-body");
  // What each field's reject and edit do (null: not offered).
  var FIELDS = {
    title: { name: "title", reject: "Not a project", edit: "set_title" },
    acronym: { name: "acronym", reject: "Remove the acronym", edit: "set_acronym" },
    "role.category": { name: "role category", reject: null, edit: "set_role_category" },
    partners: { name: "partner", reject: "Remove the partner", edit: null },
    work_packages: { name: "work package", reject: "Remove the work package", edit: null }
  };
  var ACCEPTED_KEY = "brochures-accepted:" + config.brochure;
  var accepted = readAccepted();

  document.documentElement.classList.add("can-act");
  // The server serves this brochure's page only, not the index of the output folder.
  var back = document.querySelector(".topbar .back");
  if (back) { back.hidden = true; }

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) { made.className = className; }
    if (text !== undefined) { made.textContent = text; }
    return made;
  }
  function projectOf(value) { return value.closest(".card").id.slice(2); }
  function fieldOf(value) { return value.getAttribute("data-act"); }
  function keyOf(value) { return projectOf(value) + "|" + fieldOf(value) + "|" + value.getAttribute("data-value"); }
  function describe(value) {
    return FIELDS[fieldOf(value)].name + " '" + value.getAttribute("data-value") + "' of " + projectOf(value);
  }

  // --- the controls beside every value a reviewer can act on ----------------------------------
  // Out of the Tab order: the keyboard acts with a, r and e on the value in focus.
  function button(className, label, title, text) {
    var made = element("button", className, text);
    made.type = "button";
    made.tabIndex = -1;
    made.setAttribute("aria-label", label);
    made.title = title;
    return made;
  }
  document.querySelectorAll(".card [data-act]").forEach(function (value) {
    var field = FIELDS[fieldOf(value)];
    if (!field) { return; }
    var group = element("span", "acts");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Review the " + describe(value));
    group.appendChild(button("act-accept", "Accept", "accept: looks right (a)", "\u2713"));
    if (field.reject) { group.appendChild(button("act-reject", field.reject, field.reject.toLowerCase() + " (r)", "\u2715")); }
    if (field.edit) { group.appendChild(button("act-edit", "Edit", "edit the " + field.name + " (e)", "\u270e")); }
    value.insertAdjacentElement("afterend", group);
    if (accepted.indexOf(keyOf(value)) >= 0) { markAccepted(value, true); }
  });
  document.addEventListener("click", function (event) {
    var pressed = event.target.closest(".acts button");
    if (!pressed) { return; }
    var value = pressed.parentElement.previousElementSibling;
    var operation = pressed.classList.contains("act-accept") ? "accept" : pressed.classList.contains("act-reject") ? "reject" : "edit";
    perform(operation, value, null);
  });
  // --- a whole project checked, a warning acknowledged: corrections that last ----------------
  function lasting(correction, done, control) {
    send(correction).then(function (answer) {
      if (!answer.ok) { report.say(answer.body.error || "The correction was refused.", true); return; }
      control.disabled = true;
      control.textContent = done;
      report.say(done + ": written to the corrections file; it applies at the next run.");
    });
  }
  document.querySelectorAll(".card > header").forEach(function (header) {
    var project = header.closest(".card").id.slice(2);
    var checked = element("button", "act-checked", "Mark checked");
    checked.type = "button";
    checked.title = "the whole project was checked: flag it when its values change later";
    checked.addEventListener("click", function () {
      lasting({ project: project, checked: "latest" }, "Checked", checked);
    });
    header.appendChild(checked);
  });
  document.querySelectorAll(".card .warn-chip[data-warning]").forEach(function (chip) {
    var project = chip.closest(".card").id.slice(2);
    var acknowledge = element("button", "act-acknowledge", "Acknowledge");
    acknowledge.type = "button";
    acknowledge.title = "accept this warning with a note: it no longer counts as a doubt";
    acknowledge.addEventListener("click", function () {
      var note = window.prompt("Why is the '" + chip.getAttribute("data-warning").replace(/_/g, " ") + "' warning acceptable?");
      if (note === null) { return; }
      var correction = { project: project, acknowledge: chip.getAttribute("data-warning") };
      if (note.trim()) { correction.note = note.trim(); }
      lasting(correction, "Acknowledged", acknowledge);
    });
    chip.insertAdjacentElement("afterend", acknowledge);
  });

  document.addEventListener("review:act", function (event) {
    event.preventDefault();
    perform(event.detail.op, event.detail.value, event.detail.doubt);
  });

  // --- accept: nothing is written, the page remembers it for this browser tab ----------------
  function readAccepted() {
    try { return JSON.parse(sessionStorage.getItem(ACCEPTED_KEY) || "[]"); } catch (error) { return []; }
  }
  function saveAccepted() {
    try { sessionStorage.setItem(ACCEPTED_KEY, JSON.stringify(accepted)); } catch (error) { /* private mode */ }
  }
  function markAccepted(value, on) {
    value.classList.toggle("accepted", on);
    var accept = value.nextElementSibling && value.nextElementSibling.querySelector(".act-accept");
    if (accept) { accept.setAttribute("aria-pressed", String(on)); }
    markDoubts(value, on);
  }
  function markDoubts(value, on) {
    report.doubts.forEach(function (doubt) {
      if (report.valueOfDoubt(doubt) === value) { doubt.classList.toggle("handled", on); }
    });
  }
  function accept(value, doubt) {
    if (!value) {
      doubt.classList.toggle("handled");
      report.say(doubt.classList.contains("handled") ? "Marked as handled (nothing is written)." : "Marked as open again.");
      return;
    }
    var key = keyOf(value);
    var on = accepted.indexOf(key) < 0;
    accepted = on ? accepted.concat([key]) : accepted.filter(function (k) { return k !== key; });
    saveAccepted();
    markAccepted(value, on);
    report.say((on ? "Accepted the " : "No longer accepted: the ") + describe(value) + " (nothing is written).");
  }

  // --- reject and edit: a correction, checked and written by the server ---------------------
  function perform(operation, value, doubt) {
    if (operation === "accept") { accept(value, doubt); return; }
    if (!value) { report.say("This doubt has no value to " + operation + ": open its card and act on the value there.", true); return; }
    var field = FIELDS[fieldOf(value)];
    if (value.hasAttribute("data-pending")) { report.say("The " + describe(value) + " already has a pending correction.", true); return; }
    if (operation === "reject" && !field.reject) { report.say("A " + field.name + " cannot be rejected: edit it (e) instead.", true); return; }
    if (operation === "edit" && !field.edit) {
      report.say("A " + field.name + " cannot be edited: reject it (r), then add the right one with 'brochures correct'.", true);
      return;
    }
    ask(operation, value, doubt);
  }
  function correctionFor(operation, value, input, note) {
    var field = fieldOf(value);
    var current = value.getAttribute("data-value");
    var correction = { project: projectOf(value) };
    if (operation === "edit") {
      correction[FIELDS[field].edit] = input;
      correction.was = current;
    } else if (field === "title") {
      correction.not_a_project = true;
    } else if (field === "acronym") {
      correction.remove_acronym = true;
      correction.was = current;
    } else if (field === "partners") {
      correction.remove_partner = current;
    } else if (field === "work_packages") {
      var number = value.getAttribute("data-wp");
      correction.remove_work_package = number !== null ? Number(number) : { title: current };
    }
    if (note) { correction.note = note; }
    return correction;
  }
  function send(correction) {
    return fetch("/corrections", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Review-Token": config.token },
      body: JSON.stringify(correction),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      return response.json().then(function (body) {
        return { ok: response.ok, body: body };
      }, function () {
        return { ok: false, body: { error: "the review server answered " + response.status } };
      });
    }, function () {
      return { ok: false, body: { error: "the review server does not answer: is 'brochures review --serve' still running?" } };
    });
  }

  // --- the dialog of a reject or an edit ------------------------------------------------------
  var dialog = element("dialog", "act");
  dialog.setAttribute("aria-labelledby", "act-heading");
  var form = element("form");
  form.method = "dialog";
  var heading = element("h2");
  heading.id = "act-heading";
  var what = element("p", "act-what");
  var valueLabel = element("label", "act-field");
  var valueName = element("span");
  var textInput = element("input");
  textInput.name = "value";
  textInput.autocomplete = "off";
  var categoryInput = element("select");
  categoryInput.name = "category";
  config.categories.forEach(function (category) {
    var option = element("option", null, category.replace(/_/g, " "));
    option.value = category;
    categoryInput.appendChild(option);
  });
  valueLabel.appendChild(valueName);
  valueLabel.appendChild(textInput);
  valueLabel.appendChild(categoryInput);
  var noteLabel = element("label", null, "Note for the next reviewer (optional)");
  var noteInput = element("input");
  noteInput.name = "note";
  noteInput.autocomplete = "off";
  noteLabel.appendChild(noteInput);
  var error = element("p", "act-error");
  error.setAttribute("role", "alert");
  var buttons = element("div", "act-buttons");
  var cancel = element("button", "act-cancel", "Cancel");
  cancel.type = "button";
  var save = element("button", "primary act-save", "Save");
  save.type = "submit";
  buttons.appendChild(cancel);
  buttons.appendChild(save);
  var foot = element("p", "muted", "Written to " + config.corrections_file + "; it applies at the next run.");
  [heading, what, valueLabel, noteLabel, error, buttons, foot].forEach(function (part) { form.appendChild(part); });
  dialog.appendChild(form);
  document.body.appendChild(dialog);
  var asking = null; // {operation, value, doubt, returnTo}

  function ask(operation, value, doubt) {
    var field = FIELDS[fieldOf(value)];
    asking = { operation: operation, value: value, doubt: doubt, returnTo: document.activeElement };
    var current = value.getAttribute("data-value");
    heading.textContent = operation === "edit" ? "Edit the " + field.name : field.reject + "?";
    what.textContent = (operation === "edit" ? "Now: " : "") + "'" + current + "' (" + projectOf(value) + ")";
    valueLabel.hidden = operation !== "edit";
    var category = fieldOf(value) === "role.category";
    valueName.textContent = "New " + field.name;
    textInput.hidden = category;
    categoryInput.hidden = !category;
    textInput.value = current;
    categoryInput.value = current;
    noteInput.value = "";
    error.textContent = "";
    save.textContent = operation === "edit" ? "Save" : field.reject;
    save.className = operation === "edit" ? "primary act-save" : "danger act-save";
    dialog.showModal();
    (operation !== "edit" ? save : category ? categoryInput : textInput).focus();
    if (operation === "edit" && !category) { textInput.select(); }
  }
  cancel.addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("close", function () {
    if (asking && asking.returnTo && asking.returnTo.focus) { asking.returnTo.focus({ preventScroll: true }); }
    asking = null;
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!asking || save.disabled) { return; }
    var current = asking;
    var input = fieldOf(current.value) === "role.category" ? categoryInput.value : textInput.value.trim();
    if (current.operation === "edit" && !input) { error.textContent = "Give the new value."; return; }
    var correction = correctionFor(current.operation, current.value, input, noteInput.value.trim());
    save.disabled = true;
    send(correction).then(function (answer) {
      save.disabled = false;
      if (!answer.ok) { error.textContent = answer.body.error || "refused"; return; }
      dialog.close();
      showPending(answer.body.correction);
      if (current.doubt) { current.doubt.classList.add("handled"); }
      report.say("Written to " + answer.body.file + ": " + answer.body.correction.reason + ". It applies at the next run.");
    });
  });

  // --- what is pending: written, not yet applied by a run -------------------------------------
  var panel = element("details", "panel pending");
  panel.open = true;
  panel.hidden = true;
  var summary = element("summary", null, "Pending corrections ");
  var pendingCount = element("span", "n", "0");
  summary.appendChild(pendingCount);
  var pendingNote = element("p", "muted", "Written to " + config.corrections_file +
    ". They apply at the next run (brochures run); this page shows them now.");
  var pendingList = element("ol", "corrections");
  panel.appendChild(summary);
  panel.appendChild(pendingNote);
  panel.appendChild(pendingList);
  leftBody.insertBefore(panel, leftBody.firstChild);

  function same(a, b) { return String(a).trim().toLowerCase() === String(b).trim().toLowerCase(); }
  function valueOf(entry) {
    var card = document.getElementById("p-" + entry.project);
    if (!card) { return null; }
    var correction = entry.correction;
    var values = function (field) { return Array.prototype.slice.call(card.querySelectorAll('[data-act="' + field + '"]')); };
    switch (entry.action) {
      case "remove_partner":
        return values("partners").filter(function (v) { return same(v.getAttribute("data-value"), correction.remove_partner); })[0] || null;
      case "remove_work_package":
        var reference = correction.remove_work_package;
        return values("work_packages").filter(function (v) {
          return reference.number !== undefined && reference.number !== null
            ? v.getAttribute("data-wp") === String(reference.number)
            : same(v.getAttribute("data-value"), reference.title);
        })[0] || null;
      case "remove_acronym": case "set_acronym": return values("acronym")[0] || null;
      case "not_a_project": case "set_title": return values("title")[0] || null;
      case "set_role_category": return values("role.category")[0] || null;
      default: return null;
    }
  }
  function showPending(entry) {
    var value = valueOf(entry);
    if (value) {
      value.setAttribute("data-pending", entry.id);
      value.classList.add("pending-old");
      var after = value.nextElementSibling && value.nextElementSibling.matches(".acts") ? value.nextElementSibling : value;
      after.querySelectorAll(".act-reject, .act-edit").forEach(function (b) { b.disabled = true; });
      var badge = element("span", "badge b-pending", "pending");
      badge.title = entry.reason + " (applies at the next run; " + entry.id + ")";
      if (entry.action.indexOf("set_") === 0) {
        var now = element("span", "pending-new", String(entry.target).replace(/_/g, " "));
        after.insertAdjacentElement("afterend", now);
        now.insertAdjacentElement("afterend", badge);
      } else {
        after.insertAdjacentElement("afterend", badge);
      }
      if (entry.action === "not_a_project") { value.closest(".card").classList.add("not-a-project"); }
      markDoubts(value, true);
    }
    var item = element("li", "corr");
    item.setAttribute("data-correction", entry.id);
    item.appendChild(element("span", "badge b-pending", "pending"));
    item.appendChild(element("span", "code", entry.action.replace(/_/g, " ")));
    item.appendChild(document.createTextNode(" "));
    var project = element("a", "plink", entry.project);
    project.href = "#p-" + entry.project;
    item.appendChild(project);
    item.appendChild(element("div", "msg", entry.reason));
    item.appendChild(element("div", "where", entry.id));
    pendingList.appendChild(item);
    pendingCount.textContent = String(pendingList.children.length);
    panel.hidden = false;
  }

  // The corrections written since the page was made (by this server or by hand) are pending.
  var inPage = {};
  document.querySelectorAll(".corr[data-correction]").forEach(function (item) {
    inPage[item.getAttribute("data-correction")] = true;
  });
  fetch("/corrections", { headers: { "X-Review-Token": config.token }, cache: "no-store" })
    .then(function (response) { return response.ok ? response.json() : { corrections: [] }; })
    .then(function (body) {
      body.corrections.forEach(function (entry) { if (!inPage[entry.id]) { showPending(entry); } });
    }, function () { report.say("The review server does not answer: the page is read-only until it runs again.", true); });
})();
