/*
 * Small progressive enhancements. Every page works without this file:
 * - forms with data-confirm ask before submitting (the server asks again when
 *   JavaScript is off, on its own confirmation page);
 * - the nomination form shows only the fields of the chosen subject
 *   (individual or collective) and only the awards meant for it;
 * - fields marked data-show-if="field=value" show only when that field has that value;
 * - a Django formset marked data-formset="prefix" gets a button that adds a row
 *   from its <template data-formset-template="prefix"> (the page already has
 *   blank rows for use without JavaScript);
 * - councils: the ballot's "Đồng ý tất cả" button (data-agree-all, hidden until
 *   this file shows it) ticks "Đồng ý" on every item; the voting progress panel
 *   (data-progress-url) refreshes its counts every 5 seconds from that JSON view.
 * No inline scripts or handlers: a strict Content-Security-Policy can apply.
 */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function setupConfirm() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) { return; }
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
        return;
      }
      if (!form.querySelector('input[name="confirm"]')) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "confirm";
        input.value = "1";
        form.appendChild(input);
      }
    });
  }

  function setupSubjectToggle() {
    var radios = document.querySelectorAll("[data-subject-toggle] input[type=radio], input[type=radio][data-subject-toggle]");
    if (!radios.length) { return; }
    var form = radios[0].form;
    var groups = form.querySelectorAll("[data-subject-fields]");
    var award = form.querySelector("[data-award-select]");

    function current() {
      for (var i = 0; i < radios.length; i++) { if (radios[i].checked) { return radios[i].value; } }
      return "individual";
    }

    function apply() {
      var subject = current();
      groups.forEach(function (group) {
        var show = group.getAttribute("data-subject-fields") === subject;
        group.hidden = !show;
        group.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !show; });
      });
      if (award) {
        award.querySelectorAll("option[data-subject]").forEach(function (option) {
          var fits = option.getAttribute("data-subject") === subject;
          option.hidden = !fits;
          option.disabled = !fits;
          if (!fits && option.selected) { award.value = ""; }
        });
        award.querySelectorAll("optgroup").forEach(function (group) {
          group.hidden = !group.querySelector("option:not([disabled])");
        });
      }
    }

    radios.forEach(function (radio) { radio.addEventListener("change", apply); });
    apply();
  }

  function setupShowIf() {
    document.querySelectorAll("[data-show-if]").forEach(function (el) {
      var rule = el.getAttribute("data-show-if").split("=");
      var control = el.form && el.form.elements[rule[0]];
      if (!control) { return; }
      var wrapper = el.closest(".field") || el;
      function apply() {
        var show = control.value === rule[1] || (el.value && el.value !== "");
        wrapper.hidden = !show;
      }
      control.addEventListener("change", apply);
      apply();
    });
  }

  function setupFormsets() {
    document.querySelectorAll("[data-formset-add]").forEach(function (button) {
      var prefix = button.getAttribute("data-formset-add");
      var form = button.form || button.closest("form");
      if (!form) { return; }
      var rows = form.querySelector('[data-formset="' + prefix + '"]');
      var template = form.querySelector('template[data-formset-template="' + prefix + '"]');
      var total = form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
      var max = form.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]');
      if (!rows || !template || !total) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var index = parseInt(total.value, 10) || 0;
        if (max && index >= (parseInt(max.value, 10) || Infinity)) { button.disabled = true; return; }
        var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__num__/g, String(index + 1));
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var row = holder.firstElementChild;
        rows.appendChild(row);
        total.value = String(index + 1);
        var first = row.querySelector("select, input, textarea");
        if (first) { first.focus(); }
      });
    });
  }

  // Councils: the ballot's "agree with everything" helper.
  function setupAgreeAll() {
    document.querySelectorAll("[data-agree-all]").forEach(function (button) {
      var form = button.form || button.closest("form");
      if (!form) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        form.querySelectorAll('input[type=radio][value="agree"]').forEach(function (radio) {
          radio.checked = true;
          radio.dispatchEvent(new Event("change", { bubbles: true }));
        });
      });
    });
  }

  // Councils: how many have voted (never how), refreshed while the page is open.
  function setupProgress() {
    document.querySelectorAll("[data-progress-url]").forEach(function (panel) {
      var url = panel.getAttribute("data-progress-url");
      var timer = null;
      function show(data) {
        ["voted", "expected", "written"].forEach(function (key) {
          var el = panel.querySelector('[data-progress="' + key + '"]');
          if (el && typeof data[key] === "number") { el.textContent = String(data[key]); }
        });
      }
      function poll() {
        if (document.hidden) { return; }
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
          .then(function (response) {
            if (!response.ok) { throw new Error(String(response.status)); }
            return response.json();
          })
          .then(show)
          .catch(function () { window.clearInterval(timer); });
      }
      timer = window.setInterval(poll, 5000);
      document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
    });
  }

  onReady(function () {
    setupConfirm();
    setupSubjectToggle();
    setupShowIf();
    setupFormsets();
    setupAgreeAll();
    setupProgress();
  });
})();
