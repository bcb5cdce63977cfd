// Curbside: a little progressive enhancement. Every page works without this file.
"use strict";

(function () {
  // The audience switch re-renders the answer in place; without JS it is a plain link.
  async function switchAudience(link) {
    const current = document.getElementById("answer");
    if (!current) {
      window.location.href = link.href;
      return;
    }
    current.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const next = page.getElementById("answer");
      if (!next) throw new Error("no answer in the response");
      current.replaceWith(document.adoptNode(next));
      document.title = page.title;
      // Mark the entry we leave too, so that Back re-renders it (see popstate below).
      if (!history.state) history.replaceState({ curbside: true }, "");
      history.pushState({ curbside: true }, "", response.url);
      const heading = next.querySelector("h1");
      if (heading) heading.focus({ preventScroll: true });
    } catch (error) {
      window.location.href = link.href; // fall back to an ordinary page load
    }
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-audience-switch]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    switchAudience(link);
  });

  // The page a history entry points at may differ from what is shown after a switch.
  window.addEventListener("popstate", function (event) {
    if (event.state && event.state.curbside) window.location.reload();
  });

  // One answer per press: questions take a moment and a second press would ask twice.
  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-ask-form]");
    if (!form) return;
    const button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
      button.textContent = "Answering…";
    }
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-ask-form] button[disabled]").forEach(function (button) {
      button.disabled = false;
      button.textContent = button.form && button.form.querySelector("[name=follow_up_of]") ? "Ask follow-up" : "Ask";
    });
  });

  // Printing shows the evidence behind every bullet.
  let opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.from(document.querySelectorAll("details:not([open])"));
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
