/* Insyn: choose a period of the funding trails with two lists, as an enhancement.
   Without JavaScript the filter's links (a year, or under "Flera år i följd" a first
   and a last year) lead to the same pages; with it, a small form with a first and a
   last year goes there at once and takes their place, so that the page has one period
   control, not three (a year is a period from it to itself).
   The addresses follow insyn/trails.py: one year is /pengafloden/<status>/<year>/,
   a period /pengafloden/<status>/<from>-<to>/, and every year the status page itself.
   A first year after the last is read the other way round. */
(function () {
  "use strict";

  function address(base, years, from, to) {
    if (from > to) { var swap = from; from = to; to = swap; }
    if (from === to) return base + from + "/";
    if (from === years[0] && to === years[years.length - 1]) return base;
    return base + from + "-" + to + "/";
  }

  function list(id, label, years, chosen) {
    var wrap = document.createElement("span");
    wrap.className = "periodval__falt";
    var name = document.createElement("label");
    name.htmlFor = id;
    name.textContent = label;
    var select = document.createElement("select");
    select.id = id;
    years.forEach(function (year) {
      var option = document.createElement("option");
      option.value = String(year);
      option.textContent = String(year);
      option.selected = year === chosen;
      select.appendChild(option);
    });
    wrap.appendChild(name);
    wrap.appendChild(select);
    return { wrap: wrap, select: select };
  }

  Array.prototype.forEach.call(document.querySelectorAll(".filter__period"), function (box) {
    var base = box.getAttribute("data-adress");
    var years = (box.getAttribute("data-ar") || "").split(" ").map(Number).filter(Boolean);
    if (!base || years.length < 2) return;
    var form = document.createElement("form");
    form.className = "periodval";
    form.setAttribute("aria-label", "Välj period");
    var from = list("period-fran", "Från", years, Number(box.getAttribute("data-fran")));
    var to = list("period-till", "Till", years, Number(box.getAttribute("data-till")));
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "knapp";
    button.textContent = "Visa";
    form.appendChild(from.wrap);
    form.appendChild(to.wrap);
    form.appendChild(button);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.location.assign(
        address(base, years, Number(from.select.value), Number(to.select.value))
      );
    });
    Array.prototype.forEach.call(box.children, function (child) { child.hidden = true; });
    box.insertBefore(form, box.firstChild);
  });
})();
