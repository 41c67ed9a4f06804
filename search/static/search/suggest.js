/* The header search box as a combobox (WAI-ARIA 1.2): htmx fills the listbox with suggestions
   as the visitor types; this file adds the keyboard (arrows, Enter, Escape), the pointer and
   the announcements. No inline script: the Content Security Policy forbids it. */
(function () {
  "use strict";

  function setup(input) {
    var listbox = document.getElementById(input.getAttribute("aria-controls"));
    var status = document.getElementById(input.dataset.statusId);
    if (!listbox) return;
    var active = -1;

    function options() {
      return Array.prototype.slice.call(listbox.querySelectorAll('[role="option"]'));
    }

    function close() {
      listbox.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open(option) {
      if (option && option.dataset.href) window.location.assign(option.dataset.href);
    }

    listbox.addEventListener("htmx:afterSwap", function () {
      var count = options().length;
      input.setAttribute("aria-expanded", count ? "true" : "false");
      highlight(-1);
      if (status) {
        var template = count ? status.dataset.some : status.dataset.none;
        status.textContent = input.value.trim().length >= 3 ? template.replace("%s", Math.max(count - 1, 0)) : "";
      }
    });

    input.addEventListener("keydown", function (event) {
      var all = options();
      if (event.key === "ArrowDown" && all.length) {
        event.preventDefault();
        highlight(active + 1 >= all.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp" && all.length) {
        event.preventDefault();
        highlight(active <= 0 ? all.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && all[active]) {
        event.preventDefault();
        open(all[active]);
      } else if (event.key === "Escape" && all.length) {
        event.preventDefault();
        close();
      }
    });

    // Keep the focus in the box while an option is clicked, then follow it.
    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    listbox.addEventListener("click", function (event) {
      open(event.target.closest('[role="option"]'));
    });
    input.addEventListener("blur", close);
  }

  function init() {
    document.querySelectorAll("input[data-search-suggest]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
