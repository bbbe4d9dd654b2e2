// The SPARQL editor: syntax highlighting over the text area, examples loaded in place, and
// queries run on /sparql with the results drawn as a table. Progressive enhancement: without
// this script the form posts the query and the server answers with an HTML table.
(function () {
  "use strict";

  var KEYWORDS = ("SELECT CONSTRUCT DESCRIBE ASK WHERE FILTER OPTIONAL UNION MINUS GRAPH BIND VALUES " +
    "PREFIX BASE DISTINCT REDUCED ORDER BY ASC DESC LIMIT OFFSET GROUP HAVING AS FROM NAMED NOT EXISTS IN " +
    "COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE " +
    "RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE " +
    "STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 " +
    "COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE A TRUE FALSE UNDEF").split(" ");
  var KEYWORD_SET = {};
  KEYWORDS.forEach(function (k) { KEYWORD_SET[k] = true; });
  var TOKEN = new RegExp([
    "(#[^\\n]*)",                                         // 1 comment
    "(\"\"\"[\\s\\S]*?\"\"\"|'''[\\s\\S]*?'''|\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*')", // 2 string
    "(<[^<>\"{}|^`\\\\\\s]*>)",                           // 3 IRI
    "([?$][\\w]+)",                                       // 4 variable
    "([A-Za-z][\\w.-]*:[\\w.%-]*|:[\\w.%-]+)",            // 5 prefixed name
    "(\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?\\b)",         // 6 number
    "([A-Za-z_]+)"                                        // 7 word
  ].join("|"), "g");

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function highlight(text) {
    var out = "", last = 0, match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      out += escapeHtml(text.slice(last, match.index));
      var cls = null;
      if (match[1]) { cls = "com"; } else if (match[2]) { cls = "str"; } else if (match[3]) { cls = "iri"; }
      else if (match[4]) { cls = "var"; } else if (match[5]) { cls = "pn"; } else if (match[6]) { cls = "num"; }
      else if (match[7] && KEYWORD_SET[match[7].toUpperCase()]) { cls = "kw"; }
      out += cls ? '<span class="tok-' + cls + '">' + escapeHtml(match[0]) + "</span>" : escapeHtml(match[0]);
      last = TOKEN.lastIndex;
    }
    return out + escapeHtml(text.slice(last)) + "\n";
  }

  function localLink(iri) {
    var marker = "/reg/2024/1689";
    var at = iri.indexOf(marker);
    if (at >= 0 && iri.indexOf("https://w3id.org/aiact-kg/") === 0) { return iri.slice(at); }
    if (iri.indexOf("https://w3id.org/aiact-kg/ontology#") === 0) { return "/ontology#" + iri.split("#")[1]; }
    return iri;
  }

  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var a = document.createElement("a");
      a.href = localLink(term.value);
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.appendChild(document.createTextNode(term.type === "bnode" ? "_:" + term.value : term.value));
      if (term["xml:lang"]) {
        var tag = document.createElement("span");
        tag.className = "lang-tag";
        tag.textContent = "@" + term["xml:lang"];
        td.appendChild(tag);
      }
    }
    return td;
  }

  function render(panel, data, truncated) {
    var heading = panel.querySelector("h2");
    panel.textContent = "";
    panel.appendChild(heading);
    if (typeof data.boolean === "boolean") {
      var p = document.createElement("p");
      p.className = "boolean";
      p.textContent = data.boolean ? "true" : "false";
      panel.appendChild(p);
      return;
    }
    var rows = data.results.bindings, vars = data.head.vars;
    var count = document.createElement("p");
    count.className = "count";
    count.textContent = rows.length + (rows.length === 1 ? " row" : " rows") + (truncated ? " (cut at the result limit)" : "");
    panel.appendChild(count);
    var wrap = document.createElement("div");
    wrap.className = "table-wrap";
    var table = document.createElement("table");
    table.className = "results-table";
    var head = table.createTHead().insertRow();
    vars.forEach(function (v) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = v;
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
    });
    wrap.appendChild(table);
    panel.appendChild(wrap);
  }

  function showText(panel, text, className) {
    var heading = panel.querySelector("h2");
    panel.textContent = "";
    panel.appendChild(heading);
    var pre = document.createElement("pre");
    pre.className = className;
    pre.textContent = text;
    panel.appendChild(pre);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("sparql-form");
    var area = document.getElementById("query");
    var editor = document.getElementById("editor");
    var panel = document.getElementById("results");
    var format = document.getElementById("download-format");
    if (!form || !area) { return; }

    var pre = document.createElement("pre");
    pre.setAttribute("aria-hidden", "true");
    var code = document.createElement("code");
    pre.appendChild(code);
    editor.insertBefore(pre, area);
    editor.classList.add("highlighted");
    function refresh() { code.innerHTML = highlight(area.value); pre.scrollTop = area.scrollTop; }
    area.addEventListener("input", refresh);
    area.addEventListener("scroll", function () { pre.scrollTop = area.scrollTop; });
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); form.requestSubmit(); }
    });
    refresh();

    document.querySelectorAll("[data-example]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var template = document.getElementById("example-" + link.getAttribute("data-example"));
        if (!template) { return; }
        event.preventDefault();
        area.value = template.content ? template.content.textContent : template.textContent;
        refresh();
        area.focus();
      });
    });

    form.addEventListener("submit", function (event) {
      if (format && format.value) { return; }  // downloads go through the plain form
      event.preventDefault();
      var heading = panel.querySelector("h2");
      panel.textContent = "";
      panel.appendChild(heading);
      var wait = document.createElement("p");
      wait.className = "note";
      wait.textContent = "Running…";
      panel.appendChild(wait);
      fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query",
                   "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
        body: area.value
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        var truncated = response.headers.has("X-SPARQL-Truncated");
        return response.text().then(function (text) {
          if (!response.ok) { showText(panel, text, "error"); return; }
          if (type.indexOf("json") >= 0) { render(panel, JSON.parse(text), truncated); }
          else { showText(panel, text, "graph"); }
        });
      }).catch(function (error) { showText(panel, String(error), "error"); });
    });
  });
})();
