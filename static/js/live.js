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

  // The phone's own corner (#play-me). The server renders it on connect and with the reply to each
  // of this player's moves; a broadcast is the one shared frame, so the corner follows it here: a
  // new question clears it, the player count updates the rank's "of n", and at reveal the frame's
  // table ("seats": score, points, outcome 0 none / 1 wrong / 2 right, three numbers per player
  // by seat) gives this phone its result and rank. Same markup and translated texts as
  // rendering.render_me; keep the two in step.
  var seat = parseInt(root.dataset.seat || "-1", 10);
  var texts = {};
  try { texts = JSON.parse(byId("me-texts").textContent); } catch (e) { texts = {}; }

  function format(text, values) {
    return String(text || "").replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
  }

  function span(css, text, testid) {
    var el = document.createElement("span");
    el.className = css;
    if (testid) el.dataset.testid = testid;
    el.textContent = text;
    return el;
  }

  function reveal(me, table) {
    var k = 3 * seat;
    if (seat < 0 || k + 2 >= table.length || table[k] === null) return;
    var score = table[k], points = table[k + 1], outcome = table[k + 2], rank = 1;
    for (var i = 0; i < table.length; i += 3) {
      if (table[i] !== null && table[i] > score) rank += 1;
    }
    var parts = [];
    if (outcome === 2) parts.push(span("fb ok", format(texts.right, { p: points })));
    else if (outcome === 1) parts.push(span("fb bad", format(texts.wrong, { p: points })));
    else if (points) parts.push(span("fb bad", format(texts.silent, { p: points })));
    else if (me.dataset.buzz === "false_start") parts.push(span("fb bad", texts.false_start_cost));
    else parts.push(span("fb", texts.none));
    var answered = me.dataset.answered;
    if (answered) parts.push(span("muted", format(texts.your_answer, { a: answered }), "my-answer"));
    if (me.dataset.wager && answered) parts.push(span("badge badge-warn", format(texts.wager, { w: me.dataset.wager })));
    var now = me.querySelector(".me-now");
    if (now) now.replaceChildren.apply(now, parts);
    var mine = me.querySelector("[data-testid=my-score]");
    if (mine) mine.textContent = format(texts.score, { score: score });
    me.dataset.result = "1";
    me.dataset.rank = String(rank);
  }

  function corner(msg) {
    var me = document.querySelector("#play-me [data-me]");
    if (!me || typeof msg.gq !== "number") return;
    if (String(msg.gq) !== me.dataset.gq) {  // the game moved on: forget the last question's bits
      me.dataset.gq = String(msg.gq);
      me.dataset.answered = me.dataset.wager = me.dataset.buzz = me.dataset.result = "";
      var now = me.querySelector(".me-now");
      if (now) now.replaceChildren();
    }
    if (msg.seats) reveal(me, msg.seats);
    var stats = me.querySelector(".me-stats");
    if (!me.dataset.rank || !stats || typeof msg.n !== "number") return;
    var rank = stats.querySelector("[data-testid=my-rank]");
    if (!rank) {
      rank = span("me-rank", "", "my-rank");
      stats.appendChild(rank);
    }
    rank.textContent = format(texts.rank, { rank: me.dataset.rank, n: msg.n });
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
      if (msg.type === "state") corner(msg);
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
