// Procedures: conditional fields (« show this field when that field has this value »),
// live totals of repeatable groups, and the print button. The server applies the same rules,
// so every page works without this script.
(function () {
  "use strict";

  function valueOf(form, name) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    var values = [];
    inputs.forEach(function (input) {
      if ((input.type === "checkbox" || input.type === "radio") && !input.checked) { return; }
      if (input.value) { values.push(input.value.trim().toLowerCase()); }
    });
    return values;
  }

  function matches(values, expected) {
    expected = (expected || "").trim().toLowerCase();
    var aliases = { oui: "yes", non: "no", "true": "yes", "false": "no" };
    var wanted = aliases[expected] || expected;
    return values.some(function (v) { return v === expected || v === wanted; });
  }

  function refresh(form) {
    form.querySelectorAll("[data-show-if]").forEach(function (item) {
      var shown = matches(valueOf(form, item.getAttribute("data-show-if")), item.getAttribute("data-show-value"));
      item.hidden = !shown;
    });
    form.querySelectorAll("[data-total-for]").forEach(function (output) {
      var key = output.getAttribute("data-total-for");
      var group = output.closest(".proc-group");
      var column = group && group.getAttribute("data-total-column");
      if (!column) { return; }
      var total = 0;
      group.querySelectorAll('input[name^="' + key + '__"][name$="__' + column + '"]').forEach(function (input) {
        var n = parseFloat((input.value || "").replace(/\s/g, "").replace(",", "."));
        if (!isNaN(n)) { total += n; }
      });
      output.textContent = total.toLocaleString("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".proc-form").forEach(function (form) {
      refresh(form);
      form.addEventListener("input", function () { refresh(form); });
      form.addEventListener("change", function () { refresh(form); });
    });
    // The leave count follows the dates live (htmx): the « Update the count » button is for pages without scripts.
    if (window.htmx) {
      document.querySelectorAll(".no-js-only").forEach(function (item) { item.hidden = true; });
    }
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
