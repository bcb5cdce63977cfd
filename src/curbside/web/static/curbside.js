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

  // Where the server's engine is an LLM, watch its draft take shape (numbers hidden until
  // checked), then go to the verified answer. Without this the form posts to /ask and the
  // browser waits for the verified answer; on any trouble the form is sent that way too.
  function draftBox(form) {
    let box = document.getElementById("draft");
    if (!box) {
      box = document.createElement("section");
      box.id = "draft";
      box.className = "draft";
      box.setAttribute("aria-live", "polite");
      box.setAttribute("aria-busy", "true");
      const heading = document.createElement("h2");
      heading.textContent = "Draft, being checked against its sources";
      const note = document.createElement("p");
      note.className = "meta";
      note.textContent = "Numbers are hidden until each statement is verified; the checked answer replaces this draft.";
      box.append(heading, note, document.createElement("ol"));
      form.after(box);
    }
    return box;
  }

  function showDraft(form, statements) {
    const list = draftBox(form).querySelector("ol");
    list.replaceChildren(...statements.map(function (text) {
      const item = document.createElement("li");
      item.textContent = text; // text, never HTML: the draft is the model's, unchecked
      return item;
    }));
  }

  async function askStreaming(form) {
    const response = await fetch(form.dataset.stream, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
      headers: { Accept: "text/event-stream" },
    });
    if (!response.ok || !response.body) throw new Error("HTTP " + response.status);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the stream ended without an answer");
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const kind = (block.match(/^event: (.*)$/m) || [])[1];
        const data = (block.match(/^data: (.*)$/m) || [])[1];
        if (!kind || data === undefined) continue;
        const payload = JSON.parse(data);
        if (kind === "draft") showDraft(form, payload.statements);
        else if (kind === "done") { window.location.assign(payload.location); return; }
        else throw new Error("refused");
      }
    }
  }

  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-ask-form][data-stream]");
    if (!form || event.defaultPrevented || !window.TextDecoderStream) return;
    event.preventDefault();
    askStreaming(form).catch(function () {
      const box = document.getElementById("draft");
      if (box) box.remove();
      form.submit(); // the ordinary post: its page says what went wrong, beside the box
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
