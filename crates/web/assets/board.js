// Live ZSM board: re-fetches the cases fragment every 15 seconds and swaps it in place.
// Without JavaScript the board is a normal page with a reload link; nothing here is required.
(function () {
  "use strict";
  var region = document.getElementById("board-cases");
  if (!region || !window.fetch) { return; }
  var url = region.getAttribute("data-fragment");
  function refresh() {
    // Do not move content under a keyboard user's focus.
    if (region.contains(document.activeElement) && document.activeElement !== document.body) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { region.innerHTML = html; } })
      .catch(function () { /* keep the last board; the reload link still works */ });
  }
  window.setInterval(refresh, 15000);
})();
