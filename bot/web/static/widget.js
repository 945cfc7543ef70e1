/* The widget: <script src="https://bot.example.gov.vn/widget.js" data-title="…" data-color="#a50e0e"
 * data-text-color="#ffffff" data-position="right" data-lang="vi" defer></script> adds a chat
 * button and panel to the page, isolated in a shadow root so the portal's styles do not leak in. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__dvcbotWidget) return;
  window.__dvcbotWidget = true;
  var api = new URL(script.src).origin;
  var data = script.dataset;

  function boot() {
    var host = document.createElement("div");
    host.id = "dvcbot-widget";
    if (data.color) host.style.setProperty("--dvc-accent", data.color);
    if (data.textColor) host.style.setProperty("--dvc-accent-text", data.textColor);
    document.body.appendChild(host);
    var shadow = host.attachShadow({ mode: "open" });
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = api + "/chat/static/chat.css";
    shadow.appendChild(css);
    var wrap = document.createElement("div");
    wrap.className = "dvc-widget" + (data.position === "left" ? " dvc-left" : "");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "dvc-launcher";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "dvc-panel");
    var panel = document.createElement("section");
    panel.className = "dvc dvc-panel";
    panel.id = "dvc-panel";
    panel.hidden = true;
    panel.setAttribute("aria-labelledby", "dvc-title");
    wrap.appendChild(panel);
    wrap.appendChild(button);
    shadow.appendChild(wrap);
    var chat = null;
    var store = window.DvcChat.store("localStorage");
    var lang = store.getItem("dvcbot:" + api + ":lang") || data.lang || "vi";

    function toggle(open) {
      panel.hidden = !open;
      button.setAttribute("aria-expanded", String(open));
      if (open && chat) chat.input.focus();
      if (!open) button.focus();
    }
    fetch(api + "/chat/api/texts?lang=" + encodeURIComponent(lang), { credentials: "omit" })
      .then(function (r) { return r.json(); })
      .then(function (texts) {
        button.textContent = data.title || texts.title;
        button.title = texts.open; // not aria-label: the accessible name must contain the visible text
        button.addEventListener("click", function () {
          if (!chat) {
            chat = window.DvcChat(panel, {
              api: api, texts: texts, title: data.title, heading: "h2", poll: data.poll === "1",
              onClose: function () { toggle(false); }
            });
          }
          toggle(panel.hidden);
        });
        panel.addEventListener("keydown", function (e) { if (e.key === "Escape") toggle(false); });
      });
  }
  if (document.body) boot(); else document.addEventListener("DOMContentLoaded", boot);
})();
