/* The search page (content/search.md, at search/): a search box over Pagefind's index (pagefind/, written by
   `mkdocs build` or `site-builder index`), loaded by site-builder.js on this page only. Pagefind fetches only the parts of the index a query needs.
   Results are built as DOM nodes from text: a page title, its address and its excerpt never reach innerHTML; the
   excerpt's <mark> highlights are read from an inert parsed document and copied as text. */
(function () {
  var root = document.getElementById("sb-search");
  if (!root) return;
  var here = document.currentScript && document.currentScript.src;  /* SITE/assets/site-builder/search.js */
  var bundle = new URL("../../pagefind/", here || new URL("assets/site-builder/", document.baseURI)).href;
  var PAGE = 10;
  var form = document.createElement("form");
  form.className = "sb-search";
  form.setAttribute("role", "search");
  form.innerHTML = '<label for="sb-search-input">Search the site</label> ' +
    '<input id="sb-search-input" type="search" name="q" autocomplete="off" spellcheck="false">';
  var status = document.createElement("p");
  status.className = "sb-search__status";
  status.setAttribute("role", "status");
  var list = document.createElement("ol");
  list.className = "sb-search__results";
  var more = document.createElement("button");
  more.type = "button";
  more.className = "md-button sb-search__more";
  more.textContent = "More results";
  more.hidden = true;
  root.replaceChildren(form, status, list, more);
  var input = form.querySelector("input");
  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  var header = document.querySelector(".sb-search-form__input");
  if (header) header.value = input.value;

  var pagefind = null;
  var found = [];
  var shown = 0;
  var generation = 0;

  function text(tag, className, value) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    node.textContent = value;
    return node;
  }

  /* Pagefind's excerpt is escaped text with <mark> around the matches: keep the text and the marks, nothing else. */
  function excerpt(html) {
    var out = document.createElement("p");
    out.className = "sb-search__excerpt";
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html").body;
    parsed.querySelectorAll("p").forEach(function (p) {
      p.childNodes.forEach(function (node) {
        out.appendChild(node.nodeName === "MARK" ? text("mark", "", node.textContent) : document.createTextNode(node.textContent));
      });
    });
    return out;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "sb-search__result";
    var link = text("a", "sb-search__title", (data.meta && data.meta.title) || data.url);
    link.href = data.url;
    var heading = document.createElement("h2");
    heading.appendChild(link);
    li.appendChild(heading);
    if (data.meta && data.meta.kind) li.appendChild(text("span", "sb-badge", data.meta.kind));
    li.appendChild(excerpt(data.excerpt || ""));
    return li;
  }

  function showMore(mine) {
    var next = found.slice(shown, shown + PAGE);
    shown += next.length;
    more.hidden = shown >= found.length;
    return Promise.all(next.map(function (result) { return result.data(); })).then(function (pages) {
      if (mine !== generation) return;
      pages.forEach(function (data) { list.appendChild(item(data)); });
    });
  }

  function search() {
    var mine = ++generation;
    var query = input.value.trim();
    var url = new URL(window.location.href);
    url.searchParams.set("q", query);
    window.history.replaceState(null, "", url);
    list.replaceChildren();
    more.hidden = true;
    if (!query) { status.textContent = ""; return Promise.resolve(); }
    status.textContent = "Searching\u2026";
    return pagefind.debouncedSearch(query, {}, 250).then(function (response) {
      if (!response || mine !== generation) return;  /* a newer query replaced this one */
      found = response.results;
      shown = 0;
      return showMore(mine).then(function () {  /* the count once the first results are on the page */
        if (mine === generation) status.textContent = found.length === 1 ? "1 page found" : found.length + " pages found";
      });
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
  input.addEventListener("input", function () { if (pagefind) search(); });
  more.addEventListener("click", function () { showMore(generation); });

  import(new URL("pagefind.js", bundle).href).then(function (module) {
    pagefind = module;
    return pagefind.options({baseUrl: new URL(bundle).pathname.replace(/pagefind\/$/, "")});
  }).then(function () {
    root.setAttribute("data-ready", "");
    if (input.value) search();
    input.focus();
  }).catch(function () {
    status.textContent = "The search index is missing: build the site with `mkdocs build`, or run `site-builder index` on the built folder.";
  });
})();
