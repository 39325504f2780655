/*
 * Decision pages: the box of an award group in the pool ticks or clears every
 * row of that group; clearing a row clears its group's box. Without this file
 * the group box still works: the server adds every row of a ticked group.
 */
(function () {
  "use strict";

  function setup() {
    document.querySelectorAll("input[data-check-group]").forEach(function (groupBox) {
      var code = groupBox.getAttribute("data-check-group");
      var form = groupBox.form;
      if (!form) { return; }
      var rows = Array.prototype.filter.call(form.querySelectorAll("input[data-group]"), function (box) {
        return box.getAttribute("data-group") === code;
      });
      groupBox.addEventListener("change", function () {
        rows.forEach(function (box) { box.checked = groupBox.checked; });
      });
      rows.forEach(function (box) {
        box.addEventListener("change", function () {
          if (!box.checked) { groupBox.checked = false; }
        });
      });
    });
  }

  if (document.readyState !== "loading") { setup(); } else { document.addEventListener("DOMContentLoaded", setup); }
})();
