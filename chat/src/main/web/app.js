// The Chorus web chat: plain JavaScript over the HTTP auth API and Socket.IO.
// Every piece of text that comes from a user is put on the page with textContent, never as HTML.
'use strict';

(function () {
  const PAGE = 50;                 // messages per history page
  const CATCH_UP_PAGES = 10;       // pages fetched to fill the gap after a reconnection
  const TYPING_EVERY_MS = 2000;    // at most one `typing` event per this long
  const TYPING_SHOWN_MS = 3500;    // how long someone shows as typing after their last `typing`
  const ROOMS_EVERY_MS = 15000;    // how often the room list refreshes
  const ACK_TIMEOUT_MS = 10000;

  const $ = (id) => document.getElementById(id);
  const ui = {
    banner: $('banner'), account: $('account'), me: $('me'), logout: $('logout'), adminLink: $('admin-link'),
    auth: $('auth'), loginForm: $('login-form'), username: $('username'), password: $('password'),
    authError: $('auth-error'), registerBtn: $('register-btn'), loginBtn: $('login-btn'),
    chat: $('chat'), joinForm: $('join-form'), roomInput: $('room-input'), joinedList: $('joined-list'),
    roomList: $('room-list'), roomTitle: $('room-title'), leave: $('leave'), messages: $('messages'),
    older: $('older'), messageList: $('message-list'), empty: $('empty'), typing: $('typing'),
    chatError: $('chat-error'), sendForm: $('send-form'), sendText: $('send-text'), sendBtn: $('send-btn'),
    memberList: $('member-list'), directForm: $('direct-form'), directInput: $('direct-input'),
    directList: $('direct-list'),
  };

  /**
   * Who is logged in, the socket, the conversations open (key -> state) and the one shown. A room's key is its name;
   * a direct conversation's is '@' and the other user's name (room names cannot start with '@').
   */
  const state = {
    user: null,
    socket: null,
    rooms: new Map(),
    current: null,
    everyRoom: [],
    roomsTimer: null,
    lastTyping: 0,
    bannerTimer: null,
    connectedOnce: false,
    reconnected: false,
    roomsSoon: null,
  };

  // ---- small DOM helpers ----------------------------------------------------------------------------------

  /** An element with a class and text: text always through textContent. */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function show(node, text) {
    node.textContent = text || '';
    node.hidden = !text;
  }

  function banner(text, kind, fadeMs) {
    clearTimeout(state.bannerTimer);
    ui.banner.className = 'banner' + (kind ? ' ' + kind : '');
    ui.banner.dataset.state = kind || 'busy';
    show(ui.banner, text);
    if (fadeMs) state.bannerTimer = setTimeout(() => show(ui.banner, ''), fadeMs);
  }

  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

  // ---- HTTP auth API ----------------------------------------------------------------------------------------

  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    let json = {};
    try { json = await response.json(); } catch (e) { /* no body */ }
    return { status: response.status, ok: response.ok, json };
  }

  async function submitCredentials(path) {
    const username = ui.username.value.trim();
    const password = ui.password.value;
    if (!username || !password) {
      show(ui.authError, 'Enter a username and a password.');
      return;
    }
    ui.loginBtn.disabled = ui.registerBtn.disabled = true;
    show(ui.authError, '');
    try {
      const { ok, status, json } = await api('POST', path, { username, password });
      if (ok) {
        ui.password.value = '';
        enterChat(json.user);
      } else if (status === 429 && json.retryAfterSeconds) {
        show(ui.authError, (json.error || 'Too many attempts') + ` (retry in ${json.retryAfterSeconds} s)`);
      } else {
        show(ui.authError, json.error || `Request failed (${status})`);
      }
    } catch (e) {
      show(ui.authError, 'The server cannot be reached.');
    } finally {
      ui.loginBtn.disabled = ui.registerBtn.disabled = false;
    }
  }

  ui.loginForm.addEventListener('submit', (event) => {
    event.preventDefault();
    submitCredentials('/login');
  });
  ui.registerBtn.addEventListener('click', () => submitCredentials('/register'));

  ui.logout.addEventListener('click', async () => {
    try { await api('POST', '/logout'); } catch (e) { /* the session goes with the page anyway */ }
    leaveChat('');
  });

  function showLogin(message) {
    ui.chat.hidden = true;
    ui.account.hidden = true;
    ui.auth.hidden = false;
    show(ui.authError, message);
    show(ui.banner, '');
    ui.username.focus();
  }

  // ---- the chat -----------------------------------------------------------------------------------------------

  function storageKey() {
    return 'chorus.rooms.' + state.user;
  }

  function saveRooms() {
    try {
      localStorage.setItem(storageKey(), JSON.stringify({ rooms: [...state.rooms.keys()], current: state.current }));
    } catch (e) { /* private mode: rooms are simply not remembered */ }
  }

  function savedRooms() {
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey()) || '{}');
      return { rooms: Array.isArray(saved.rooms) ? saved.rooms.filter((r) => typeof r === 'string') : [],
        current: typeof saved.current === 'string' ? saved.current : null };
    } catch (e) {
      return { rooms: [], current: null };
    }
  }

  function roomState(name) {
    const peer = isDirect(name) ? name.slice(1) : null;
    return { name, peer, messages: [], ids: new Set(), members: new Set(), typing: new Map(), unread: 0,
      complete: false, loadingOlder: false, joined: false };
  }

  function isDirect(key) {
    return key.startsWith('@');
  }

  /** A direct message as the page shows every message. */
  function fromDirect(message) {
    return { id: message.id, user: message.from, text: message.text, ts: message.ts };
  }

  function enterChat(user) {
    state.user = user;
    ui.me.textContent = user;
    ui.auth.hidden = true;
    ui.account.hidden = false;
    ui.chat.hidden = false;
    state.rooms = new Map();
    const saved = savedRooms();
    saved.rooms.forEach((name) => state.rooms.set(name, roomState(name)));
    state.current = saved.current && state.rooms.has(saved.current) ? saved.current
      : (state.rooms.keys().next().value || null);
    render();
    connect();
    ui.roomInput.focus();
    api('GET', '/me').then(({ ok, json }) => { ui.adminLink.hidden = !(ok && json.admin); }).catch(() => {});
  }

  function leaveChat(message) {
    if (state.socket) {
      state.socket.io.off();
      state.socket.off();
      state.socket.disconnect();
      state.socket = null;
    }
    clearInterval(state.roomsTimer);
    clearTimeout(state.roomsSoon);
    state.rooms.forEach((room) => room.typing.forEach(clearTimeout));
    state.user = null;
    state.rooms = new Map();
    state.current = null;
    ui.adminLink.hidden = true;
    ui.messageList.replaceChildren();
    showLogin(message);
  }

  /** A key for one message, unique enough among one user's messages of the last minutes. */
  function newClientId() {
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  /** An event with an acknowledgement, as a promise: rejects on timeout or an {error} reply. */
  function call(event, data) {
    return new Promise((resolve, reject) => {
      if (!state.socket) { reject(new Error('not connected')); return; }
      state.socket.timeout(ACK_TIMEOUT_MS).emit(event, data, (err, reply) => {
        if (err) reject(new Error('no answer from the server'));
        else if (reply && reply.error) reject(new Error(reply.error));
        else resolve(reply);
      });
    });
  }

  function connect() {
    banner('Connecting…');
    state.connectedOnce = false;
    // Requests not answered (the connection broke, the node went away) are sent again once reconnected; messages
    // carry a key of their own so that the server sends each one once however often it comes.
    const socket = io({ withCredentials: true, retries: 3, ackTimeout: ACK_TIMEOUT_MS });
    state.socket = socket;
    window.chorusSocket = socket; // for the browser tests and the curious

    socket.on('connect', () => {
      ui.banner.dataset.recovered = String(socket.recovered);
      if (state.reconnected) {
        state.reconnected = false;
        banner(socket.recovered ? 'Reconnected' : 'Reconnected — rooms and history reloaded', 'ok', 3000);
      }
      if (socket.recovered) {
        // The server replayed what we missed, so the rooms are as they were; a catch-up by id costs little and
        // covers anything the replay could not have (history written while no event reached us).
        state.rooms.forEach((room) => {
          room.joined = true;
          (room.peer ? catchUpDirect(room) : catchUp(room)).catch(() => {});
        });
        return;
      }
      if (!state.connectedOnce) {
        state.connectedOnce = true;
        banner('Connected', 'ok', 1500);
      }
      // A fresh session (first connection, or a reconnection the server could not recover):
      // join the rooms again and reload their history.
      state.rooms.forEach((room) => (room.peer ? openDirect(room.peer, false) : joinRoom(room.name, false)));
      refreshRooms();
    });
    socket.on('disconnect', (reason) => {
      state.rooms.forEach((room) => { room.joined = false; });
      if (reason === 'io server disconnect') {
        // The server let us go and the client will not come back by itself: an admin's kick, or a logout elsewhere.
        api('GET', '/me').then(({ ok }) => {
          if (!ok) leaveChat('Your session has ended: please log in again.');
          else banner('Disconnected by the server', 'bad');
        }).catch(() => banner('Disconnected by the server', 'bad'));
      } else if (reason !== 'io client disconnect') {
        banner('Reconnecting…');
      }
    });
    socket.on('connect_error', (err) => {
      if (err && err.message === 'unauthorized') {
        leaveChat('Your session has ended: please log in again.');
      } else if (!socket.active) {
        banner('Connection refused: ' + (err && err.message ? err.message : 'unknown reason'), 'bad');
      } else {
        banner('Reconnecting…');
      }
    });
    socket.io.on('open', () => {
      // Which transport carries the chat: polling first, then (normally) upgraded to WebSocket.
      const engine = socket.io.engine;
      ui.banner.dataset.transport = engine.transport.name;
      engine.on('upgrade', (transport) => { ui.banner.dataset.transport = transport.name; });
    });
    socket.io.on('reconnect_attempt', (attempt) => banner(`Reconnecting… (attempt ${attempt})`));
    socket.io.on('reconnect', () => {
      // The connection is back; the socket's own CONNECT (recovered or not) follows.
      state.reconnected = true;
      banner('Reconnected', 'ok', 3000);
    });
    socket.on('error', (payload) => banner((payload && payload.message) || 'error', 'bad'));

    socket.on('message', (message) => {
      const room = state.rooms.get(message.room);
      if (!room) return;
      addMessages(room, [message], false);
      stopTyping(room, message.user);
      if (room.name !== state.current) {
        room.unread += 1;
        renderRooms();
      }
    });
    socket.on('presence', ({ room: name, user, status }) => {
      const room = state.rooms.get(name);
      if (!room) return;
      if (status === 'online') room.members.add(user);
      else { room.members.delete(user); stopTyping(room, user); }
      if (name === state.current) renderMembers();
      clearTimeout(state.roomsSoon);
      state.roomsSoon = setTimeout(refreshRooms, 300);
    });
    socket.on('dm', (message) => {
      const peer = message.from === state.user ? message.to : message.from;
      let room = state.rooms.get('@' + peer);
      if (!room) {
        room = roomState('@' + peer);
        room.joined = true;
        state.rooms.set(room.name, room);
        saveRooms();
        // A conversation someone else opened: what came before this message is a scroll away.
        loadLatestDirect(room).catch(() => {});
      }
      addMessages(room, [fromDirect(message)], false);
      if (room.name !== state.current) {
        room.unread += 1;
        renderRooms();
      }
    });
    socket.on('room-closed', ({ room: name }) => {
      if (!forgetRoom(name)) return;
      refreshRooms();
      banner(`“${name}” was closed by an admin`, 'bad', 5000);
    });
    socket.on('typing', ({ room: name, user }) => {
      const room = state.rooms.get(name);
      if (!room || user === state.user) return;
      clearTimeout(room.typing.get(user));
      room.typing.set(user, setTimeout(() => stopTyping(room, user), TYPING_SHOWN_MS));
      if (name === state.current) renderTyping();
    });

    clearInterval(state.roomsTimer);
    state.roomsTimer = setInterval(refreshRooms, ROOMS_EVERY_MS);
  }

  async function joinRoom(name, select) {
    let room = state.rooms.get(name);
    if (!room) {
      room = roomState(name);
      state.rooms.set(name, room);
    }
    if (select) state.current = name;
    saveRooms();
    render();
    // Taken before the join: messages sent to the room once it has us may reach us before its answer, and the
    // catch-up must start before them, not after.
    const since = newestId(room);
    try {
      const reply = await call('join', { room: name, presence: true });
      room.joined = true;
      room.members = new Set(reply.members || []);
      if (since !== undefined) await catchUp(room, since);
      else await loadLatest(room);
      refreshRooms();
    } catch (e) {
      if (!state.socket || !state.socket.connected) return; // tried again on the next connection
      state.rooms.delete(name);
      if (state.current === name) state.current = state.rooms.keys().next().value || null;
      saveRooms();
      render();
      chatError(`Cannot join “${name}”: ${e.message}`);
    }
    if (name === state.current) render();
  }

  /** Takes a room off the page (the next one is shown). @return false when it was not there */
  function forgetRoom(name) {
    const room = state.rooms.get(name);
    if (!room) return false;
    state.rooms.delete(name);
    room.typing.forEach(clearTimeout);
    if (state.current === name) state.current = state.rooms.keys().next().value || null;
    saveRooms();
    render();
    return true;
  }

  async function leaveRoom(name) {
    if (!forgetRoom(name)) return;
    try { await call('leave', { room: name }); } catch (e) { /* gone either way */ }
    refreshRooms();
  }

  /** Opens the conversation with another user, with its newest page of history. */
  async function openDirect(peer, select) {
    const key = '@' + peer;
    let room = state.rooms.get(key);
    if (!room) {
      room = roomState(key);
      state.rooms.set(key, room);
    }
    if (select) state.current = key;
    saveRooms();
    render();
    try {
      if (room.messages.length > 0) await catchUpDirect(room);
      else await loadLatestDirect(room);
      room.joined = true;
    } catch (e) {
      if (!state.socket || !state.socket.connected) return;
      state.rooms.delete(key);
      if (state.current === key) state.current = state.rooms.keys().next().value || null;
      saveRooms();
      render();
      chatError(`Cannot message “${peer}”: ${e.message}`);
    }
    if (key === state.current) render();
  }

  async function loadLatestDirect(room) {
    const reply = await call('dm-history', { with: room.peer, limit: PAGE });
    room.complete = room.complete || reply.messages.length < PAGE;
    addMessages(room, reply.messages.map(fromDirect), false);
  }

  /**
   * What was said in a conversation since the newest message shown: its history is read newest first, page after
   * page back to that message (after a long absence, the newest pages only, the rest a scroll away).
   */
  async function catchUpDirect(room) {
    const since = newestId(room);
    let before;
    for (let page = 0; page < CATCH_UP_PAGES; page++) {
      const reply = await call('dm-history', before === undefined ? { with: room.peer, limit: PAGE }
        : { with: room.peer, before, limit: PAGE });
      addMessages(room, reply.messages.map(fromDirect), false);
      if (reply.messages.length < PAGE || since === undefined || reply.messages[0].id <= since) return;
      before = reply.messages[0].id;
    }
  }

  /** The newest page of a room's history, replacing what was shown. */
  async function loadLatest(room) {
    const reply = await call('history', { room: room.name, limit: PAGE });
    const fresh = roomState(room.name);
    room.messages = fresh.messages;
    room.ids = fresh.ids;
    room.complete = reply.messages.length < PAGE;
    addMessages(room, reply.messages, false);
  }

  /** The id of the newest message shown in a room, or undefined. */
  function newestId(room) {
    const newest = room.messages[room.messages.length - 1];
    return newest ? newest.id : undefined;
  }

  /**
   * What was said in a room after a message (by default the newest shown), page after page; after a long absence
   * (more than CATCH_UP_PAGES pages) the newest page instead, the older ones being a scroll away.
   */
  async function catchUp(room, since = newestId(room)) {
    let after = since;
    for (let page = 0; page < CATCH_UP_PAGES; page++) {
      if (after === undefined) return loadLatest(room);
      const reply = await call('history', { room: room.name, after, limit: PAGE });
      addMessages(room, reply.messages, false);
      if (reply.messages.length < PAGE) return;
      after = reply.messages[reply.messages.length - 1].id;
    }
    return loadLatest(room);
  }

  /** The page before the oldest shown, when the reader scrolls to the top. */
  async function loadOlder(room) {
    if (room.complete || room.loadingOlder || room.messages.length === 0) return;
    room.loadingOlder = true;
    show(ui.older, 'Loading older messages…');
    try {
      const before = room.messages[0].id;
      const reply = room.peer ? await call('dm-history', { with: room.peer, before, limit: PAGE })
        : await call('history', { room: room.name, before, limit: PAGE });
      room.complete = reply.messages.length < PAGE;
      addMessages(room, room.peer ? reply.messages.map(fromDirect) : reply.messages, true);
    } catch (e) {
      chatError('Older messages cannot be loaded: ' + e.message);
    } finally {
      room.loadingOlder = false;
      if (room.name === state.current) renderOlder(room);
    }
  }

  function addMessages(room, messages, older) {
    const fresh = messages.filter((m) => m && typeof m.id === 'number' && !room.ids.has(m.id));
    if (fresh.length === 0) {
      if (room.name === state.current && !older) renderMessages(true);
      return;
    }
    fresh.forEach((m) => room.ids.add(m.id));
    room.messages = room.messages.concat(fresh).sort((a, b) => a.id - b.id);
    if (room.name !== state.current) return;
    if (older) {
      const box = ui.messages;
      const fromBottom = box.scrollHeight - box.scrollTop;
      renderMessages(false);
      box.scrollTop = box.scrollHeight - fromBottom; // the reader stays where they were
    } else {
      const box = ui.messages;
      const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
      const mine = fresh.some((m) => m.user === state.user);
      renderMessages(atBottom || mine || fresh.length > 1);
    }
  }

  function stopTyping(room, user) {
    if (!room.typing.has(user)) return;
    clearTimeout(room.typing.get(user));
    room.typing.delete(user);
    if (room.name === state.current) renderTyping();
  }

  async function refreshRooms() {
    if (!state.socket || !state.socket.connected) return;
    try {
      const reply = await call('rooms', {});
      state.everyRoom = Array.isArray(reply.rooms) ? reply.rooms : [];
      renderRooms();
    } catch (e) { /* kept as it was */ }
  }

  function chatError(text) {
    show(ui.chatError, text);
    clearTimeout(chatError.timer);
    chatError.timer = setTimeout(() => show(ui.chatError, ''), 6000);
  }

  // ---- rendering ----------------------------------------------------------------------------------------------

  function render() {
    renderRooms();
    const room = state.rooms.get(state.current);
    const label = room ? (room.peer ? '@ ' + room.peer : '# ' + room.name) : 'No room';
    ui.roomTitle.textContent = label;
    ui.sendText.placeholder = room ? 'Message ' + label.replace(' ', '') : 'Join a room first';
    ui.leave.hidden = !room;
    ui.leave.textContent = room && room.peer ? 'Close' : 'Leave';
    ui.sendText.disabled = ui.sendBtn.disabled = !room;
    if (room) room.unread = 0;
    renderMessages(true);
    renderMembers();
    renderTyping();
  }

  function roomLink(name, extra, current) {
    const a = el('a', current ? 'current' : '');
    a.href = '#';
    a.dataset.room = name;
    a.append(el('span', 'name', isDirect(name) ? '@ ' + name.slice(1) : '# ' + name));
    if (extra) a.append(extra);
    if (current) a.setAttribute('aria-current', 'true');
    return a;
  }

  function renderRooms() {
    const counts = new Map(state.everyRoom.map((r) => [r.name, r.members]));
    const item = (room) => {
      const li = el('li');
      const badge = room.unread > 0 ? el('span', 'unread', room.unread)
        : el('span', 'count', counts.has(room.name) ? counts.get(room.name) : '');
      const link = roomLink(room.name, badge, room.name === state.current);
      link.addEventListener('click', (event) => { event.preventDefault(); select(room.name); });
      li.append(link);
      return li;
    };
    const open = [...state.rooms.values()];
    const joined = open.filter((room) => !room.peer).map(item);
    ui.joinedList.replaceChildren(...(joined.length ? joined : [el('li', 'none', 'None yet')]));
    const direct = open.filter((room) => room.peer).map(item);
    ui.directList.replaceChildren(...(direct.length ? direct : [el('li', 'none', 'No conversations')]));
    const others = state.everyRoom.filter((r) => !state.rooms.has(r.name)).map((r) => {
      const li = el('li');
      const link = roomLink(r.name, el('span', 'count', r.members), false);
      link.title = 'Join ' + r.name;
      link.addEventListener('click', (event) => { event.preventDefault(); joinRoom(r.name, true); });
      li.append(link);
      return li;
    });
    ui.roomList.replaceChildren(...(others.length ? others : [el('li', 'none', 'No other rooms')]));
  }

  function select(name) {
    if (state.current === name) return;
    state.current = name;
    saveRooms();
    render();
    ui.sendText.focus();
  }

  function renderMessages(toBottom) {
    const room = state.rooms.get(state.current);
    const items = room ? room.messages.map(messageItem) : [];
    ui.messageList.replaceChildren(...items);
    ui.empty.textContent = room ? 'No messages yet: say hello!' : 'Join a room to start chatting.';
    ui.empty.hidden = items.length > 0;
    renderOlder(room);
    if (toBottom) ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  function renderOlder(room) {
    if (!room || room.messages.length === 0) show(ui.older, '');
    else if (room.loadingOlder) show(ui.older, 'Loading older messages…');
    else show(ui.older, room.complete ? 'Beginning of the conversation' : 'Scroll up for older messages');
  }

  function messageItem(message) {
    const li = el('li', 'msg' + (message.user === state.user ? ' mine' : ''));
    li.dataset.id = message.id;
    const meta = el('div', 'meta');
    meta.append(el('span', 'user', message.user));
    const when = new Date(message.ts);
    const time = el('time', 'ts', timeFormat.format(when));
    time.dateTime = when.toISOString();
    time.title = dateFormat.format(when);
    meta.append(time);
    li.append(meta, el('p', 'text', message.text));
    return li;
  }

  function renderMembers() {
    const room = state.rooms.get(state.current);
    const members = room && room.peer ? [state.user, room.peer] : (room ? [...room.members] : []);
    const names = members.sort((a, b) => a.localeCompare(b));
    ui.memberList.replaceChildren(...names.map((name) => el('li', name === state.user ? 'me' : '',
      name === state.user ? name + ' (you)' : name)));
  }

  function renderTyping() {
    const room = state.rooms.get(state.current);
    const names = room ? [...room.typing.keys()] : [];
    let text = '';
    if (names.length === 1) text = `${names[0]} is typing…`;
    else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
    else if (names.length > 2) text = 'Several people are typing…';
    ui.typing.textContent = text;
  }

  // ---- user input ---------------------------------------------------------------------------------------------

  ui.joinForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = ui.roomInput.value.trim();
    if (!name) return;
    ui.roomInput.value = '';
    if (state.rooms.has(name)) select(name);
    else joinRoom(name, true);
    ui.sendText.focus();
  });

  ui.leave.addEventListener('click', () => {
    if (state.current && isDirect(state.current)) forgetRoom(state.current);
    else if (state.current) leaveRoom(state.current);
  });

  ui.directForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const peer = ui.directInput.value.trim();
    if (!peer) return;
    ui.directInput.value = '';
    if (state.rooms.has('@' + peer)) select('@' + peer);
    else openDirect(peer, true);
    ui.sendText.focus();
  });

  let atBottom = true;
  ui.messages.addEventListener('scroll', () => {
    const box = ui.messages;
    atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    const room = state.rooms.get(state.current);
    if (room && box.scrollTop < 40) loadOlder(room);
  });
  // A smaller window, or a growing send box, keeps the newest messages in view for a reader who was there.
  new ResizeObserver(() => {
    if (atBottom) ui.messages.scrollTop = ui.messages.scrollHeight;
  }).observe(ui.messages);

  async function send() {
    const room = state.rooms.get(state.current);
    const text = ui.sendText.value;
    if (!room || !text.trim()) return;
    ui.sendText.value = '';
    autosize();
    try {
      if (room.peer) await call('dm', { to: room.peer, text, clientId: newClientId() });
      else await call('message', { room: room.name, text, clientId: newClientId() });
    } catch (e) {
      if (!ui.sendText.value) ui.sendText.value = text; // not lost
      autosize();
      chatError('Not sent: ' + e.message);
    }
  }

  ui.sendForm.addEventListener('submit', (event) => {
    event.preventDefault();
    send();
  });

  ui.sendText.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  });

  function autosize() {
    ui.sendText.style.height = 'auto';
    ui.sendText.style.height = Math.min(ui.sendText.scrollHeight + 2, 128) + 'px';
  }

  ui.sendText.addEventListener('input', () => {
    autosize();
    const now = Date.now();
    if (state.current && !isDirect(state.current) && state.socket && state.socket.connected && ui.sendText.value
        && now - state.lastTyping > TYPING_EVERY_MS) {
      state.lastTyping = now;
      state.socket.volatile.emit('typing', { room: state.current });
    }
  });

  // ---- start: logged in already? -------------------------------------------------------------------------------

  (async function start() {
    if (typeof io !== 'function') {
      showLogin('The Socket.IO client did not load.');
      return;
    }
    try {
      const { ok, json } = await api('GET', '/me');
      if (ok && json.user) enterChat(json.user);
      else showLogin('');
    } catch (e) {
      showLogin('The server cannot be reached.');
    }
  }());
}());
