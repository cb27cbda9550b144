// The browser side of examples/chat: socket.io-client 4.x talking to the
// Chat namespace of examples/chat/chat.go. Every event name below has a
// handler method there (send_message → Chat.OnSendMessage, ...).
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const status = (text, cls) => { $("status").textContent = text; $("status").className = "status " + cls; };
  const showConnected = () => status("connected as " + state.me.nickname + (state.node ? " on " + state.node : ""), "connected");

  // The library comes from /static/vendor/socket.io.min.js, copied there
  // by scripts/setup.sh. Without it, say so instead of failing silently.
  if (typeof io !== "function") {
    $("missing").hidden = false;
    status("no client library", "disconnected");
    return;
  }

  const params = new URLSearchParams(location.search);
  const state = {
    me: { id: "", nickname: params.get("nickname") || "" },
    rooms: [params.get("room") || "lobby"], // joined again after every reconnect
    joined: new Set(), // rooms the server confirmed since the last connect
    current: params.get("room") || "lobby",
    target: null, // {id, nickname} for private messages
    users: new Map(),
    node: "", // the server's name, in a cluster
  };

  // auth is a function so that every reconnection sends the current nickname.
  const socket = io(document.body.dataset.namespace || "/", {
    auth: (cb) => cb({ nickname: state.me.nickname }),
  });
  window.chat = { socket }; // for the browser console and the browser test
  // Closing the page is leaving: say so, so that the others see it now
  // rather than when the recovery window of a lost connection ends.
  window.addEventListener("pagehide", () => socket.disconnect());

  // --- rendering -----------------------------------------------------------
  function line(cls, parts) {
    const li = document.createElement("li");
    li.className = cls;
    for (const [c, text] of parts) {
      const span = document.createElement("span");
      span.className = c;
      span.textContent = text;
      li.append(span);
    }
    $("log").append(li);
    li.scrollIntoView({ block: "end" });
    return li;
  }
  const notice = (text) => line("system", [["text", text]]);

  function renderRooms() {
    const ul = $("rooms");
    ul.replaceChildren();
    for (const room of state.rooms) {
      const li = document.createElement("li");
      li.dataset.room = room;
      li.dataset.joined = state.joined.has(room) ? "yes" : "no";
      li.className = room === state.current && !state.target ? "current" : "";
      li.textContent = "#" + room;
      li.onclick = () => { state.current = room; state.target = null; render(); };
      const leave = document.createElement("button");
      leave.className = "link leave";
      leave.title = "leave #" + room;
      leave.textContent = "×";
      leave.onclick = (e) => { e.stopPropagation(); leaveRoom(room); };
      li.append(leave);
      ul.append(li);
    }
  }

  function renderUsers() {
    const ul = $("users");
    ul.replaceChildren();
    for (const u of state.users.values()) {
      const li = document.createElement("li");
      li.dataset.id = u.id;
      const mine = u.id === state.me.id;
      li.textContent = u.nickname + (mine ? " (you)" : "");
      li.className = mine ? "me" : state.target && state.target.id === u.id ? "current" : "";
      if (!mine) li.onclick = () => { state.target = u; render(); };
      ul.append(li);
    }
  }

  function renderTarget() {
    $("target").textContent = state.target ? "to @" + state.target.nickname + " (private)"
      : state.current ? "to #" + state.current : "join a room first";
  }

  function render() { renderRooms(); renderUsers(); renderTarget(); }

  // showError prints the error object of an ack: {code, message, fields}.
  function showError(err) {
    if (err.code === "validation") {
      const why = err.fields.map((f) => f.rule === "required" ? f.field + " is required"
        : f.rule === "max" ? f.field + " is longer than " + f.param + " characters"
        : f.field + " fails " + f.rule);
      $("error").textContent = "Not sent: " + why.join("; ");
    } else {
      $("error").textContent = "Error: " + err.message;
    }
  }
  const clearError = () => { $("error").textContent = ""; };

  // --- connection events ---------------------------------------------------
  socket.on("connect", () => {
    status("connected", "connected");
    if (socket.recovered) {
      // Connection state recovery: the server kept this socket's rooms, and
      // the messages sent meanwhile arrive before anything new.
      for (const room of state.rooms) state.joined.add(room);
      renderRooms();
      return;
    }
    for (const room of state.rooms) {
      socket.emit("join", { room }, (res) => {
        if (res && res.error) { showError(res.error); return; }
        state.joined.add(room);
        renderRooms();
      });
    }
  });
  socket.on("disconnect", (reason) => {
    state.joined.clear();
    renderRooms();
    status("disconnected — reconnecting…", "disconnected");
    notice("disconnected (" + reason + ")");
  });
  socket.on("connect_error", (err) => status("cannot connect: " + err.message, "disconnected"));

  socket.on("welcome", (w) => {
    state.me = { id: w.id, nickname: w.nickname };
    state.node = w.node || "";
    $("nick-input").value = w.nickname;
    if (w.recovered) {
      // The list kept across the gap is still right (anyone who left or
      // joined meanwhile came as a missed event); keep those people who
      // are away for a moment themselves, like pages recovering after the
      // same restart, whom the welcome's list of connected sockets lacks.
      for (const u of w.users) state.users.set(u.id, u);
    } else {
      state.users = new Map(w.users.map((u) => [u.id, u]));
    }
    showConnected();
    notice(w.recovered ? "reconnected as " + w.nickname + ": nothing was lost" : "welcome, " + w.nickname + "!");
    render();
  });
  socket.on("user_joined", (u) => { state.users.set(u.id, u); notice(u.nickname + " joined the chat"); render(); });
  socket.on("user_left", (u) => {
    state.users.delete(u.id);
    if (state.target && state.target.id === u.id) state.target = null;
    notice(u.nickname + " left the chat");
    render();
  });
  socket.on("nickname_changed", (u) => {
    state.users.set(u.id, { id: u.id, nickname: u.nickname });
    if (u.id === state.me.id) {
      state.me.nickname = u.nickname;
      showConnected();
    }
    notice(u.old + " is now known as " + u.nickname);
    render();
  });

  // --- messages --------------------------------------------------------------
  socket.on("room_message", (m) => {
    // The message the typist was typing has arrived: the notice goes.
    // Matched by socket id, so that a rename in between does not leave it.
    if (typing && typing.id === m.from.id && typing.room === m.room) clearTyping();
    line("msg", [["room", "#" + m.room], ["from", m.from.nickname], ["text", m.text]]);
  });
  socket.on("room_notice", (m) => line("system", [["room", "#" + m.room], ["text", m.text]]));
  socket.on("private_message", (m) => line("msg private", [["room", "private"], ["from", m.from.nickname], ["text", m.text]]));

  let typingTimer;
  let typing = null; // {id, room} of the notice shown
  function clearTyping() {
    clearTimeout(typingTimer);
    typing = null;
    $("typing").textContent = "";
  }
  socket.on("typing", (t) => {
    typing = { id: t.id, room: t.room };
    $("typing").textContent = t.nickname + " is typing in #" + t.room + "…";
    clearTimeout(typingTimer);
    typingTimer = setTimeout(clearTyping, 2000);
  });

  // --- sending: every emit waits for its ack (✓) or an error ---------------
  $("send-form").onsubmit = (e) => {
    e.preventDefault();
    const text = $("message").value;
    const [event, payload, where] = state.target
      ? ["private_message", { to: state.target.id, text }, "@" + state.target.nickname]
      : ["send_message", { room: state.current, text }, "#" + state.current];
    const li = line("msg mine", [["room", where], ["from", state.me.nickname], ["text", text], ["ack", "…"]]);
    const ack = li.querySelector(".ack");
    socket.timeout(5000).emit(event, payload, (err, res) => {
      if (err) { ack.textContent = "✗ not delivered"; ack.classList.add("failed"); return; }
      if (res && res.error) { li.remove(); showError(res.error); return; }
      ack.textContent = "✓";
      ack.title = "delivered at " + res.time;
      clearError();
      $("message").value = "";
    });
  };

  let lastTyping = 0;
  $("message").oninput = () => {
    if (state.target || !state.current || Date.now() - lastTyping < 1000) return;
    lastTyping = Date.now();
    socket.volatile.emit("typing", { room: state.current }); // fine to lose
  };

  $("join-form").onsubmit = (e) => {
    e.preventDefault();
    const room = $("room-input").value.trim();
    socket.emit("join", { room }, (res) => {
      if (res && res.error) { showError(res.error); return; }
      if (!state.rooms.includes(room)) state.rooms.push(room);
      state.joined.add(room);
      state.current = room;
      state.target = null;
      $("room-input").value = "";
      clearError();
      render();
    });
  };

  function leaveRoom(room) {
    socket.emit("leave", { room }, (res) => {
      if (res && res.error) { showError(res.error); return; }
      state.rooms = state.rooms.filter((r) => r !== room);
      state.joined.delete(room);
      if (state.current === room) state.current = state.rooms[0] || "";
      render();
    });
  }

  $("nick-form").onsubmit = (e) => {
    e.preventDefault();
    socket.emit("set_nickname", { nickname: $("nick-input").value.trim() }, (res) => {
      if (res && res.error) { showError(res.error); return; }
      clearError();
    });
  };

  render();
})();
