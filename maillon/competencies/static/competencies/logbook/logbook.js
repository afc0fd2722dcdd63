// The entry form's competency picker: with JavaScript, a search box whose answers (htmx, server
// rendered) are ticked; without, the multiple <select> it replaces. The select is disabled so that
// only the ticked boxes are sent, and Enter in the search box does not send the whole form.
document.addEventListener("DOMContentLoaded", function () {
  var picker = document.querySelector("[data-competency-picker]");
  var fallback = document.querySelector("[data-competency-fallback]");
  if (!picker || !fallback || !window.htmx) return;
  var select = fallback.querySelector("select");
  if (select) select.disabled = true;
  fallback.hidden = true;
  picker.hidden = false;
  var search = picker.querySelector("input[type=search]");
  if (search) search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); window.htmx.trigger(search, "search"); }
  });
});
