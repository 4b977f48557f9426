/* Insyn: sortable tables, as an enhancement. Without JavaScript the table is
   complete and already in a sensible order; with it, each column heading
   becomes a button that sorts by that column (WAI-ARIA "sortable table"). */
(function () {
  "use strict";
  var collator = new Intl.Collator("sv", { numeric: true, sensitivity: "base" });

  function value(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) return numeric ? 0 : "";
    var raw = cell.getAttribute("data-varde");
    if (numeric) return Number(raw !== null ? raw : cell.textContent.replace(/\D/g, "")) || 0;
    return (raw !== null ? raw : cell.textContent).trim();
  }

  function sort(table, th, index) {
    var numeric = th.getAttribute("data-sort") === "tal";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, index, numeric), y = value(b, index, numeric);
      var order = numeric ? x - y : collator.compare(x, y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) {
      cell.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sorterbar"), function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sorteringsknapp";
      button.textContent = th.textContent;
      button.addEventListener("click", function () { sort(table, th, index); });
      th.textContent = "";
      th.appendChild(button);
    });
  });
})();
