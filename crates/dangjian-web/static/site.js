// Small enhancements over pages that work without JavaScript:
// font size switch (字体 大中小), elder mode, and the bookmark / home-page hints.
(function () {
  "use strict";
  var YEAR = 60 * 60 * 24 * 365;
  function setCookie(name, value) {
    document.cookie = name + "=" + value + "; path=/; max-age=" + YEAR + "; SameSite=Lax";
  }

  // 字体 大/中/小: switch at once and remember the choice.
  var body = document.getElementById("article-body");
  document.querySelectorAll("a[data-font]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (!body) return;
      e.preventDefault();
      var size = a.getAttribute("data-font");
      body.classList.remove("fs-s", "fs-m", "fs-l");
      body.classList.add("fs-" + size);
      document.querySelectorAll("a[data-font]").forEach(function (b) {
        b.classList.toggle("on", b === a);
        if (b === a) b.setAttribute("aria-current", "true"); else b.removeAttribute("aria-current");
      });
      setCookie("fs", size);
    });
  });

  // 长者模式
  var elder = document.getElementById("elder-toggle");
  if (elder) {
    elder.addEventListener("click", function (e) {
      e.preventDefault();
      var on = document.documentElement.classList.toggle("elder");
      setCookie("elder", on ? "1" : "0");
      elder.textContent = on ? "退出长者模式" : "长者模式";
      elder.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  // 设为首页 / 加入收藏: browsers no longer let a page do either, so show how.
  var tip = document.getElementById("bookmark-tip");
  var mac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
  function show(text) {
    if (!tip) return;
    tip.querySelector("p").textContent = text;
    tip.classList.add("show");
  }
  var fav = document.getElementById("add-fav");
  if (fav) fav.addEventListener("click", function (e) {
    e.preventDefault();
    show("请按 " + (mac ? "⌘+D" : "Ctrl+D") + " 将本站加入收藏夹。");
  });
  var home = document.getElementById("set-home");
  if (home) home.addEventListener("click", function (e) {
    e.preventDefault();
    show("请在浏览器“设置 → 启动时 / 主页”中填入本站地址：" + location.origin + "/");
  });
  var close = document.getElementById("bookmark-tip-close");
  if (close) close.addEventListener("click", function (e) {
    e.preventDefault();
    tip.classList.remove("show");
    if (location.hash === "#bookmark-tip") history.replaceState(null, "", location.pathname + location.search);
  });
})();
