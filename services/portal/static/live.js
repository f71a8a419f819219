// Live pages: when the customer's account changes, /live says so (server-sent events) and the page
// fetches itself again and swaps its <main>. Without JavaScript every page still works by reload.
(function () {
  "use strict";
  if (!window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }
  var fetching = false;
  var stale = false;
  var connectedBefore = false;

  // A customer choosing a slip or typing into a form keeps their page until they are done.
  function inTheMiddleOfAForm(main) {
    var active = document.activeElement;
    if (active && active.form && main.contains(active)) {
      return true;
    }
    var files = main.querySelectorAll('input[type="file"]');
    for (var i = 0; i < files.length; i++) {
      if (files[i].files && files[i].files.length) {
        return true;
      }
    }
    return false;
  }

  function swap(html) {
    var next = new DOMParser().parseFromString(html, "text/html");
    var fresh = next.querySelector("main");
    var current = document.querySelector("main");
    if (!fresh || !current) {
      return;
    }
    var open = {};
    current.querySelectorAll("details[id]").forEach(function (details) {
      open[details.id] = details.open;
    });
    current.innerHTML = fresh.innerHTML;
    current.querySelectorAll("details[id]").forEach(function (details) {
      if (details.id in open) {
        details.open = open[details.id];
      }
    });
    if (next.title) {
      document.title = next.title;
    }
    document.dispatchEvent(new CustomEvent("portal:updated"));
  }

  function refresh() {
    var main = document.querySelector("main");
    if (fetching || !main || inTheMiddleOfAForm(main)) {
      stale = true;
      return;
    }
    fetching = true;
    stale = false;
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.text();
      })
      .then(swap)
      .catch(function () {
        // Unreachable for now: the next change (or reconnection) tries again.
      })
      .then(function () {
        fetching = false;
        if (stale) {
          refresh(); // it changed again while we were fetching
        }
      });
  }

  document.addEventListener("focusout", function () {
    if (stale && !fetching) {
      refresh();
    }
  });

  var source = new EventSource("/live");
  source.addEventListener("ready", function () {
    // After a reconnection, whatever changed meanwhile: look once.
    if (connectedBefore) {
      refresh();
    }
    connectedBefore = true;
    document.documentElement.setAttribute("data-live", "connected");
  });
  source.addEventListener("error", function () {
    document.documentElement.setAttribute("data-live", "reconnecting");
  });
  source.addEventListener("changed", refresh);
})();
