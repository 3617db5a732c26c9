/* site_builder: make the case and evidence tables sortable (tablesort, MIT), on every page load. */
(function () {
  function init() {
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
