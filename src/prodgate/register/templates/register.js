// Filter and sort the asset table. Reads cell text only and writes only `hidden` and
// row order: no HTML is ever built from the data.
(function () {
  "use strict";
  var table = document.getElementById("assets");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var box = document.getElementById("filter");
  var tier = document.getElementById("filter-tier");
  var stage = document.getElementById("filter-stage");
  var gate = document.getElementById("filter-gate");
  var shown = document.getElementById("shown");

  function apply() {
    var q = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var t = tier.value, s = stage.value, g = gate.value, n = 0;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], ok = true;
      if (t && r.getAttribute("data-tier") !== t) ok = false;
      else if (s && r.getAttribute("data-stage") !== s) ok = false;
      else if (g && (" " + r.getAttribute("data-gate") + " ").indexOf(" " + g + " ") < 0) ok = false;
      else for (var j = 0; j < q.length; j++) if (text[i].indexOf(q[j]) < 0) { ok = false; break; }
      r.hidden = !ok;
      if (ok) n++;
    }
    shown.textContent = n + " of " + rows.length + " shown";
  }
  [box, tier, stage, gate].forEach(function (el) {
    el.addEventListener("input", apply);
    el.addEventListener("change", apply);
  });

  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th) {
    th.addEventListener("click", function () {
      var col = Number(th.getAttribute("data-col"));
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      var keyed = rows.map(function (r, i) { return [r.cells[col].textContent.toLowerCase(), i]; });
      keyed.sort(function (a, b) { return a[0] < b[0] ? -dir : a[0] > b[0] ? dir : a[1] - b[1]; });
      var order = keyed.map(function (k) { return k[1]; });
      rows = order.map(function (i) { return rows[i]; });
      text = order.map(function (i) { return text[i]; });
      var frag = document.createDocumentFragment();
      rows.forEach(function (r) { frag.appendChild(r); });
      body.appendChild(frag);
    });
  });
})();
