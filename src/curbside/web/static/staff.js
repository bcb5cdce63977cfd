// Staff pages (review queue, library editor): "choose all", and the upload's progress.
// Everything works without it; this only adds what a plain form cannot show.
(function () {
  "use strict";

  document.querySelectorAll("[data-pick-all]").forEach(function (button) {
    var boxes = document.querySelectorAll('input[type="checkbox"][form="' + button.form.id + '"]');
    if (!boxes.length) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var all = Array.prototype.every.call(boxes, function (b) { return b.checked; });
      boxes.forEach(function (b) { b.checked = !all; });
      button.textContent = all ? "Choose all on this page" : "Choose none";
    });
  });

  // Upload with a progress bar: the bytes sent, then "reading and indexing" until the
  // server answers; then the results page (a redirect) or the refusal is shown.
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var bar = form.querySelector("progress");
    var status = form.querySelector("[data-upload-status]");
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) return;
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      var button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      bar.hidden = false;
      bar.value = 0;
      status.textContent = "Uploading…";
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        bar.max = e.total;
        bar.value = e.loaded;
        status.textContent = "Uploading: " + Math.round((100 * e.loaded) / e.total) + "%";
        if (e.loaded === e.total) {
          bar.removeAttribute("value"); // indeterminate while the server reads the files
          status.textContent = "Uploaded; reading and indexing the files…";
        }
      });
      xhr.addEventListener("load", function () {
        if (xhr.status === 200 && xhr.responseURL && xhr.responseURL !== form.action) {
          window.location.assign(xhr.responseURL);
          return;
        }
        var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var main = page.querySelector("main");
        if (main) document.querySelector("main").replaceWith(main);
        else status.textContent = "The upload failed (" + xhr.status + ").";
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        status.textContent = "The upload did not reach the server; try again.";
      });
      xhr.open("POST", form.action);
      xhr.send(new FormData(form));
    });
  });
})();
