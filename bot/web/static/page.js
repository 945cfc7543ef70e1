/* The /chat page: the chat fills the page; its texts came with the page (a data- attribute). */
(function () {
  "use strict";
  var root = document.getElementById("dvc-root");
  var texts = JSON.parse(root.getAttribute("data-texts"));
  var chosen = window.DvcChat.store("localStorage").getItem("dvcbot:" + location.origin + ":lang");
  var params = new URLSearchParams(location.search);
  function start(t) {
    window.dvcChat = window.DvcChat(root, { api: "", texts: t, poll: params.get("poll") === "1" });
  }
  if (chosen && chosen !== texts.lang && !params.get("lang")) { // the language picked on an earlier visit
    fetch("/chat/api/texts?lang=" + chosen).then(function (r) { return r.json(); }).then(start, function () { start(texts); });
  } else {
    start(texts);
  }
})();
