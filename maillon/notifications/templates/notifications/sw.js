/* Maillon's service worker (notifications/pwa.py), version {{ version }}.
   Keeps only the static shell and the offline page; never a page nor an API answer (personal
   data): those always come from the network. Shows Web Push notifications (push.py). */
"use strict";
var CACHE = "maillon-shell-{{ version }}";
var SHELL = {{ shell_json|safe }};
var OFFLINE = "{{ offline }}";
var ICON = "{{ icon }}";

self.addEventListener("install", function (event) {
  // The static files usually come from the HTTP cache (the page just loaded them); the offline
  // page without the session cookie, so that it can hold nothing personal.
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(SHELL.map(function (url) { return url === OFFLINE ? new Request(url, {credentials: "omit"}) : url; }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("maillon-shell-") === 0 && name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () {
    return self.registration.navigationPreload ? self.registration.navigationPreload.enable() : null;
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate") {
    // A page: the network only (its preloaded answer when there is one); the offline page if it fails.
    event.respondWith(Promise.resolve(event.preloadResponse).then(function (preloaded) {
      return preloaded || fetch(request);
    }).catch(function () {
      return caches.match(OFFLINE, {cacheName: CACHE}).then(function (page) { return page || Response.error(); });
    }));
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || SHELL.indexOf(url.pathname) === -1) { return; }
  event.respondWith(caches.match(url.pathname, {cacheName: CACHE}).then(function (kept) {
    return kept || fetch(request);
  }));
});

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {title: event.data.text()}; }
  event.waitUntil(self.registration.showNotification(data.title || "Maillon", {
    body: data.body || "",
    tag: data.tag || undefined,
    icon: data.icon || ICON,
    lang: "fr",
    data: {url: data.url || "/"}
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (target.origin !== self.location.origin) { target = new URL("/", self.location.origin); }
  event.waitUntil(self.clients.matchAll({type: "window", includeUncontrolled: true}).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === target.href && "focus" in windows[i]) { return windows[i].focus(); }
    }
    return self.clients.openWindow(target.href);
  }));
});
