/* site_builder's only script on every page (Material's bundle is not loaded: templates/overrides/main.html).
   Sortable tables (tablesort, MIT, loaded only on pages that have a table) and a visible cue on
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

  /* Each table in a box of its own that scrolls sideways (what Material's script did; its classes keep its styles). */
  function wrap(tables) {
    tables.forEach(function (table) {
      if (table.closest(".md-typeset__scrollwrap")) return;
      var box = document.createElement("div");
      var inner = document.createElement("div");
      box.className = "md-typeset__scrollwrap";
      inner.className = "md-typeset__table";
      table.parentNode.insertBefore(box, table);
      box.appendChild(inner);
      inner.appendChild(table);
    });
  }

  function init() {
    var tables = document.querySelectorAll("article table:not([class])");
    wrap(tables);
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

/* Light and dark colours: the header's switch (Material's palette form) without Material's script. The choice is
   kept where Material keeps it (__md_set), so the inline script in every page's header applies it before the page
   shows; without a choice, the reader's system preference picks the scheme. */
(function () {
  var form = document.querySelector("form[data-md-component=palette]");
  if (!form || !window.__md_get) return;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name=__palette]"));
  if (!inputs.length) return;

  function show(index, store) {
    var input = inputs[index];
    input.checked = true;
    ["scheme", "primary", "accent"].forEach(function (key) {
      document.body.setAttribute("data-md-color-" + key, input.getAttribute("data-md-color-" + key));
    });
    form.querySelectorAll("label").forEach(function (label) {
      label.hidden = label.previousElementSibling !== input;  /* the switch shown is the one after the current input */
    });
    if (store) {
      window.__md_set("__palette", {index: index, color: {media: input.getAttribute("data-md-color-media"),
        scheme: input.getAttribute("data-md-color-scheme"), primary: input.getAttribute("data-md-color-primary"),
        accent: input.getAttribute("data-md-color-accent")}});
    }
  }
  var saved = window.__md_get("__palette");
  var index = saved && typeof saved.index === "number" && inputs[saved.index] ? saved.index : inputs.findIndex(function (input) {
    var media = input.getAttribute("data-md-color-media");
    return media && window.matchMedia(media).matches;
  });
  show(index < 0 ? 0 : index, false);
  form.addEventListener("change", function (event) {
    var at = inputs.indexOf(event.target);
    if (at >= 0) show(at, true);
  });
})();

/* Tooltips: a link's or abbreviation's title (a citation's formatted reference) shown on hover and on keyboard focus,
   as text. The title attribute stays in the page (no script: the browser's own tooltip). */
(function () {
  var tip = null;
  var owner = null;

  function hide() {
    if (tip) tip.remove();
    if (owner && owner.hasAttribute("data-sb-title")) {
      owner.setAttribute("title", owner.getAttribute("data-sb-title"));
      owner.removeAttribute("data-sb-title");
      owner.removeAttribute("aria-describedby");
    }
    tip = owner = null;
  }

  function show(element) {
    if (element === owner) return;
    hide();
    var text = element.getAttribute("title");
    if (!text) return;
    owner = element;
    element.setAttribute("data-sb-title", text);
    element.removeAttribute("title");  /* no second, native tooltip */
    tip = document.createElement("div");
    tip.className = "sb-tooltip";
    tip.id = "sb-tooltip";
    tip.setAttribute("role", "tooltip");
    tip.textContent = text;
    document.body.appendChild(tip);
    element.setAttribute("aria-describedby", tip.id);
    var box = element.getBoundingClientRect();
    var width = tip.offsetWidth;
    var left = Math.max(8, Math.min(box.left + window.scrollX + box.width / 2 - width / 2, document.documentElement.clientWidth - width - 8));
    tip.style.left = left + "px";
    tip.style.top = box.bottom + window.scrollY + 6 + "px";
  }

  function target(event) {
    return event.target.closest && event.target.closest(".md-typeset a[title], .md-typeset abbr[title], .md-typeset [data-sb-title]");
  }
  document.addEventListener("mouseover", function (event) { var t = target(event); if (t) show(t); else if (tip) hide(); });
  document.addEventListener("focusin", function (event) { var t = target(event); if (t) show(t); });
  document.addEventListener("focusout", hide);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });
  window.addEventListener("scroll", hide, {passive: true});
})();

/* The search page (content/search.md, at search/): its script, and through it Pagefind, load on that page only. */
(function () {
  var here = document.currentScript && document.currentScript.src;
  if (!document.getElementById("sb-search")) return;
  var script = document.createElement("script");
  script.src = new URL("search.js", here || document.baseURI).href;
  document.head.appendChild(script);
})();
