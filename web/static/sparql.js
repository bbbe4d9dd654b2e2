// The SPARQL editor: CodeMirror 6 with its SPARQL mode (the bundle in vendor/codemirror/, which
// defines the global `CodeMirror`) over the form's text area, completing the graph's prefixes,
// terms (/sparql/terms), keywords and the query's variables; queries run on /sparql and come
// back as a table whose IRIs link to this site's pages, a bar chart of a numeric column and
// downloads in the endpoint's formats. Progressive enhancement: without this script (or
// without the bundle) the form posts the query and the server answers with the same table.
(function () {
  "use strict";

  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var NUMERIC = {};
  ("integer decimal double float int long short byte nonNegativeInteger positiveInteger negativeInteger " +
   "nonPositiveInteger unsignedInt unsignedLong unsignedShort unsignedByte").split(" ").forEach(function (t) {
    NUMERIC[XSD + t] = true;
  });
  var KEYWORDS = ("SELECT CONSTRUCT DESCRIBE ASK WHERE FILTER OPTIONAL UNION MINUS GRAPH BIND VALUES PREFIX BASE " +
    "DISTINCT REDUCED ORDER BY ASC DESC LIMIT OFFSET GROUP HAVING AS FROM NAMED NOT EXISTS IN UNDEF " +
    "COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI BNODE " +
    "CONCAT STRLEN UCASE LCASE CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER REGEX REPLACE SUBSTR " +
    "COALESCE IF ISIRI ISBLANK ISLITERAL ISNUMERIC YEAR MONTH DAY NOW").split(" ");
  var MAX_BARS = 40;
  // The nonce the page's policy gives CodeMirror's style element (see sparql_editor.style_nonce).
  var STYLE_NONCE = document.currentScript ? document.currentScript.nonce : "";
  var SVG = "http://www.w3.org/2000/svg";

  // -- the page's words and rules, from the form's data- attributes ------------------------------

  function messages(form) {
    return function (name, values) {
      var text = form.getAttribute("data-msg-" + name) || name;
      Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(values[key]); });
      return text;
    };
  }

  // Where a result's IRI links: the same rules as the server's (sparql_editor.page_link).
  function linker(form) {
    var act = form.dataset.act, base = form.dataset.base, ontology = form.dataset.ontology;
    var ui = form.dataset.ui || "", textLang = form.dataset.textLang || "";
    var kinds = {};
    (form.dataset.kinds || "").split(" ").forEach(function (k) { if (k) { kinds[k] = true; } });
    return function (iri) {
      if (iri.indexOf(act) === 0) {
        var local = iri.slice(act.length);
        var found = /^([a-z]+)_[^\/]*$/.exec(local);
        if (found && kinds[found[1]]) {
          var steps = local.split(".");
          var page = steps[0].indexOf("cpt_") === 0 && steps.length > 1 && steps[1].indexOf("sct_") === 0
            ? steps.slice(0, 2).join(".") : steps[0];
          return ui + "/" + act.slice(base.length) + page + textLang + (page === local ? "" : "#" + local);
        }
      }
      if (iri.indexOf(ontology) === 0) { return ui + "/ontology#" + iri.slice(ontology.length); }
      if (iri.indexOf(base) === 0) { return ui + "/" + iri.slice(base.length); }
      return iri;
    };
  }

  function prefixesOf(page) {
    return Array.prototype.map.call(page.querySelectorAll("[data-prefix]"), function (button) {
      return { name: button.getAttribute("data-prefix"), iri: button.getAttribute("data-iri") };
    });
  }

  function compacter(prefixes) {
    return function (iri) {
      var best = null;
      prefixes.forEach(function (p) {
        if (iri.indexOf(p.iri) === 0 && /^[A-Za-z0-9_](?:[\w.-]*[\w-])?$/.test(iri.slice(p.iri.length)) &&
            (!best || p.iri.length > best.iri.length)) { best = p; }
      });
      return best ? best.name + ":" + iri.slice(best.iri.length) : iri;
    };
  }

  // The classes the SPARQL mode's tokens get (coloured by site.css): keywords, built-in
  // functions, variables, IRIs and prefixed names, strings, comments, language tags.
  function highlighter(CM) {
    var t = CM.tags;
    return CM.tagHighlighter([
      { tag: t.keyword, class: "tok-keyword" }, { tag: t.standard(t.variableName), class: "tok-builtin" },
      { tag: t.local(t.variableName), class: "tok-variable" }, { tag: t.atom, class: "tok-iri" },
      { tag: t.string, class: "tok-string" }, { tag: t.comment, class: "tok-comment" },
      { tag: t.meta, class: "tok-lang" }, { tag: [t.operator, t.bracket, t.punctuation], class: "tok-punctuation" }
    ]);
  }

  // -- prefixes in the query -----------------------------------------------------------------------

  function declared(text, name) {
    return new RegExp("^\\s*PREFIX\\s+" + name.replace(/[.\-]/g, "\\$&") + ":", "im").test(text);
  }

  // The change that declares a prefix, after the query's last PREFIX or BASE line, else after
  // its opening comments; null when the query declares it already.
  function declaration(state, prefix) {
    var text = state.doc.toString();
    if (declared(text, prefix.name)) { return null; }
    var at = 0, line, lines = state.doc.lines, sawPrologue = false;
    for (var n = 1; n <= lines; n++) {
      line = state.doc.line(n);
      if (/^\s*(PREFIX|BASE)\b/i.test(line.text)) { at = Math.min(line.to + 1, state.doc.length); sawPrologue = true; }
      else if (!sawPrologue && /^\s*#/.test(line.text)) { at = Math.min(line.to + 1, state.doc.length); }
      else if (line.text.trim()) { break; }
    }
    var insert = "PREFIX " + prefix.name + ": <" + prefix.iri + ">\n";
    if (at === state.doc.length && at > 0 && text[at - 1] !== "\n") { insert = "\n" + insert; }
    return { from: at, insert: insert };
  }

  // The known prefix whose name was just typed with its colon, before the cursor.
  function prefixTyped(state, prefixes) {
    var pos = state.selection.main.head, line = state.doc.lineAt(pos);
    var before = line.text.slice(0, pos - line.from);
    var found = /(?:^|[\s{}();,.\/^|!])([A-Za-z][\w.-]*):$/.exec(before);
    if (!found || /^\s*PREFIX\s/i.test(before) || /<[^\s<>]*$/.test(before)) { return null; }
    if (/string|comment/.test(window.CodeMirror.syntaxTree(state).resolveInner(pos, -1).name)) { return null; }
    return prefixes.filter(function (p) { return p.name === found[1]; })[0] || null;
  }

  // -- completion ------------------------------------------------------------------------------------

  function completer(vocabulary, say) {
    var kindNames = { "class": say("kind-class"), "property": say("kind-property"), "individual": say("kind-individual"),
                      "provision": say("kind-provision") };
    var types = { "class": "class", "property": "property", "individual": "constant", "provision": "text" };
    var lang = document.documentElement.lang || "en";

    function labelOf(term) { return term.label[lang] || term.label.en || term.label[""] || ""; }

    function applyTerm(term) {
      return function (view, completion, from, to) {
        var name = term.name.slice(0, term.name.indexOf(":"));
        var prefix = vocabulary.prefixes.filter(function (p) { return p.name === name; })[0];
        var changes = [{ from: from, to: to, insert: term.name }];
        var declare = prefix ? declaration(view.state, prefix) : null;
        if (declare) { changes.push(declare); }
        var set = view.state.changes(changes);
        view.dispatch({ changes: set, selection: { anchor: set.mapPos(to, 1) }, userEvent: "input.complete" });
      };
    }

    function termOption(term, boost) {
      var label = labelOf(term);
      return { label: term.name, detail: kindNames[term.kind], type: types[term.kind], boost: boost,
               info: label ? label + "\n" + term.iri : term.iri, apply: applyTerm(term) };
    }

    return function (context) {
      var CM = window.CodeMirror;
      var node = CM.syntaxTree(context.state).resolveInner(context.pos, -1);
      if (/string|comment/.test(node.name)) { return null; }
      var line = context.state.doc.lineAt(context.pos);
      var before = line.text.slice(0, context.pos - line.from);
      if (/<[^\s<>]*$/.test(before)) { return null; }  // inside an IRI

      var declaring = /\bPREFIX\s+([A-Za-z][\w.-]*)?$/i.exec(before);
      if (declaring) {
        return { from: context.pos - (declaring[1] || "").length, validFor: /^[\w.-]*$/,
                 options: vocabulary.prefixes.map(function (p) {
                   return { label: p.name, detail: "<" + p.iri + ">", type: "namespace", apply: p.name + ": <" + p.iri + ">" };
                 }) };
      }
      var variable = context.matchBefore(/[?$][\w]*/);
      if (variable) {
        var seen = {}, options = [];
        (context.state.doc.toString().match(/[?$][A-Za-z_]\w*/g) || []).forEach(function (v) {
          var name = "?" + v.slice(1);
          if (!seen[name] && name !== "?" + variable.text.slice(1)) { seen[name] = true; options.push({ label: name, type: "variable" }); }
        });
        return options.length ? { from: variable.from, options: options, validFor: /^[?$]\w*$/ } : null;
      }
      var prefixed = context.matchBefore(/[A-Za-z][\w.-]*:[\w.-]*/);
      if (prefixed) {
        var name = prefixed.text.slice(0, prefixed.text.indexOf(":"));
        var terms = vocabulary.terms.filter(function (t) { return t.name.indexOf(name + ":") === 0; });
        return terms.length ? { from: prefixed.from, options: terms.map(function (t) { return termOption(t, 0); }),
                                validFor: /^[A-Za-z][\w.-]*:[\w.-]*$/ } : null;
      }
      var word = context.matchBefore(/[A-Za-z_][\w-]*/);
      if (!word && !context.explicit) { return null; }
      var from = word ? word.from : context.pos;
      var all = KEYWORDS.map(function (k) { return { label: k, type: "keyword", boost: 2 }; });
      vocabulary.prefixes.forEach(function (p) {
        all.push({ label: p.name + ":", detail: "<" + p.iri + ">", type: "namespace", boost: 1,
                   apply: function (view, completion, start, end) {
                     var changes = [{ from: start, to: end, insert: p.name + ":" }];
                     var declare = declaration(view.state, p);
                     if (declare) { changes.push(declare); }
                     var set = view.state.changes(changes);
                     view.dispatch({ changes: set, selection: { anchor: set.mapPos(end, 1) }, userEvent: "input.complete" });
                     CM.startCompletion(view);
                   } });
      });
      vocabulary.terms.forEach(function (t) { all.push(termOption(t, -1)); });
      return { from: from, options: all, validFor: /^[\w-]*$/ };
    };
  }

  // -- results -------------------------------------------------------------------------------------

  function clear(panel) {
    var heading = panel.querySelector("h2");
    panel.textContent = "";
    panel.appendChild(heading);
  }

  function element(name, className, text) {
    var e = document.createElement(name);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function downloads(form, say, query, kind) {
    var p = element("p", "downloads", say("download") + " ");
    JSON.parse(form.dataset.downloads)[kind].forEach(function (offered, i) {
      if (i) { p.appendChild(document.createTextNode(" · ")); }
      var a = element("a", null, offered[1]);
      a.href = "/sparql?" + new URLSearchParams({ query: query, format: offered[0] }).toString();
      a.setAttribute("download", "results." + offered[2]);
      a.setAttribute("data-format", offered[0]);
      p.appendChild(a);
    });
    return p;
  }

  function cell(term, link, compact) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var a = element("a", null, compact(term.value));
      a.href = link(term.value);
      a.title = term.value;
      a.setAttribute("translate", "no");  // a name of the graph, not words of the interface
      td.appendChild(a);
    } else {
      if (term.type === "bnode") { td.setAttribute("translate", "no"); }
      td.appendChild(document.createTextNode(term.type === "bnode" ? "_:" + term.value : term.value));
      if (term["xml:lang"]) {
        td.lang = term["xml:lang"];  // read in its own language (a French page's English literal)
        td.appendChild(element("span", "lang-tag", "@" + term["xml:lang"]));
      }
      if (term.datatype) { td.title = compact(term.datatype); }
    }
    return td;
  }

  function isNumber(term) {
    return term && (term.type === "literal" || term.type === "typed-literal") && NUMERIC[term.datatype] &&
      isFinite(parseFloat(term.value));
  }

  function numericColumns(vars, rows) {
    return vars.filter(function (v) {
      var bound = rows.filter(function (row) { return row[v]; });
      return bound.length > 0 && bound.every(function (row) { return isNumber(row[v]); });
    });
  }

  function svg(name, attributes, text) {
    var e = document.createElementNS(SVG, name);
    Object.keys(attributes || {}).forEach(function (key) { e.setAttribute(key, attributes[key]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function shorten(text, length) { return text.length > length ? text.slice(0, length - 1) + "…" : text; }

  // A horizontal bar chart of one numeric column, each bar named by the first other column.
  function drawChart(figure, rows, column, labelColumn, link, compact, say) {
    figure.textContent = "";
    var shown = rows.slice(0, MAX_BARS).filter(function (row) { return isNumber(row[column]); });
    var values = shown.map(function (row) { return parseFloat(row[column].value); });
    var low = Math.min(0, Math.min.apply(null, values)), high = Math.max(0, Math.max.apply(null, values));
    var span = high - low || 1;
    // Drawn at the width it is shown at, so that its words keep the page's size on a phone too.
    var total = Math.max(300, Math.min(figure.clientWidth || 640, 760));
    var left = Math.round(total * 0.36), width = total - left - 60, row = 22, top = 6;
    var longest = Math.max(8, Math.floor((left - 8) / 7));
    var zero = left + (0 - low) / span * width;
    var chart = svg("svg", { viewBox: "0 0 " + total + " " + (top * 2 + shown.length * row), role: "img",
                             "aria-labelledby": "chart-caption", "class": "bar-chart" });
    shown.forEach(function (r, i) {
      var value = values[i], y = top + i * row;
      var name = labelColumn && r[labelColumn] ? r[labelColumn] : null;
      var label = name ? (name.type === "uri" ? compact(name.value) : name.value) : String(i + 1);
      var text = svg("text", { x: left - 8, y: y + row / 2, "class": "chart-label" }, shorten(label, longest));
      text.appendChild(svg("title", {}, label));
      if (name && name.type === "uri") {
        var a = svg("a", { href: link(name.value) });
        a.appendChild(text);
        chart.appendChild(a);
      } else {
        chart.appendChild(text);
      }
      var x = Math.min(zero, left + (value - low) / span * width);
      var bar = svg("rect", { x: x, y: y + 3, width: Math.max(1, Math.abs(value) / span * width), height: row - 6,
                              "class": "chart-bar" });
      bar.appendChild(svg("title", {}, label + ": " + r[column].value));
      chart.appendChild(bar);
      chart.appendChild(svg("text", { x: Math.max(zero, x + Math.abs(value) / span * width) + 4, y: y + row / 2,
                                      "class": "chart-value" }, r[column].value));
    });
    figure.appendChild(chart);
    var caption = element("figcaption", null, say("chart-of", { value: column, label: labelColumn || "#" }) +
      (rows.length > shown.length ? " " + say("chart-first", { count: shown.length }) : ""));
    caption.id = "chart-caption";
    figure.appendChild(caption);
  }

  function chartSection(vars, rows, link, compact, say) {
    var numeric = numericColumns(vars, rows);
    if (!numeric.length || !rows.length) { return null; }
    var labelColumn = vars.filter(function (v) { return numeric.indexOf(v) < 0; })[0] || null;
    var section = element("section", "chart");
    section.setAttribute("aria-labelledby", "chart-h");
    var heading = element("h3", null, say("chart"));
    heading.id = "chart-h";
    section.appendChild(heading);
    var figure = element("figure");
    if (numeric.length > 1) {
      var label = element("label", null, say("chart-column") + " ");
      var select = element("select");
      select.id = "chart-column";
      numeric.forEach(function (v) { select.appendChild(element("option", null, v)); });
      select.addEventListener("change", function () { drawChart(figure, rows, select.value, labelColumn, link, compact, say); });
      label.appendChild(select);
      section.appendChild(label);
    }
    section.appendChild(figure);
    return { section: section, draw: function () { drawChart(figure, rows, numeric[0], labelColumn, link, compact, say); } };
  }

  function render(panel, data, truncated, query, tools) {
    clear(panel);
    var say = tools.say;
    if (typeof data.boolean === "boolean") {
      panel.appendChild(element("p", "boolean", data.boolean ? "true" : "false"));
      panel.appendChild(downloads(tools.form, say, query, "results"));
      return;
    }
    var rows = data.results.bindings, vars = data.head.vars;
    panel.appendChild(element("p", "count", (rows.length === 1 ? say("row") : say("rows", { count: rows.length })) +
      (truncated ? " " + say("truncated") : "")));
    panel.appendChild(downloads(tools.form, say, query, "results"));
    var wrap = element("div", "table-wrap");
    var table = element("table", "results-table");
    var head = table.createTHead().insertRow();
    vars.forEach(function (v) {
      var th = element("th", null, v);
      th.scope = "col";
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      vars.forEach(function (v) { tr.appendChild(cell(row[v], tools.link, tools.compact)); });
    });
    wrap.appendChild(table);
    panel.appendChild(wrap);
    var chart = chartSection(vars, rows, tools.link, tools.compact, say);
    if (chart) {
      panel.appendChild(chart.section);
      chart.draw();  // once in the page, at the width it has there
    }
  }

  function showText(panel, text, className) {
    clear(panel);
    panel.appendChild(element("pre", className, text));
  }

  // -- the page ----------------------------------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", function () {
    var CM = window.CodeMirror;
    var form = document.getElementById("sparql-form");
    var area = document.getElementById("query");
    var host = document.getElementById("editor");
    var panel = document.getElementById("results");
    if (!form || !area || !CM) { return; }
    var say = messages(form);
    var page = document.querySelector("main") || document;
    var vocabulary = { prefixes: prefixesOf(page), terms: [] };
    var tools = { form: form, say: say, link: linker(form), compact: compacter(vocabulary.prefixes) };

    var view = new CM.EditorView({
      parent: host,
      state: CM.EditorState.create({
        doc: area.value,
        extensions: [
          CM.lineNumbers(), CM.highlightActiveLineGutter(), CM.highlightSpecialChars(), CM.history(),
          CM.drawSelection(), CM.indentOnInput(), CM.bracketMatching(), CM.closeBrackets(), CM.highlightActiveLine(),
          CM.highlightSelectionMatches(), CM.StreamLanguage.define(CM.sparql), CM.syntaxHighlighting(highlighter(CM)),
          CM.autocompletion({ override: [completer(vocabulary, say)] }),
          CM.keymap.of([{ key: "Mod-Enter", run: function () { form.requestSubmit(); return true; } }]
            .concat(CM.closeBracketsKeymap, CM.defaultKeymap, CM.searchKeymap, CM.historyKeymap)),
          CM.EditorView.lineWrapping, CM.EditorView.cspNonce.of(STYLE_NONCE || ""),
          CM.EditorView.contentAttributes.of({ "aria-labelledby": "query-label" }),
          CM.EditorView.updateListener.of(function (update) {
            if (!update.docChanged) { return; }
            area.value = update.state.doc.toString();
            if (update.transactions.some(function (tr) { return tr.isUserEvent("input.type"); })) {
              var typed = prefixTyped(update.state, vocabulary.prefixes);
              if (typed) { setTimeout(function () { declare(typed); }, 0); }
            }
          })
        ]
      })
    });
    // A known prefix typed by hand ("rdfs:") brings its PREFIX line, as a completed term does.
    function declare(prefix) {
      var change = declaration(view.state, prefix);
      if (change) { view.dispatch({ changes: change, userEvent: "input" }); }
    }
    area.hidden = true;
    host.classList.add("enhanced");
    Array.prototype.forEach.call(document.querySelectorAll(".editor-only"), function (e) { e.hidden = false; });

    function load(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 } });
      view.focus();
    }

    fetch(form.dataset.terms, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { vocabulary.terms = data.terms; } })
      .catch(function () { /* completion keeps the prefixes and keywords */ });

    Array.prototype.forEach.call(document.querySelectorAll("button[data-prefix]"), function (button) {
      button.addEventListener("click", function () {
        declare({ name: button.getAttribute("data-prefix"), iri: button.getAttribute("data-iri") });
        view.focus();
      });
    });

    Array.prototype.forEach.call(document.querySelectorAll("[data-example]"), function (link) {
      link.addEventListener("click", function (event) {
        var template = document.getElementById("example-" + link.getAttribute("data-example"));
        if (!template) { return; }
        event.preventDefault();
        load(template.content ? template.content.textContent : template.textContent);
      });
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = view.state.doc.toString();
      area.value = query;
      clear(panel);
      panel.appendChild(element("p", "note", say("running")));
      // the form's own address (/fr/sparql, or ?lang=fr) and language: an error comes back in the page's language
      fetch(form.getAttribute("action") || "/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query",
                   "Accept": "application/sparql-results+json, text/turtle;q=0.9",
                   "Accept-Language": document.documentElement.lang || "en" },
        body: query
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        var truncated = response.headers.has("X-SPARQL-Truncated");
        return response.text().then(function (text) {
          if (!response.ok) { showText(panel, text, "error"); return; }
          if (type.indexOf("json") >= 0) { render(panel, JSON.parse(text), truncated, query, tools); return; }
          showText(panel, text, "graph");
          panel.insertBefore(downloads(form, say, query, "graph"), panel.querySelector("pre"));
        });
      }).catch(function (error) { showText(panel, say("failed", { error: String(error) }), "error"); });
    });
  });
})();
