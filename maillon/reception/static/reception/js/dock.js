// Reception desk: the « Accueil » tab opens its sheet as a dialog (a bottom sheet on a phone).
// Without this script (or without <dialog>), the tab is a link to the same actions as a page.
(function () {
  "use strict";
  var tab = document.querySelector("[data-reception-open]");
  var sheet = document.getElementById("reception-sheet");
  if (!tab || !sheet || typeof sheet.showModal !== "function") { return; }
  tab.addEventListener("click", function (event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) { return; }
    event.preventDefault();
    sheet.showModal();
    tab.setAttribute("aria-expanded", "true");
  });
  sheet.addEventListener("close", function () { tab.setAttribute("aria-expanded", "false"); tab.focus(); });
  // A tap on the backdrop (outside the sheet's box) closes it.
  sheet.addEventListener("click", function (event) {
    if (event.target !== sheet) { return; }
    var box = sheet.getBoundingClientRect();
    var inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) { sheet.close(); }
  });
})();
