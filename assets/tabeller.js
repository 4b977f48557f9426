/* Insyn: a visible cue on a table wider than the screen. Without JavaScript the table
   already scrolls inside its own labelled region, with shadows at the edge that has more
   (insyn.css); with it, a line above the region says so in words, while it is so. */
(function () {
  "use strict";
  var regions = document.querySelectorAll(".tabellram");
  if (!regions.length) return;

  function mark(region) {
    var wide = region.scrollWidth > region.clientWidth + 1;
    var tip = region.previousElementSibling;
    var has = tip !== null && tip.classList.contains("tabelltips");
    if (wide) {
      region.setAttribute("data-rullar", "");
      if (!has) {
        tip = document.createElement("p");
        tip.className = "tabelltips";
        tip.setAttribute("aria-hidden", "true");
        tip.textContent = "Tabellen är bredare än skärmen: rulla i sidled för alla kolumner →";
        region.parentNode.insertBefore(tip, region);
      }
    } else {
      region.removeAttribute("data-rullar");
      if (has) tip.remove();
    }
  }

  function markAll() {
    for (var i = 0; i < regions.length; i += 1) mark(regions[i]);
  }

  markAll();
  if ("ResizeObserver" in window) {
    var observer = new ResizeObserver(markAll);
    for (var i = 0; i < regions.length; i += 1) observer.observe(regions[i]);
  } else {
    window.addEventListener("resize", markAll);
  }
})();
