// The live part of the room page. Everything the server sends here is an
// HTML fragment it built and escaped itself; nothing a visitor typed or a
// socket carried arrives unescaped.
(function () {
  "use strict";
  if (!window.EventSource) return;
  var keep = 200; // lines kept on screen
  var list = document.getElementById("events");
  var es = new EventSource("/events");
  function add(html, cls) {
    var empty = list.querySelector(".empty");
    if (empty) list.removeChild(empty);
    var li = document.createElement("li");
    if (cls) li.className = cls;
    li.innerHTML = html;
    list.appendChild(li);
    while (list.children.length > keep) list.removeChild(list.firstChild);
  }
  es.addEventListener("traffic", function (m) { add(m.data, ""); });
  es.addEventListener("skipped", function (m) { add(m.data, "skipped"); });
  es.addEventListener("totals", function (m) { document.getElementById("totals").innerHTML = m.data; });
  es.addEventListener("step", function (m) { document.getElementById("step").innerHTML = m.data; });
})();
