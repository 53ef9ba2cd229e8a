// converse.js for this node: its XMPP domain (from /xmpp-client/settings.json), its WebSocket endpoint with BOSH to
// fall back on, and nothing fetched from anywhere else. ?transport=bosh keeps to BOSH, for networks that block
// WebSocket.
const answer = await fetch('/xmpp-client/settings.json', { credentials: 'same-origin' });
if (!answer.ok) {
  document.getElementById('unavailable').hidden = false;
} else {
  const settings = await answer.json();
  const boshOnly = new URLSearchParams(location.search).get('transport') === 'bosh';
  const websocket = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${settings.websocket}`;
  window.converse.initialize({
    assets_path: '/xmpp-client/dist/',
    bosh_service_url: `${location.origin}${settings.bosh}`,
    websocket_url: boshOnly ? undefined : websocket,
    discover_connection_methods: false,
    show_connection_url_input: false,
    locked_domain: settings.domain,
    muc_domain: settings.rooms,
    // In a room under one's account name, as web chat users are.
    muc_nickname_from_jid: true,
    allow_registration: false,
    // Bookmarks live in PEP (XEP-0223), which this server does not serve: the rooms are the web chat's, listed
    // by the room service.
    allow_bookmarks: false,
    // Keys for end-to-end encryption would be kept in the browser; this server's users chat in rooms and with
    // the web chat, which has none.
    blacklisted_plugins: ['converse-omemo'],
    enable_smacks: true,
    auto_reconnect: true,
    view_mode: 'fullscreen',
    i18n: 'en',
    loglevel: 'warn',
  });
}
