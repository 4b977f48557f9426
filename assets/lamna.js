/* Insyn: "Lämna sidan snabbt", the quick exit of sites about violence at home.
   Without JavaScript it is a plain link to a neutral site. With it, the link replaces
   this page in the history (location.replace: Back does not return here), the page is
   hidden at once, and pressing Shift three times does the same, as GOV.UK's "Exit this
   page" does. */
(function () {
  "use strict";
  var link = document.querySelector("[data-lamna]");
  if (!link) return;
  var presses = 0;
  var timer = null;

  function leave(event) {
    if (event) event.preventDefault();
    document.documentElement.hidden = true;
    document.title = "";
    window.location.replace(link.href);
  }

  link.addEventListener("click", leave);
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      presses = 0;
      return;
    }
    presses += 1;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { presses = 0; }, 5000);
    if (presses >= 3) leave();
  });
  var tip = document.querySelector("[data-lamna-tips]");
  if (tip) tip.hidden = false;
})();
