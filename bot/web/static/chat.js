/* dvcbot web chat: one conversation in one element (the /chat page, or the widget's panel).
 * Replies arrive as server-sent events (a polling fallback when streams fail) and are
 * acknowledged by id once shown; a reply's text is only ever set as text (textContent),
 * never as HTML. The conversation token lives in the page's own storage and is replaced by
 * the re-signed one every answer carries. No framework, no dependency. */
(function () {
  "use strict";
  var HISTORY = 60; // messages kept for a reload (sessionStorage: gone with the tab)

  function store(kind) {
    var memory = {};
    try {
      var s = window[kind];
      s.setItem("dvcbot:probe", "1");
      s.removeItem("dvcbot:probe");
      return s;
    } catch (e) { // storage disabled (private mode, blocked): remember for this page only
      return {
        getItem: function (k) { return memory.hasOwnProperty(k) ? memory[k] : null; },
        setItem: function (k, v) { memory[k] = String(v); },
        removeItem: function (k) { delete memory[k]; }
      };
    }
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function DvcChat(root, opts) {
    var api = opts.api || "";
    var key = "dvcbot:" + (api || location.origin);
    var local = store("localStorage"), session = store("sessionStorage");
    var texts = opts.texts;
    var token = local.getItem(key + ":token");
    var lastId = parseInt(session.getItem(key + ":last") || "0", 10) || 0;
    var history = [];
    var source = null, polling = false, failures = 0, counter = 0;
    try { history = JSON.parse(session.getItem(key + ":history") || "[]"); } catch (e) { history = []; }

    var head = el("div", "dvc-head");
    var title = el(opts.heading || "h1", "dvc-title", opts.title || texts.title);
    title.id = "dvc-title";
    var lang = el("button", "dvc-lang", texts.switch);
    lang.type = "button";
    head.appendChild(title);
    head.appendChild(lang);
    if (opts.onClose) {
      var close = el("button", "dvc-close", "\u00d7");
      close.type = "button";
      close.setAttribute("aria-label", texts.close);
      close.addEventListener("click", opts.onClose);
      head.appendChild(close);
    }
    var privacy = el("p", "dvc-privacy", texts.privacy);
    privacy.id = "dvc-privacy";
    var log = el("div", "dvc-log");
    log.id = "dvc-log";
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.tabIndex = 0;
    var form = el("form", "dvc-form");
    var label = el("label", "dvc-sr", texts.input);
    label.htmlFor = "dvc-input";
    var input = el("input", "dvc-input");
    input.id = "dvc-input";
    input.type = "text";
    input.autocomplete = "off";
    input.maxLength = 1000;
    input.setAttribute("aria-describedby", "dvc-privacy");
    var send = el("button", "dvc-send", texts.send);
    send.type = "submit";
    var status = el("p", "dvc-status");
    status.setAttribute("role", "status");
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(send);
    [head, privacy, log, form, status].forEach(function (node) { root.appendChild(node); });

    function applyTexts(t) {
      texts = t;
      if (!opts.title) title.textContent = t.title;
      lang.textContent = t.switch;
      lang.setAttribute("aria-label", t.switch_label + ": " + t.switch);
      lang.setAttribute("lang", t.other);
      privacy.textContent = t.privacy;
      log.setAttribute("aria-label", t.log);
      label.textContent = t.input;
      input.placeholder = t.placeholder;
      send.textContent = t.send;
      root.setAttribute("lang", t.lang);
    }

    function request(method, path, body) {
      var init = { method: method, headers: { "Content-Type": "text/plain" }, credentials: "omit" };
      if (body) init.body = JSON.stringify(body);
      return fetch(api + "/chat/api/" + path, init).then(function (r) {
        if (!r.ok) throw new Error(r.status + "");
        return r.json();
      }).then(function (data) {
        if (data.token) { token = data.token; local.setItem(key + ":token", token); }
        return data;
      });
    }

    function remember(item) {
      history.push(item);
      if (history.length > HISTORY) history = history.slice(-HISTORY);
      session.setItem(key + ":history", JSON.stringify(history));
      session.setItem(key + ":last", String(lastId));
    }

    function showUser(text) {
      var bubble = el("div", "dvc-msg dvc-user");
      bubble.appendChild(el("span", "dvc-sr", texts.you + ": "));
      bubble.appendChild(el("span", "dvc-text", text));
      log.appendChild(bubble);
      log.scrollTop = log.scrollHeight;
    }

    function showReply(reply, version) {
      var bubble = el("div", "dvc-msg dvc-bot");
      bubble.appendChild(el("span", "dvc-sr", texts.bot + ": "));
      bubble.appendChild(el("span", "dvc-text", reply.text));
      (reply.links || []).forEach(function (pair) {
        if (!/^https:\/\//i.test(pair[1])) return; // official pages are https; nothing else is a link
        var a = el("a", "dvc-link", pair[0]);
        a.href = pair[1];
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        a.appendChild(el("span", "dvc-sr", " " + texts.new_tab));
        bubble.appendChild(a);
      });
      if ((reply.options || []).length) {
        var group = el("div", "dvc-options");
        reply.options.forEach(function (pair) {
          var b = el("button", "dvc-option", pair[0]);
          b.type = "button";
          b.addEventListener("click", function () {
            showUser(pair[0]);
            remember({ who: "user", text: pair[0] });
            post({ payload: pair[1], version: version });
            input.focus();
          });
          group.appendChild(b);
        });
        bubble.appendChild(group);
      }
      log.appendChild(bubble);
      log.scrollTop = log.scrollHeight;
    }

    function post(message) {
      message.token = token;
      message.locale = texts.lang;
      message.id = Date.now().toString(36) + "-" + (counter++);
      return request("POST", "send", message).then(function () { status.textContent = ""; },
        function () { status.textContent = texts.error; });
    }

    function receive(event) {
      if (event.id > lastId) {
        lastId = event.id;
        showReply(event.reply, event.version);
        remember({ who: "bot", reply: event.reply, version: event.version });
      }
      request("POST", "ack", { token: token, id: event.id }).catch(function () {});
    }

    function poll() {
      polling = true;
      request("GET", "poll?token=" + encodeURIComponent(token) + "&last=" + lastId).then(function (data) {
        status.textContent = "";
        data.events.forEach(receive);
        poll();
      }, function () {
        status.textContent = texts.offline;
        setTimeout(poll, 3000);
      });
    }

    function stream() {
      if (!window.EventSource || opts.poll) return poll();
      source = new EventSource(api + "/chat/api/stream?token=" + encodeURIComponent(token) + "&last=" + lastId);
      source.onopen = function () { failures = 0; status.textContent = ""; };
      source.onmessage = function (e) { receive(JSON.parse(e.data)); };
      source.onerror = function () {
        status.textContent = texts.offline;
        failures += 1;
        if (failures >= 3 && source.readyState !== 1) { // streams keep failing here: poll instead
          source.close();
          source = null;
          poll();
        }
      };
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      input.value = "";
      showUser(text);
      remember({ who: "user", text: text });
      post({ text: text });
    });

    lang.addEventListener("click", function () {
      var other = texts.other;
      fetch(api + "/chat/api/texts?lang=" + other, { credentials: "omit" }).then(function (r) { return r.json(); })
        .then(function (t) {
          applyTexts(t);
          local.setItem(key + ":lang", t.lang);
          post({ lang: t.lang });
        });
    });

    applyTexts(texts);
    history.forEach(function (item) {
      if (item.who === "user") showUser(item.text); else showReply(item.reply, item.version);
    });
    request("POST", "session", { token: token }).then(function (data) {
      if (!data.resumed) { history = []; lastId = 0; log.textContent = ""; session.removeItem(key + ":history"); }
      stream();
      if (!history.length) post({ start: true });
    }, function () { status.textContent = texts.offline; });

    return { input: input, close: function () { if (source) source.close(); }, polling: function () { return polling; } };
  }

  DvcChat.store = store;
  window.DvcChat = DvcChat;
})();
