// Agenda: the planning's person and room filters ([data-filter-picker]). Typing a name asks the
// server for at most ten matching members or rooms of the organisation (agenda:filter_search)
// and lists them under the box; choosing one filters the planning by its id at once. The page
// never holds the whole list. Without this script the box is a plain text field: the server
// matches the typed name (the one found, or a short list of links).
(function () {
  "use strict";

  function setUp(picker) {
    var input = picker.querySelector("input[type=text]");
    var list = picker.querySelector("[data-filter-results]");
    var status = picker.querySelector("[role=status]");
    var form = input && input.form;
    if (!input || !list || !form || !window.fetch) { return; }
    var key = input.name;
    var hidden = null;
    var timer = null;
    var asked = "";

    // The chosen id travels in a hidden field; the text box then only shows the name.
    function select(id) {
      if (!hidden) {
        hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = key;
        picker.appendChild(hidden);
      }
      hidden.value = id;
      input.removeAttribute("name");
    }
    function unselect() {
      if (hidden) { hidden.remove(); hidden = null; }
      input.name = key;
    }
    function say(text) {
      if (status.textContent !== text) { status.textContent = text; }
    }
    function show(results, message) {
      list.textContent = "";
      results.forEach(function (result) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn secondary";
        button.textContent = result.name;
        button.addEventListener("click", function () {
          input.value = result.name;
          select(result.id);
          list.hidden = true;
          form.requestSubmit ? form.requestSubmit() : form.submit();
        });
        li.appendChild(button);
        list.appendChild(li);
      });
      list.hidden = results.length === 0;
      say(message || "");
    }
    function search() {
      var text = input.value.trim();
      if (!text) { show([], ""); asked = ""; return; }
      if (text === asked) { return; }
      asked = text;
      fetch(picker.getAttribute("data-url") + "&q=" + encodeURIComponent(text), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) { if (asked === text) { show(data.results || [], data.message || data.detail); } })
        .catch(function () { asked = ""; });
    }
    if (picker.getAttribute("data-selected-id")) { select(picker.getAttribute("data-selected-id")); }
    input.addEventListener("input", function () {
      unselect();
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !list.hidden) { event.preventDefault(); show([], ""); }
      if (event.key === "ArrowDown" && !list.hidden) { event.preventDefault(); list.querySelector("button").focus(); }
    });
    list.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(list.querySelectorAll("button"));
      var at = buttons.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < buttons.length - 1) { event.preventDefault(); buttons[at + 1].focus(); }
      if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? buttons[at - 1] : input).focus(); }
      if (event.key === "Escape") { event.preventDefault(); show([], ""); input.focus(); }
    });
  }

  document.querySelectorAll("[data-filter-picker]").forEach(setUp);
})();
