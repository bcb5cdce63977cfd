// Curbside review page: textareas that grow with their text, and bullets moved on the page.
// Loaded only by review.html, as a file (the Content-Security-Policy allows no inline script).
// Without it the page still works: textareas scroll, and the position fields set the order.
"use strict";

(function () {
  let dirty = false; // the edit form holds changes not saved yet

  // Setting a style property from script is CSSOM, which style-src 'self' allows.
  function grow(area) {
    area.style.height = "auto";
    area.style.height = area.scrollHeight + 2 + "px"; // + the borders, so no scroll bar shows
  }
  document.querySelectorAll("main textarea").forEach(grow);
  document.addEventListener("input", function (event) {
    if (event.target.matches("main textarea")) grow(event.target);
  });
  // Closed <details> and narrower windows change how much room the text needs.
  window.addEventListener("resize", function () {
    document.querySelectorAll("main textarea").forEach(grow);
  });

  // Moving a bullet only changes the page and its position fields; one Save keeps the order.
  function renumber(list) {
    const rows = Array.from(list.querySelectorAll(":scope > .review-bullet"));
    rows.forEach(function (row, index) {
      const position = row.querySelector("[data-position]");
      if (position) position.value = String(index + 1);
      const number = row.querySelector("[data-bullet-number]");
      if (number) number.textContent = String(index + 1);
      const up = row.querySelector("[data-move=up]");
      const down = row.querySelector("[data-move=down]");
      if (up) up.hidden = index === 0;
      if (down) down.hidden = index === rows.length - 1;
    });
  }
  // A refused save comes back with the positions as typed: show the rows in that order,
  // by the rule the server applies (a bullet moved up goes before the one it displaces).
  function arrange(list) {
    const rows = Array.from(list.querySelectorAll(":scope > .review-bullet"));
    const keyed = rows.map(function (row, index) {
      const field = row.querySelector("[data-position]");
      const wanted = field && /^\s*\d+\s*$/.test(field.value) ? Number(field.value) : index + 1;
      return [wanted, Math.sign(wanted - (index + 1)), index, row];
    });
    keyed.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
    keyed.forEach(function (k) { list.appendChild(k[3]); });
    renumber(list);
  }
  document.querySelectorAll(".bullet-list").forEach(arrange);

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-move]");
    if (!button) return;
    const row = button.closest(".review-bullet");
    const list = row.parentElement;
    if (button.dataset.move === "up" && row.previousElementSibling) {
      list.insertBefore(row, row.previousElementSibling);
    } else if (button.dataset.move === "down" && row.nextElementSibling) {
      list.insertBefore(row.nextElementSibling, row);
    }
    renumber(list);
    dirty = true;
    const same = row.querySelector("[data-move=" + button.dataset.move + "]");
    (same && !same.hidden ? same : row.querySelector("textarea")).focus();
  });

  // A decision applies to the saved version: say so before unsaved edits are left behind.
  const editForm = document.getElementById("edit-form");
  if (editForm) {
    editForm.addEventListener("input", function () { dirty = true; });
    editForm.addEventListener("submit", function () { dirty = false; });
  }
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!dirty || form === editForm || !form.matches("form.decision")) return;
    if (!window.confirm("Your changes to the answer are not saved. Decide without them?")) {
      event.preventDefault();
    }
  });
})();
