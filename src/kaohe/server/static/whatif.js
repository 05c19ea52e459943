// The what-if panel: every change of a field asks the server which grades change
// (/whatif/changes, server-rendered HTML) and shows the answer; the latest answer wins.
"use strict";
(function () {
  const form = document.getElementById("whatif");
  const target = document.getElementById("changes");
  if (!form || !target) return;
  let asked = 0;
  let timer = null;

  async function refresh() {
    const query = new URLSearchParams(new FormData(form)).toString();
    const mine = ++asked;
    target.setAttribute("aria-busy", "true");
    const response = await fetch("/whatif/changes?" + query, { credentials: "same-origin" });
    const html = await response.text();
    if (mine !== asked) return;
    target.innerHTML = html;
    target.removeAttribute("aria-busy");
    target.dataset.query = query;
    history.replaceState(null, "", "/whatif?" + query);
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 120);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    refresh();
  });
})();
