// Term tooltips: the definition of a defined term shown on hover or keyboard focus.
// The definitions come from /definitions.json, fetched once, on the first hover or focus.
// Progressive enhancement only: without this script each term link keeps its short title
// (the point of Article 3 that defines it) and leads to the glossary.
(function () {
  "use strict";
  var tip = null;
  var definitions = null;
  var loading = null;
  var current = null;
  function load() {
    if (!loading) {
      loading = fetch("/definitions.json")
        .then(function (response) { return response.ok ? response.json() : {}; })
        .then(function (data) { definitions = data; return data; })
        .catch(function () { definitions = {}; return definitions; });
    }
    return loading;
  }
  function definitionOf(link) {
    var slug = (link.getAttribute("href") || "").split("#")[1];
    var entry = definitions && slug ? definitions[slug] : null;
    if (!entry) { return ""; }
    var holder = link.closest("[lang]");
    var lang = holder ? holder.getAttribute("lang") : "en";
    return entry.definition[lang] || entry.definition.en || "";
  }
  function hide() {
    current = null;
    if (tip) { tip.remove(); tip = null; }
  }
  function show(link) {
    hide();
    current = link;
    if (definitions === null) {
      load().then(function () { if (current === link) { show(link); } });
      return;
    }
    var text = definitionOf(link);
    if (!text) { return; }
    tip = document.createElement("div");
    tip.className = "term-tip";
    tip.setAttribute("role", "tooltip");
    tip.id = "term-tip";
    var name = document.createElement("strong");
    name.textContent = link.textContent;
    var body = document.createElement("span");
    body.textContent = text;
    tip.appendChild(name);
    tip.appendChild(body);
    document.body.appendChild(tip);
    var box = link.getBoundingClientRect();
    var left = Math.min(window.scrollX + box.left, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8);
    tip.style.left = Math.max(8, left) + "px";
    tip.style.top = (window.scrollY + box.bottom + 6) + "px";
    link.setAttribute("aria-describedby", "term-tip");
  }
  function prepare(link) {
    if (link.hasAttribute("title")) {  // the tooltip replaces the browser's own
      link.setAttribute("data-source", link.getAttribute("title"));
      link.removeAttribute("title");
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var links = document.querySelectorAll("a.term");
    for (var i = 0; i < links.length; i++) { prepare(links[i]); }
    document.addEventListener("mouseover", function (event) {
      var link = event.target.closest ? event.target.closest("a.term") : null;
      if (link) { show(link); }
    });
    document.addEventListener("mouseout", function (event) {
      if (event.target.closest && event.target.closest("a.term")) { hide(); }
    });
    document.addEventListener("focusin", function (event) {
      if (event.target.matches && event.target.matches("a.term")) { show(event.target); }
    });
    document.addEventListener("focusout", hide);
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") { hide(); } });
  });
})();

// Copy a citation with one click; the citation stays on the page as text to select without script.
// The interface switch keeps the reader's place: the link takes the page's #anchor along.
(function () {
  "use strict";
  function copied(button, ok) {
    var status = button.closest(".cite").querySelector(".copy-status");
    if (status) { status.textContent = ok ? button.getAttribute("data-copied") : button.getAttribute("data-failed") || ""; }
    button.classList.toggle("done", ok);
  }
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy-citation") : null;
    if (button) {
      var text = button.getAttribute("data-citation");
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () { copied(button, true); },
          function () { copied(button, fallback(text)); });
      } else {
        copied(button, fallback(text));
      }
      return;
    }
    var link = event.target.closest ? event.target.closest("a.lang-switch") : null;
    if (link && window.location.hash) {
      link.setAttribute("href", link.getAttribute("href").split("#")[0] + window.location.hash);
    }
  });
})();

// The print view's Print button (without script the browser's own Print command does the same).
document.addEventListener("click", function (event) {
  "use strict";
  if (event.target.closest && event.target.closest("button.print-page")) { window.print(); }
});
