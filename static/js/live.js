// Live drill screens: one WebSocket per page. The server sends HTML fragments keyed by element
// id and is the only judge; buttons send small JSON messages. Reconnects with backoff and then
// gets the whole current state from the server at once.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root) return;
  var path = root.dataset.live;
  var playerId = root.dataset.player || "";
  var socket = null, attempts = 0, stopped = false;
  // Every state frame carries the game's version: an older one is stale and dropped, a jump
  // past the next one means a frame was missed, and the server is asked for a snapshot.
  var version = -1;

  function byId(id) { return document.getElementById(id); }

  function banner(text) {
    var el = byId("live-banner");
    if (!el) return;
    el.textContent = text || "";
    el.hidden = !text;
  }

  function flash(text) {
    var el = byId("live-flash");
    if (!el) return;
    el.textContent = text;
    el.hidden = false;
    clearTimeout(flash.timer);
    flash.timer = setTimeout(function () { el.hidden = true; }, 4000);
  }

  // What this player already did on the current question disables the matching buttons.
  function applyLocks() {
    var me = document.querySelector("#play-me [data-me]");
    var stage = byId("play-stage");
    if (!stage) return;
    var done = { answer: false, wager: false, buzz: false };
    if (me) {
      done.answer = !!me.dataset.answered || me.dataset.result === "1";
      done.wager = !!me.dataset.wager;
      done.buzz = me.dataset.buzz === "false_start" || me.dataset.buzz === "late" || me.dataset.buzz === "won";
    }
    stage.querySelectorAll("[data-action]").forEach(function (el) {
      var off = done[el.dataset.action];
      el.querySelectorAll("button, input").forEach(function (c) { c.disabled = off; });
      el.classList.toggle("is-done", off);
    });
    document.querySelectorAll("[data-only-player]").forEach(function (el) {
      el.hidden = el.dataset.onlyPlayer !== playerId;
    });
  }

  // The lobby shows the join address; fragments are rendered without a request, the page knows it.
  function fillJoinUrl() {
    var holder = document.querySelector("[data-join-url]");
    document.querySelectorAll("[data-join-url-slot]").forEach(function (el) {
      el.textContent = holder ? holder.dataset.joinUrl : "";
    });
  }

  function apply(html) {
    Object.keys(html || {}).forEach(function (id) {
      var el = byId(id);
      if (el) el.innerHTML = html[id];
    });
    applyLocks();
    fillJoinUrl();
    document.dispatchEvent(new CustomEvent("htmx:afterSwap"));  // app.js redraws countdowns
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + path);
    socket.onopen = function () { attempts = 0; banner(""); root.dataset.connected = "1"; version = -1; };
    socket.onmessage = function (event) {
      var msg = JSON.parse(event.data);
      if (typeof msg.v === "number") {
        if (msg.v < version) return;  // stale: a newer state is already on the screen
        if (msg.type === "state") {
          var gap = version >= 0 && msg.v > version + 1;
          version = msg.v;
          root.dataset.version = String(version);
          if (gap) send({ type: "sync" });
        }
      }
      if (msg.html) apply(msg.html);
      if (msg.type === "error") flash(msg.message);
      if (msg.type === "removed") { stopped = true; banner(msg.message); }
    };
    socket.onclose = function (event) {
      root.dataset.connected = "";
      if (stopped || event.code === 4403 || event.code === 4429) {
        banner(root.dataset.closedText || "");
        return;
      }
      attempts += 1;
      banner(root.dataset.reconnectText || "");
      setTimeout(connect, Math.min(8000, 400 * Math.pow(2, attempts)));
    };
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    else flash(root.dataset.reconnectText || "");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-send]");
    if (!button || button.disabled) return;
    event.preventDefault();
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    send(JSON.parse(button.dataset.send));
  });

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-send-form]");
    if (!form) return;
    event.preventDefault();
    var message = JSON.parse(form.dataset.sendForm);
    var labels = Array.prototype.map.call(form.querySelectorAll("input[name=labels]:checked"), function (i) { return i.value; });
    if (labels.length) message.labels = labels;
    var text = form.querySelector("input[name=text]");
    if (text) message.text = text.value;
    send(message);
  });

  applyLocks();
  fillJoinUrl();
  connect();
})();
