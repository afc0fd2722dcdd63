// Agenda: the filter box of the people pickers (shift and meeting forms). Typing narrows the list of
// people (accents and case ignored); groups left empty are hidden. Without this script the
// box stays hidden and every person is listed, grouped: the form works the same.
(function () {
  "use strict";

  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function setUp(picker) {
    var box = picker.querySelector("[data-people-filter]");
    var input = box && box.querySelector("input");
    if (!input) { return; }
    var items = Array.prototype.map.call(picker.querySelectorAll(".people-list li"), function (li) {
      return { li: li, name: fold(li.textContent) };
    });
    var groups = picker.querySelectorAll(".people-group");
    var none = picker.querySelector("[data-people-none]");
    function apply() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var match = words.every(function (w) { return item.name.indexOf(w) !== -1; });
        item.li.hidden = !match;
        if (match) { shown += 1; }
      });
      groups.forEach(function (group) { group.hidden = !group.querySelector("li:not([hidden])"); });
      if (none) { none.hidden = shown > 0; }
    }
    input.addEventListener("input", apply);
    // Enter in the filter must not submit the shift form; Escape clears the filter.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
      if (event.key === "Escape" && input.value) { event.preventDefault(); input.value = ""; apply(); }
    });
    // The filter is not a field of the form: its changes must not re-run the live check.
    input.addEventListener("change", function (event) { event.stopPropagation(); });
    box.hidden = false;
    if (input.value) { apply(); }
  }

  document.querySelectorAll("[data-people-picker]").forEach(setUp);
})();
