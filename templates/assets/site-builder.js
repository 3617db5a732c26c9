/* site_builder: sortable tables (tablesort, MIT, loaded only on pages that have a table) and a visible cue on
   tables wider than their box, which scroll sideways inside it. */
(function () {
  var here = document.currentScript && document.currentScript.src;
  var tablesort = null;

  function loadTablesort(done) {
    if (window.Tablesort) return done();
    if (!tablesort) {
      tablesort = [];
      var script = document.createElement("script");
      script.src = new URL("tablesort.min.js", here || document.baseURI).href;
      script.onload = function () { tablesort.forEach(function (fn) { fn(); }); };
      document.head.appendChild(script);
    }
    tablesort.push(done);
  }

  function sortable(tables) {
    tables.forEach(function (table) {
      if (!table.dataset.sbSortable && window.Tablesort) {
        table.dataset.sbSortable = "true";
        new window.Tablesort(table);
      }
    });
  }

  function cues() {
    document.querySelectorAll("article .md-typeset__scrollwrap").forEach(function (box) {
      var wide = box.scrollWidth > box.clientWidth + 1;
      if (wide && !box.hasAttribute("data-sb-scroll-cue")) {
        box.setAttribute("data-sb-scroll-cue", "");
        box.setAttribute("tabindex", "0");  /* keyboard users can scroll it too */
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Table, scrolls sideways");
        var cue = document.createElement("p");
        cue.className = "sb-scroll-cue";
        cue.textContent = "Scroll sideways to see every column \u2192";
        box.parentNode.insertBefore(cue, box);
      } else if (!wide && box.hasAttribute("data-sb-scroll-cue")) {
        box.removeAttribute("data-sb-scroll-cue");
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        var previous = box.previousElementSibling;
        if (previous && previous.className === "sb-scroll-cue") previous.remove();
      }
    });
  }

  /* Tables of four columns or more become one card per row on narrow screens (site-builder.css): each cell
     carries its column's heading as a label. */
  function cards(tables) {
    tables.forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      if (heads.length < 4 || table.hasAttribute("data-sb-cards")) return;
      table.setAttribute("data-sb-cards", "");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (heads[i]) cell.setAttribute("data-label", heads[i]);
        });
      });
    });
  }

  function init() {
    document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach(function (dialog) {
      dialog.setAttribute("aria-label", "Search");  /* axe-core: a dialog needs an accessible name */
    });
    var tables = document.querySelectorAll("article table:not([class])");
    cards(tables);
    if (tables.length) loadTablesort(function () { sortable(tables); });
    cues();
  }
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(cues, 150);
  });
  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();

/* Filter boxes: an input.sb-table-filter shows only the rows of the next table that contain every typed word. */
(function () {
  function filter(input) {
    var table = Array.prototype.find.call(document.querySelectorAll("article table"), function (candidate) {
      return input.compareDocumentPosition(candidate) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    if (!table) return;
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var text = row.textContent.toLowerCase();
      row.hidden = !words.every(function (word) { return text.indexOf(word) !== -1; });
    });
  }
  document.addEventListener("input", function (event) {
    if (event.target.classList && event.target.classList.contains("sb-table-filter")) filter(event.target);
  });
})();

/* "Cite this page": copy the formatted citation to the clipboard. */
(function () {
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    document.body.removeChild(area);
    return Promise.resolve();
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".sb-copy-citation");
    if (!button) return;
    var block = button.closest("#cite-this-page");
    var source = block && block.querySelector(".sb-citation-text");
    if (!source) return;
    copyText(source.textContent.trim()).then(function () {
      button.textContent = "Copied";
      window.setTimeout(function () { button.textContent = "Copy citation"; }, 2000);
    });
  });
})();

/* "Cite this page": the access date is the reader's today, printed the way the citation style prints dates
   (data-pattern with {Y} {M} {D} {DD}, data-months: the style's twelve month names). Without the script the
   citation keeps the date of the page's last change. Material's instant navigation swaps pages without a reload,
   so the date is filled in on every page Material shows. */
(function () {
  function fill() {
    var today = new Date();
    document.querySelectorAll(".sb-accessed[data-pattern]").forEach(function (span) {
      var months = (span.getAttribute("data-months") || "").split("|");
      if (months.length !== 12) return;
      var day = today.getDate();
      span.textContent = span.getAttribute("data-pattern")
        .replace("{Y}", String(today.getFullYear()))
        .replace("{M}", months[today.getMonth()])
        .replace("{DD}", (day < 10 ? "0" : "") + day)
        .replace("{D}", String(day));
    });
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(fill);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill);
  else fill();
})();
