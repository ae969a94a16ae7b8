/* The catalog's behaviour: sorting, filtering and searching the index table; copying a
   citation on a record page. Plain script, no module, no fetch: works from file://. */
(function () {
  "use strict";

  function fold(text) {
    var map = { "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
                "þ": "th", "Þ": "Th", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ß": "ss", "ı": "i" };
    text = String(text || "").replace(/[øØłŁđĐðÐþÞæÆœŒßı]/g, function (c) { return map[c]; });
    return text.normalize("NFKD").replace(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g, "").toLowerCase();
  }

  function setupIndex(table) {
    var data = window.CATALOG_SEARCH || {};
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var q = document.getElementById("q");
    var series = document.getElementById("series");
    var shown = document.getElementById("shown");
    var none = document.getElementById("none");
    var collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
    var keys = {
      title: function (r) { var d = data[r.dataset.id]; return d ? d[1] : r.cells[0].textContent; },
      authors: function (r) { var d = data[r.dataset.id]; return d ? d[2] : r.cells[1].textContent; },
      date: function (r) { return r.dataset.date || ""; },
      series: function (r) { return (r.dataset.series || "") + " " + r.cells[0].textContent; }
    };

    function applyFilter() {
      var words = fold(q.value).split(/\s+/).filter(Boolean);
      var wanted = series.value;
      var count = 0;
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        var d = data[r.dataset.id];
        var text = d ? d[0] : fold(r.textContent);
        var ok = !wanted || r.dataset.series === wanted;
        for (var j = 0; ok && j < words.length; j++) {
          if (text.indexOf(words[j]) === -1) ok = false;
        }
        r.hidden = !ok;
        if (ok) count++;
      }
      shown.textContent = String(count);
      none.hidden = count !== 0;
    }

    function sortBy(th) {
      var key = th.dataset.key;
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      var headers = table.tHead.rows[0].cells;
      for (var i = 0; i < headers.length; i++) headers[i].removeAttribute("aria-sort");
      th.setAttribute("aria-sort", dir);
      var get = keys[key];
      var decorated = rows.map(function (r, i) { return [get(r), i, r]; });
      decorated.sort(function (a, b) {
        var ea = a[0] === "", eb = b[0] === "";
        if (ea !== eb) return ea ? 1 : -1; /* empty values last either way */
        var c = collator.compare(a[0], b[0]);
        if (c === 0) c = a[1] - b[1];
        return dir === "ascending" ? c : -c;
      });
      rows = decorated.map(function (x) { return x[2]; });
      var frag = document.createDocumentFragment();
      rows.forEach(function (r) { frag.appendChild(r); });
      tbody.appendChild(frag);
    }

    var timer = null;
    q.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(applyFilter, rows.length > 2000 ? 120 : 0);
    });
    series.addEventListener("change", applyFilter);
    q.form.addEventListener("submit", function (e) { e.preventDefault(); applyFilter(); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      var b = th.querySelector("button.sort");
      if (b) b.addEventListener("click", function () { sortBy(th); });
    });
    if (q.value || series.value) applyFilter();
  }

  function setupCopy() {
    var status = document.querySelector(".copy-status");
    function say(text) { if (status) status.textContent = text; }
    function fallback(el) {
      var range = document.createRange();
      range.selectNodeContents(el);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      return ok;
    }
    document.querySelectorAll("button.copy").forEach(function (button) {
      button.addEventListener("click", function () {
        var el = document.getElementById(button.dataset.copy);
        if (!el) return;
        var text = el.innerText.replace(/\s+/g, " ").trim();
        var label = (document.getElementById("cite-h-" + button.dataset.copy.slice(5)) || {}).textContent || "";
        if (navigator.clipboard && window.isSecureContext) {
          /* rich text (italics survive a paste into a word processor) and plain text */
          var written = (window.ClipboardItem && navigator.clipboard.write)
            ? navigator.clipboard.write([new ClipboardItem({
                "text/html": new Blob([el.innerHTML], { type: "text/html" }),
                "text/plain": new Blob([text], { type: "text/plain" })
              })]).catch(function () { return navigator.clipboard.writeText(text); })
            : navigator.clipboard.writeText(text);
          written.then(function () {
            say("Copied " + label + " citation");
          }, function () {
            say(fallback(el) ? "Copied " + label + " citation" : "Selected: press Ctrl+C to copy");
          });
        } else {
          say(fallback(el) ? "Copied " + label + " citation" : "Selected: press Ctrl+C to copy");
        }
      });
    });
  }

  function start() {
    var table = document.getElementById("catalog");
    if (table) setupIndex(table);
    setupCopy();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
