// Notifications on this device (notifications/push.py): turned on by one tap on « Activer sur cet
// appareil », never on page load. Marks this device in the list when it is already on.
(function () {
  "use strict";
  var box = document.querySelector("[data-push]");
  if (!box) { return; }
  var button = box.querySelector("[data-push-enable]");
  var status = box.querySelector("[data-push-status]");
  if (!("serviceWorker" in navigator && "PushManager" in window && "Notification" in window)) {
    box.querySelector("[data-push-unsupported]").hidden = false;
    return;
  }
  var say = function (text) { status.textContent = text; };
  var key = function (text) {  // base64url → the bytes PushManager.subscribe() wants
    var base64 = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); });
  };
  var mark = function (subscription) {
    var found = false;
    box.querySelectorAll("[data-endpoint]").forEach(function (row) {
      var mine = subscription && row.getAttribute("data-endpoint") === subscription.endpoint;
      row.querySelector("[data-this-device]").hidden = !mine;
      found = found || mine;
    });
    return found;
  };
  var ready = function () {
    return navigator.serviceWorker.register("/sw.js").then(function () { return navigator.serviceWorker.ready; });
  };
  button.hidden = false;
  if (Notification.permission === "denied") { say(box.dataset.denied); }
  if (Notification.permission === "granted") {
    navigator.serviceWorker.getRegistration("/").then(function (registration) {
      return registration ? registration.pushManager.getSubscription() : null;
    }).then(function (subscription) {
      if (mark(subscription)) { button.hidden = true; say(box.dataset.active); }
    }).catch(function () {});
  }
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  button.addEventListener("click", function () {
    button.disabled = true;
    say(box.dataset.working);
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { throw new Error("denied"); }
      return ready();
    }).then(function (registration) {
      return registration.pushManager.getSubscription().then(function (existing) {
        return existing || registration.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key(box.dataset.key)});
      });
    }).then(function (subscription) {
      var data = subscription.toJSON();
      return fetch(box.dataset.url, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": token ? token.value : ""},
        body: JSON.stringify({endpoint: data.endpoint, p256dh: data.keys.p256dh, auth: data.keys.auth})
      });
    }).then(function (response) {
      if (!response.ok) { throw new Error("refused"); }
      location.reload();
    }).catch(function (error) {
      button.disabled = false;
      say(error.message === "denied" || Notification.permission === "denied" ? box.dataset.denied : box.dataset.failed);
    });
  });
})();
