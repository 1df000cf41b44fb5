// "Print" buttons (`data-print`): the browser's print dialog. A script file rather than an
// inline handler, so the pages' Content-Security-Policy can forbid inline script altogether.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
