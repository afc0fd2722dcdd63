// Agenda: the people pickers (shift, event and meeting forms).
// - The filter box: typing narrows the list of people (accents and case ignored); groups left
//   empty are hidden; « Nobody matches this name » is said in a live region.
// - Availability (pickers with data-availability-url): each person's availability for the
//   form's date and times (or the picker's fixed data-day/start/end), fetched in one request.
// - Suggested slots (buttons data-use-slot of a refused booking) fill the date and times.
// Without this script the box stays hidden and every person is listed, grouped: the form
// works the same.
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
      return { li: li, name: fold(li.querySelector("span") ? li.querySelector("span").textContent : li.textContent) };
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
      // A live region (role=status) that stays in the page: its text changing is announced.
      if (none) {
        var text = shown > 0 ? "" : none.getAttribute("data-message");
        if (none.textContent !== text) { none.textContent = text; }
      }
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

  function field(form, name) {
    var el = form && form.elements.namedItem(name);
    return el && el.value ? el.value : "";
  }

  function availability(picker) {
    var url = picker.getAttribute("data-availability-url");
    if (!url || !window.fetch) { return; }
    var form = picker.closest("form");
    var fixed = picker.getAttribute("data-day");
    var timer = null;
    var asked = "";
    function show(people) {
      picker.querySelectorAll(".people-list input[type=checkbox]").forEach(function (box) {
        var label = box.closest("label");
        var badge = label.querySelector(".availability");
        var found = people && people[box.value];
        if (!found) { if (badge) { badge.remove(); } return; }
        if (!badge) {
          badge = document.createElement("span");
          label.appendChild(badge);
        }
        badge.className = "availability is-" + found.status;
        badge.textContent = found.label;
      });
    }
    function refresh() {
      var params = new URLSearchParams();
      params.set("day", fixed || field(form, "day"));
      params.set("start", fixed ? picker.getAttribute("data-start") : field(form, "start_time"));
      params.set("end", fixed ? picker.getAttribute("data-end") : field(form, "end_time"));
      if (picker.getAttribute("data-exclude")) { params.set("exclude", picker.getAttribute("data-exclude")); }
      if (!params.get("day") || !params.get("start") || !params.get("end")) { show(null); return; }
      var query = params.toString();
      if (query === asked) { return; }
      asked = query;
      fetch(url + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { people: null }; })
        .then(function (data) { if (asked === query) { show(data.people); } })
        .catch(function () { show(null); });
    }
    if (form && !fixed) {
      form.addEventListener("change", function (event) {
        if (["day", "start_time", "end_time"].indexOf(event.target.name) === -1) { return; }
        clearTimeout(timer);
        timer = setTimeout(refresh, 250);
      });
    }
    refresh();
    picker.refreshAvailability = refresh;
  }

  function useSlot(button) {
    var form = button.closest("form") || document.querySelector("form.box");
    if (!form) { return; }
    [["day", "data-day"], ["start_time", "data-start"], ["end_time", "data-end"]].forEach(function (pair) {
      var el = form.elements.namedItem(pair[0]);
      if (el) {
        el.value = button.getAttribute(pair[1]);
        el.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    var day = form.elements.namedItem("day");
    if (day) { day.focus(); }
  }

  document.querySelectorAll("[data-people-picker]").forEach(function (picker) {
    setUp(picker);
    availability(picker);
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-use-slot]");
    if (button) { event.preventDefault(); useSlot(button); }
  });
})();
