// Maillon: progressive enhancements only; every flow works without this file.
(function () {
  "use strict";
  // Live unread count over WebSocket (falls back silently to the server-rendered count).
  var badge = document.querySelector("[data-unread-count]");
  if (badge && "WebSocket" in window) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var connect = function (delay) {
      // Counted for the organisation of the page (the first segment of the list's address).
      var link = document.querySelector("[data-unread-link]");
      var org = link ? (link.getAttribute("href") || "").split("/")[1] || "" : "";
      var socket = new WebSocket(scheme + location.host + "/ws/notifications/?org=" + encodeURIComponent(org));
      socket.onmessage = function (event) {
        var data = JSON.parse(event.data);
        if (typeof data.unread === "number") {
          badge.textContent = data.unread;
          badge.classList.toggle("is-hidden", data.unread === 0);
        }
      };
      socket.onclose = function () { setTimeout(function () { connect(Math.min(delay * 2, 60000)); }, delay); };
    };
    connect(2000);
  }
  // Close the account menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });
  // Confirmation before destructive actions: <form data-confirm="Sûr ?">
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
