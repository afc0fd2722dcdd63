// Maillon: progressive enhancements only; every flow works without this file.
(function () {
  "use strict";
  var texts = document.body.dataset;
  // Live over WebSocket (notifications/consumers.py): the unread count, and the events of
  // notifications/live.py. Without it the page shows the same on its next load.
  var badge = document.querySelector("[data-unread-count]");
  if (badge && "WebSocket" in window) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    // Counted for the organisation of the page (the first segment of the list's address).
    var link = document.querySelector("[data-unread-link]");
    var org = link ? (link.getAttribute("href") || "").split("/")[1] || "" : "";
    var use = link && link.querySelector("use");
    var sprite = use ? use.getAttribute("href").split("#")[0] : "";
    var region = document.createElement("div");  // in the page before any toast: a toast is announced
    region.className = "messages toasts";
    region.setAttribute("role", "status");
    document.body.appendChild(region);
    // Any event with a title: a toast that opens its url; it stays 10 s once the page is seen (paused
    // while pointed at or focused), an urgent one until closed.
    var toast = function (data) {
      var item = document.createElement("div");
      item.className = "alert live-toast " + (data.urgent ? "alert-error is-urgent" : "alert-info");
      if (data.urgent) { item.setAttribute("role", "alert"); }
      var open = document.createElement(data.url ? "a" : "span");
      if (data.url) { open.href = data.url; }
      var title = document.createElement("strong");
      title.textContent = data.title;
      open.appendChild(title);
      if (data.body) {
        var body = document.createElement("span");
        body.textContent = data.body;
        open.appendChild(body);
      }
      var close = document.createElement("button");
      close.type = "button";
      close.className = "toast-close";
      close.setAttribute("aria-label", texts.closeLabel || "Fermer");
      close.innerHTML = '<svg class="icon" aria-hidden="true"><use href="' + sprite + '#close"></use></svg>';
      var leave = function () { item.classList.add("is-leaving"); setTimeout(function () { item.remove(); }, 300); };
      close.addEventListener("click", leave);
      item.innerHTML = '<svg class="icon" aria-hidden="true"><use href="' + sprite + (data.urgent ? "#alert" : "#bell") + '"></use></svg>';
      item.appendChild(open);
      item.appendChild(close);
      (document.querySelector(".messages.toasts:not(:empty)") || region).appendChild(item);
      if (data.urgent) { return; }
      var timer = null;
      var start = function () {
        if (document.hidden || timer) { return; }
        timer = setTimeout(leave, 10000);
      };
      var keep = function () { clearTimeout(timer); timer = true; };
      item.addEventListener("mouseenter", keep);
      item.addEventListener("focusin", keep);
      document.addEventListener("visibilitychange", start);
      start();
    };
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    var live = function (data) {
      if (data.title) { toast(data); }
      // The page has shown it: the author's list turns « distribué ».
      if (data.ack_url && token && window.fetch) {
        fetch(data.ack_url, { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token.value } }).catch(function () {});
      }
      // A receipt: every cell showing this item's state.
      if (data.label && data.id !== undefined) {
        document.querySelectorAll('[data-live-receipt="' + CSS.escape(String(data.id)) + '"]').forEach(function (cell) {
          cell.textContent = data.label;
          if (data.state) { cell.setAttribute("data-state", data.state); }
        });
      }
      // Other scripts may listen: document.addEventListener("maillon:live", e => e.detail.type …).
      document.dispatchEvent(new CustomEvent("maillon:live", { detail: data }));
    };
    var socket = null, retry = null;
    var connect = function (delay) {
      retry = null;
      socket = new WebSocket(scheme + location.host + "/ws/notifications/?org=" + encodeURIComponent(org));
      socket.onopen = function () { delay = 2000; badge.setAttribute("data-live", ""); };
      socket.onmessage = function (event) {
        var data = JSON.parse(event.data);
        if (typeof data.unread === "number") {
          badge.textContent = data.unread;
          badge.classList.toggle("is-hidden", data.unread === 0);
        }
        if (data.event) { live(data.event); }
      };
      socket.onclose = function () { badge.removeAttribute("data-live"); retry = setTimeout(function () { connect(Math.min(delay * 2, 60000)); }, delay); };
    };
    // A phone waking up: connect again at once rather than at the end of the backoff.
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && retry) { clearTimeout(retry); connect(2000); }
    });
    connect(2000);
  }
  // Close the account menu when clicking elsewhere, or with Escape (focus back on its button).
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.menu[open], details.sheet[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary && menu.contains(document.activeElement)) { summary.focus(); }
    });
  });
  // After a refused submission: the error summary takes focus (autofocus does it in most browsers),
  // and the page title starts with « Erreur : » even where the view named its form otherwise.
  // Put `node` before the first field of `form` when it stands further down (a form whose fields come
  // from another partial and that includes ui/partials/form.html only for its last part).
  var toTop = function (form, node) {
    var first = form.querySelector(".field, fieldset");
    if (first && first !== node && !node.contains(first) && (node.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_PRECEDING)) {
      first.parentNode.insertBefore(node, first);
    }
  };
  var summary = document.querySelector("[data-error-summary]");
  var invalid = document.querySelectorAll("main [aria-invalid='true']");
  if (invalid.length && texts.errorHeading) {
    // Fields drawn one by one (not through ui/partials/form.html) get the same summary, built here.
    if (!summary) {
      summary = document.createElement("div");
      summary.className = "error-summary";
      summary.tabIndex = -1;
      summary.setAttribute("data-error-summary", "");
      summary.setAttribute("data-title-prefix", texts.errorPrefix);
      var heading = document.createElement("h2");
      heading.textContent = texts.errorHeading;
      summary.appendChild(heading);
      summary.appendChild(document.createElement("ul"));
      var owner = invalid[0].closest("form") || invalid[0];
      owner.parentNode.insertBefore(summary, owner);
    }
    var list = summary.querySelector("ul");
    invalid.forEach(function (input) {
      if (!input.id || summary.querySelector("a[href='#" + input.id + "']")) { return; }
      var set = input.closest("fieldset");
      var label = document.querySelector("label[for='" + input.id + "']") || (set && set.querySelector("legend"));
      var message = document.getElementById(input.id + "_error");
      var link = document.createElement("a");
      link.href = "#" + input.id;
      link.textContent = ((label ? label.textContent.replace("*", "").trim() + " : " : "") + (message ? message.textContent.trim() : "")).trim();
      var item = document.createElement("li");
      item.appendChild(link);
      list.appendChild(item);
    });
    // In the order of the page (the form's own errors, without a field, first).
    var target = function (item) { var a = item.querySelector("a"); return a ? document.getElementById(a.getAttribute("href").slice(1)) : null; };
    Array.prototype.slice.call(list.children).sort(function (one, two) {
      var x = target(one), y = target(two);
      if (!x || !y) { return (x ? 1 : 0) - (y ? 1 : 0); }
      return x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    }).forEach(function (item) { list.appendChild(item); });
    var form = summary.closest("form");
    if (form) { toTop(form, summary); }
  }
  // « * champ obligatoire » once, at the top of each form with a required field.
  if (texts.requiredNote) {
    document.querySelectorAll("main form").forEach(function (form) {
      if (!form.querySelector(".required")) { return; }
      var note = form.querySelector(".required-note");
      if (!note) {
        note = document.createElement("p");
        note.className = "required-note";
        note.textContent = texts.requiredNote;
        var first = form.querySelector(".field, fieldset") || form.firstChild;
        first.parentNode.insertBefore(note, first);
      }
      toTop(form, note);
      // The summary comes first of all.
      if (summary && form.contains(summary) && (summary.compareDocumentPosition(note) & Node.DOCUMENT_POSITION_PRECEDING)) {
        note.parentNode.insertBefore(summary, note);
      }
    });
  }
  if (summary) {
    if (document.activeElement !== summary) { summary.focus(); }
    var prefix = summary.getAttribute("data-title-prefix");
    if (prefix && document.title.indexOf(prefix) !== 0) { document.title = prefix + " " + document.title; }
  }
  // Confirmation before destructive actions: <form data-confirm="Sûr ?">
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
// Confirmations as toasts (ui/partials/messages.html, docs/design.md): success and info messages float
// over the page with a close button, and a success fades after 8 s unless pointed at or focused.
// Warnings and errors stay in the page. Without this file every message stays in the page.
(function () {
  "use strict";
  var flash = document.querySelector("[data-toasts]");
  if (!flash) { return; }
  var moving = flash.querySelectorAll(".alert-success, .alert-info");
  if (!moving.length) { return; }
  var toasts = document.createElement("div");
  toasts.className = "messages toasts";
  toasts.setAttribute("role", "status");
  document.body.appendChild(toasts);  // empty first: what is moved in afterwards is announced
  moving.forEach(function (alert) {
    var use = alert.querySelector("use");
    var sprite = use ? use.getAttribute("href").split("#")[0] : "";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", flash.getAttribute("data-close-label") || "Fermer");
    close.innerHTML = '<svg class="icon" aria-hidden="true"><use href="' + sprite + '#close"></use></svg>';
    var timer = null;
    var leave = function () {
      alert.classList.add("is-leaving");
      setTimeout(function () {
        alert.remove();
        if (!toasts.children.length) { toasts.remove(); }
      }, 300);
    };
    close.addEventListener("click", leave);
    alert.appendChild(close);
    toasts.appendChild(alert);
    if (alert.classList.contains("alert-success")) {
      timer = setTimeout(leave, 8000);
      var keep = function () { clearTimeout(timer); };
      alert.addEventListener("mouseenter", keep);
      alert.addEventListener("focusin", keep);
    }
  });
  if (!flash.querySelector(".alert")) { flash.remove(); }
})();
// The service worker (notifications/pwa.py: the offline page, notifications on this device), from
// this browser's second page on, once the page has loaded: the very first visit on a slow phone
// network fetches the page and nothing else (sw.js, its cached shell and icons wait a page).
if ("serviceWorker" in navigator && document.querySelector("link[rel=manifest]")) {
  window.addEventListener("load", function () {
    var seen = true;
    try { seen = localStorage.getItem("maillon.seen") === "1"; if (!seen) localStorage.setItem("maillon.seen", "1"); } catch (e) { seen = true; }
    if (seen || navigator.serviceWorker.controller) navigator.serviceWorker.register("/sw.js").catch(function () {});
  });
}
// A row of tabs wider than the phone (a space's tabs scroll sideways): the current tab in view.
document.querySelectorAll(".space-tabs").forEach(function (tabs) {
  var current = tabs.querySelector("[aria-current=page]");
  if (current && current.offsetLeft + current.offsetWidth > tabs.clientWidth) {
    tabs.scrollLeft = current.offsetLeft - 16;
  }
});
