// Backend enhancements: live Markdown preview in the editor (the server renders and
// sanitises it exactly as on save, so the preview is what the portal will show).
(function () {
  "use strict";
  var src = document.getElementById("body-md");
  var out = document.getElementById("preview");
  if (!src || !out) return;
  var timer = null;
  var seq = 0;
  function refresh() {
    var mine = ++seq;
    fetch("/admin/preview", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "body_md=" + encodeURIComponent(src.value)
    }).then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null && mine === seq) out.innerHTML = html; })
      .catch(function () {});
  }
  src.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
})();
