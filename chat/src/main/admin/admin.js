'use strict';
// The admin page: reads /admin/api/overview every few seconds and offers kick and close. Text from users is only
// ever set as text.
(() => {
  const REFRESH_MS = 5000;
  const $ = (id) => document.getElementById(id);

  function cell(row, text, className) {
    const td = row.insertCell();
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function button(row, label, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', onClick);
    row.insertCell().append(b);
  }

  function fill(tableId, items, render) {
    const body = $(tableId).tBodies[0];
    body.replaceChildren();
    for (const item of items) render(body.insertRow(), item);
  }

  function showError(text) {
    $('error').textContent = text;
    $('error').hidden = !text;
  }

  async function post(path, body, confirmText) {
    if (!window.confirm(confirmText)) return;
    const response = await fetch(path, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    const reply = await response.json().catch(() => ({}));
    showError(response.ok ? '' : `${path}: ${reply.error || response.status}`);
    await refresh();
  }

  function render(overview) {
    $('node-count').textContent = `(${overview.nodes.length})`;
    fill('nodes', overview.nodes, (row, node) => {
      const id = cell(row, node.id);
      if (node.self) {
        const mark = document.createElement('span');
        mark.className = 'self';
        mark.textContent = 'this node';
        id.append(mark);
      }
      cell(row, node.address || '');
      cell(row, node.route || '');
      cell(row, node.startedAt ? new Date(node.startedAt).toLocaleString() : '');
      const load = node.load || {};
      const connections = load.connections || {};
      cell(row, String(connections.websocket ?? '–'), 'num');
      cell(row, String(connections.polling ?? '–'), 'num');
      cell(row, String(load.sockets ?? '–'), 'num');
    });
    $('room-count').textContent = `(${overview.rooms.length})`;
    fill('rooms', overview.rooms, (row, room) => {
      cell(row, room.name);
      cell(row, `${room.members.length}: ${room.members.join(', ')}`, 'members');
      button(row, 'Close', () => post('/admin/api/close-room', { room: room.name },
        `Close room ${room.name}? Everyone in it is taken out.`));
    });
    $('online-count').textContent = `(${overview.online.length})`;
    fill('online', overview.online, (row, user) => {
      cell(row, user.user);
      cell(row, String(user.connections), 'num');
      button(row, 'Kick', () => post('/admin/api/kick', { user: user.user },
        `Kick ${user.user}? Their sessions end and every connection of theirs closes.`));
    });
    $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  }

  async function refresh() {
    try {
      const response = await fetch('/admin/api/overview', { headers: { Accept: 'application/json' } });
      if (!response.ok) throw new Error(`overview: ${response.status}`);
      render(await response.json());
      if ($('error').textContent.startsWith('overview')) showError('');
    } catch (e) {
      showError(String(e.message || e));
    }
  }

  refresh();
  setInterval(refresh, REFRESH_MS);
})();
