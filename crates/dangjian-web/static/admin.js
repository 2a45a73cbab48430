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
  // Uploads: the file input and pasted images go to /admin/media; the Markdown the
  // server returns is inserted at the cursor.
  var status = document.getElementById("upload-status");
  function insert(text) {
    var a = src.selectionStart, b = src.selectionEnd;
    src.value = src.value.slice(0, a) + "\n" + text + "\n" + src.value.slice(b);
    src.selectionStart = src.selectionEnd = a + text.length + 2;
    refresh();
  }
  function upload(file) {
    if (status) status.textContent = "正在上传 " + (file.name || "图片") + "…";
    var fd = new FormData();
    fd.append("file", file, file.name || "粘贴的图片.png");
    fetch("/admin/media", { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json" }, body: fd })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (j.markdown) { insert(j.markdown); if (status) status.textContent = "已上传。"; }
        else if (status) status.textContent = j.error || "上传失败";
      })
      .catch(function () { if (status) status.textContent = "上传失败，请重试"; });
  }
  var input = document.getElementById("upload-file");
  if (input) input.addEventListener("change", function () {
    if (input.files && input.files[0]) upload(input.files[0]);
    input.value = "";
  });
  src.addEventListener("paste", function (e) {
    var items = (e.clipboardData && e.clipboardData.files) || [];
    for (var i = 0; i < items.length; i++) {
      if (/^image\//.test(items[i].type)) { e.preventDefault(); upload(items[i]); }
    }
  });
  src.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
})();
// Print buttons (the 群众评价 cards): hidden in the page, shown here because they need script.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
