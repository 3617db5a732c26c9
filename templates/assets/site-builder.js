/* site_builder: make the case and evidence tables sortable (tablesort, MIT), on every page load. */
(function () {
  function init() {
    document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach(function (dialog) {
      dialog.setAttribute("aria-label", "Search");  /* axe-core: a dialog needs an accessible name */
    });
    document.querySelectorAll("article table:not([class])").forEach(function (table) {
      if (!table.dataset.sbSortable && window.Tablesort) {
        table.dataset.sbSortable = "true";
        new window.Tablesort(table);
      }
    });
  }
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
