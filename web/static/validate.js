// The Validate page: when the description could not be read, select the line the error
// names in the text area and scroll it into view (the numbered excerpt under the error
// shows the same line without script).
(function () {
  "use strict";
  var area = document.getElementById("description");
  if (!area || !area.dataset.errorLine) { return; }
  var line = parseInt(area.dataset.errorLine, 10);
  var text = area.value;
  var start = 0;
  for (var n = 1; n < line && start !== -1; n += 1) {
    start = text.indexOf("\n", start);
    if (start !== -1) { start += 1; }
  }
  if (start === -1) { start = text.length; }
  var end = text.indexOf("\n", start);
  if (end === -1) { end = text.length; }
  area.focus();
  area.setSelectionRange(start, end);
  var height = parseFloat(window.getComputedStyle(area).lineHeight) || 18;
  area.scrollTop = Math.max(0, (line - 3) * height);
}());
