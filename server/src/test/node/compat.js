"use strict";
// Drives one compatibility scenario against a Chorus server with the official socket.io-client.
//   node compat.js <scenario> <port>
// Prints one line "COMPAT-RESULT <json>" with what the client saw, then exits: 0 when the scenario ran to its end,
// 1 when it failed or timed out (the line then carries the error and whatever was observed so far). The Java test
// (NodeClientCompatIT) asserts on that JSON; this script only drives the client and records.

const http = require("http");
const net = require("net");
const { io } = require("socket.io-client");

const [scenarioName, port] = process.argv.slice(2);
const BASE = `http://127.0.0.1:${port}`;
const SCENARIO_TIMEOUT_MS = 20000;
const STEP_TIMEOUT_MS = 5000;

const sockets = [];
let observed = {};

// ---- helpers ----

function connect(nsp, opts = {}) {
  const socket = io(BASE + nsp, { forceNew: true, reconnection: false, timeout: STEP_TIMEOUT_MS, ...opts });
  sockets.push(socket);
  return socket;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the arguments of the next `event` on `emitter`. */
function next(emitter, event, timeoutMs = STEP_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no '${event}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args) => {
      clearTimeout(timer);
      resolve(args);
    };
    emitter.once(event, listener);
  });
}

/** Resolves once `condition()` holds, checking every few milliseconds. */
async function until(what, condition, timeoutMs = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(5);
  }
}

/** Emits with an ack callback; resolves with every argument of the ack. */
function ack(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    socket.timeout(STEP_TIMEOUT_MS).emit(event, ...args, (err, ...answer) => (err ? reject(err) : resolve(answer)));
  });
}

/** Connects and resolves with the welcome event's payload; rejects on connect_error. */
function welcomed(socket) {
  return new Promise((resolve, reject) => {
    socket.once("welcome", (welcome) => resolve(welcome));
    socket.once("connect_error", (err) => reject(new Error(`connect_error: ${err.message}`)));
  });
}

/** JSON for what the client saw: binary as {"$binary": [bytes]}, errors as their message and data. */
function plain(value) {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return { $binary: Array.from(value) };
  }
  if (value instanceof ArrayBuffer) {
    return { $binary: Array.from(new Uint8Array(value)) };
  }
  if (value instanceof Error) {
    return { message: value.message, data: plain(value.data), description: plain(value.description) };
  }
  if (Array.isArray(value)) {
    return value.map(plain);
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value === undefined ? null : value;
}

const transportOf = (socket) => socket.io.engine && socket.io.engine.transport ? socket.io.engine.transport.name : null;

// ---- scenarios: each fills `observed` and resolves when done ----

/** Connect over one transport only, ack an emit, get events back, stay connected through some heartbeats. */
async function basic(transport) {
  const socket = connect("/", { transports: [transport], auth: { user: "basic" } });
  let pings = 0;
  socket.io.on("ping", () => pings++);
  const disconnects = [];
  socket.on("disconnect", (reason) => disconnects.push(reason));
  observed.welcome = await welcomed(socket);
  observed.clientId = socket.id;
  observed.echoAck = await ack(socket, "echo", "hello", { n: 1, nested: { list: [1, 2, 3] } }, null, true);
  socket.emit("echo-event", "ping", 7);
  observed.echoEvent = await next(socket, "echo-event");
  await sleep(1500); // pingInterval is 500 ms
  observed.pings = pings;
  observed.disconnects = [...disconnects];
  observed.ackAfterIdle = await ack(socket, "echo", "still here");
  observed.transport = transportOf(socket);
}

/**
 * An HTTP agent whose connections open only once `gate` resolves. Given to the websocket transport alone, it holds
 * the upgrade back until both streams of the upgrade scenario are flowing over polling.
 */
class GatedAgent extends http.Agent {
  constructor(gate) {
    super();
    this.gate = gate;
  }

  createConnection(options, callback) {
    this.gate.then(() => callback(null, net.createConnection(options)));
  }
}

/**
 * A numbered stream each way while the polling → websocket upgrade happens. From its connection on, the client
 * emits `up` n every millisecond (every tenth with a binary attachment) and the server answers each with `down` n
 * and the same arguments; the server emits `tick` n every 2 ms. The websocket opens only when 20 of each have gone
 * through polling, so the upgrade happens in the middle of all three streams. Every event counts the transport it
 * was sent or received on.
 */
async function upgradeUnderTraffic() {
  const count = 400;
  let openWebSocket;
  const socket = connect("/", { auth: { ticks: count, tickEveryMs: 2 },
    transportOptions: { websocket: { agent: new GatedAgent(new Promise((resolve) => { openWebSocket = resolve; })) } } });
  const sent = { polling: 0, websocket: 0 };
  const downs = [];
  const ticks = [];
  const downsOn = { polling: 0, websocket: 0 };
  const ticksOn = { polling: 0, websocket: 0 };
  observed = { sent, downsOn, ticksOn, downs, ticks };
  const progress = () => ({ sent: sent.polling + sent.websocket, downs: downs.length, ticks: ticks.length });
  socket.io.engine.on("upgrading", () => { observed.upgradingAt = progress(); });
  socket.io.engine.on("upgrade", () => { observed.upgradedAt = progress(); });
  observed.badBinary = [];
  socket.on("down", (n, bytes) => {
    downs.push(n);
    if (n % 10 === 0 && !(Buffer.isBuffer(bytes) && bytes.equals(Buffer.from([n % 256, 42])))) {
      observed.badBinary.push(n);
    }
    downsOn[transportOf(socket)]++;
  });
  socket.on("tick", (n) => {
    ticks.push(n);
    ticksOn[transportOf(socket)]++;
  });
  await next(socket, "connect");
  until("20 of each stream over polling", () => sent.polling >= 20 && downs.length >= 20 && ticks.length >= 20)
    .then(openWebSocket, () => {});
  for (let i = 0; i < count; i++) {
    // Every tenth carries a binary attachment, which must not be parted from its packet by the upgrade.
    if (i % 10 === 0) {
      socket.emit("up", i, Buffer.from([i % 256, 42]));
    } else {
      socket.emit("up", i);
    }
    sent[transportOf(socket)]++;
    await sleep(1);
  }
  await until("every down and tick", () => downs.length >= count && ticks.length >= count, 10000);
  await sleep(50); // anything extra (a duplicate) would show up now
  observed.transport = transportOf(socket);
}

/** Acks both ways, and a server-side ack timeout reported back as an event. */
async function acks() {
  const socket = connect("/");
  await welcomed(socket);
  observed.clientAck = await ack(socket, "echo", "a", 1, { b: [2] });
  observed.callbackAck = await new Promise((resolve) => socket.emit("echo", "cb", (...args) => resolve(args)));

  socket.on("question", (n, reply) => reply({ answer: n * 2 }, "extra"));
  socket.on("ignored-question", () => { /* never answers */ });
  socket.emit("ask", { event: "question", args: [21], timeoutMs: 5000 });
  observed.serverAck = (await next(socket, "ask-result"))[0];

  const started = Date.now();
  socket.emit("ask", { event: "ignored-question", args: [], timeoutMs: 300 });
  observed.serverTimeout = (await next(socket, "ask-result"))[0];
  observed.serverTimeoutAfterMs = Date.now() - started;
}

/** Binary in event arguments, nested in objects and arrays, and in acks, both ways. */
async function binary(transport) {
  const socket = connect("/", { transports: [transport] });
  await welcomed(socket);
  const args = [
    Buffer.from([1, 2, 3]),
    { label: "nested", payload: new Uint8Array([4, 5, 6]), list: [Buffer.from([7]), "text", Buffer.alloc(0)] },
    "plain",
    Buffer.from(Array.from({ length: 64 }, (_, i) => 255 - i)),
  ];
  observed.serverDecoded = (await ack(socket, "describe", ...args))[0];
  observed.ackEcho = await ack(socket, "echo", ...args);
  socket.emit("echo-event", ...args);
  observed.eventEcho = await next(socket, "echo-event");

  socket.on("give-binary", (reply) => reply(Buffer.from([9, 8, 7]), { inner: Buffer.from([255, 0]) }));
  socket.emit("ask", { event: "give-binary", args: [], timeoutMs: 5000 });
  observed.serverAsked = (await next(socket, "ask-result"))[0];
  observed.transport = transportOf(socket);
}

/** A static namespace, a dynamic one, a middleware refusal, a middleware pass and an unknown namespace. */
async function namespaces() {
  const custom = connect("/custom");
  observed.custom = await welcomed(custom);
  observed.customAck = await ack(custom, "echo", "custom");

  const dynamic = connect("/dyn-42");
  observed.dynamic = await welcomed(dynamic);
  observed.dynamicAck = await ack(dynamic, "echo", "dynamic");

  const refused = connect("/private", { auth: { token: "wrong" } });
  const [err] = await next(refused, "connect_error");
  observed.refused = { message: err.message, data: plain(err.data), connected: refused.connected };

  const allowed = connect("/private", { auth: { token: "let-me-in" } });
  observed.allowed = await welcomed(allowed);

  const unknown = connect("/nowhere");
  const [unknownErr] = await next(unknown, "connect_error");
  observed.unknown = { message: unknownErr.message, data: plain(unknownErr.data) };

  // Several namespaces over one connection (the same Manager): both connect, the refused one stays out.
  const root = io(BASE + "/", { forceNew: true, reconnection: false });
  sockets.push(root);
  const shared = [root, root.io.socket("/custom"), root.io.socket("/private", { auth: { token: "nope" } })];
  sockets.push(...shared.slice(1));
  shared[1].connect();
  shared[2].connect();
  const outcomes = await Promise.all(shared.map((s) => welcomed(s).then((w) => w.nsp, (e) => e.message)));
  observed.multiplexed = { outcomes, engines: new Set(shared.map((s) => s.io.engine.id)).size };
}

/** Four clients in rooms; `io.to("a").except("b")` and `socket.to(room)` reach exactly the expected ones. */
async function rooms() {
  const names = ["alice", "bob", "carol", "dave"];
  const memberships = { alice: ["a"], bob: ["a", "b"], carol: ["a", "c"], dave: ["c"] };
  const clients = {};
  const received = {};
  for (const name of names) {
    const socket = connect("/rooms", { auth: { name } });
    await welcomed(socket);
    received[name] = [];
    socket.onAny((event, ...args) => received[name].push([event, ...args]));
    await ack(socket, "join", memberships[name]);
    clients[name] = socket;
  }
  observed.received = received;
  const barrier = async (n) => {
    await ack(clients.dave, "broadcast", { to: [], except: [], event: "barrier", args: [n] });
    await until(`barrier ${n}`, () => names.every((name) => received[name].some(([e, m]) => e === "barrier" && m === n)));
  };
  // Sent by alice, who is in room a: unlike socket.to(room), a namespace-level broadcast includes its trigger.
  await ack(clients.alice, "broadcast", { to: ["a"], except: ["b"], event: "news", args: ["a-except-b"] });
  await barrier(1);
  // socket.to(room) leaves the sender out.
  await ack(clients.alice, "to-room", "a", "from-alice");
  await barrier(2);
  await ack(clients.carol, "to-room", "c", "from-carol");
  await barrier(3);
  // Several rooms and exceptions: in a or c, not in b; each recipient once.
  await ack(clients.bob, "broadcast", { to: ["a", "c"], except: ["b"], event: "news", args: ["a-or-c-except-b"] });
  await barrier(4);
}

/** The server closes the Engine.IO session; the client reconnects by itself and works again. */
async function reconnect(transport) {
  const socket = connect("/", { transports: [transport], reconnection: true, reconnectionDelay: 100,
    reconnectionDelayMax: 200 });
  const first = await welcomed(socket);
  observed.firstId = first.id;
  let attempts = 0;
  socket.io.on("reconnect_attempt", () => attempts++);
  const disconnected = next(socket, "disconnect");
  const reconnected = next(socket.io, "reconnect");
  const welcomedAgain = next(socket, "welcome");
  socket.emit("drop-me");
  const [reason, details] = await disconnected;
  observed.disconnect = { reason, active: socket.active, details: plain(details && details.description) };
  await reconnected;
  observed.attempts = attempts;
  observed.second = (await welcomedAgain)[0];
  observed.secondId = socket.id;
  observed.echoAfter = await ack(socket, "echo", "again");
  observed.transport = transportOf(socket);
}

/**
 * Connection state recovery under traffic: the server streams numbered `news` to room r every 3 ms; the client
 * joins r, is cut off after 20 of them and comes back 300 ms later, while the stream goes on. It must come back
 * recovered, with the same id, and see every news exactly once and in order: the missed ones replayed before
 * `connect`, the live ones after, none lost or doubled where the two meet.
 */
async function recovery(transport) {
  const count = 200;
  const socket = connect("/", { path: "/recovery/", transports: [transport], reconnection: true,
    reconnectionDelay: 300, randomizationFactor: 0 });
  const news = [];
  const notForMe = [];
  socket.on("news", (n, offset) => news.push({ n, offset: typeof offset }));
  socket.on("not-for-you", (n) => notForMe.push(n));
  const first = await welcomed(socket);
  observed = { firstId: socket.id, welcomeId: first.id, news, notForMe };
  await ack(socket, "join", ["r"]);
  await ack(socket, "room-ticks", { room: "r", count, everyMs: 3 });
  await until("20 news", () => news.length >= 20);

  const disconnected = next(socket, "disconnect");
  const reconnected = next(socket, "connect", 8000);
  const welcomedAgain = next(socket, "welcome", 8000);
  socket.emit("drop-me");
  observed.disconnect = (await disconnected)[0];
  observed.newsAtDisconnect = news.length;
  await reconnected;
  observed.newsAtConnect = news.length;
  observed.recovered = socket.recovered;
  observed.secondId = socket.id;
  observed.second = (await welcomedAgain)[0];
  await until(`${count} news`, () => news.length >= count, 10000);
  await sleep(50); // a duplicate would show up now
  observed.transport = transportOf(socket);
}

/**
 * Recovery refused: once with a private id the server never gave out, once after the recovery window (300 ms on
 * /recovery-short/) has passed. Either way a fresh socket without the missed news.
 */
async function recoveryFails(how) {
  const path = how === "expired" ? "/recovery-short/" : "/recovery/";
  const socket = connect("/", { path, transports: ["websocket"], reconnection: true,
    reconnectionDelay: how === "expired" ? 1000 : 100, randomizationFactor: 0 });
  const news = [];
  socket.on("news", (n) => news.push(n));
  await welcomed(socket);
  observed = { firstId: socket.id, news };
  await ack(socket, "join", ["r"]);
  await ack(socket, "broadcast", { to: ["r"], except: [], event: "news", args: [0] });
  await until("news 0", () => news.length === 1);
  observed.hadOffset = typeof socket._lastOffset === "string";
  if (how === "unknown") {
    socket._pid = "not-a-pid-the-server-gave";
  }
  const reconnected = next(socket, "connect", 8000);
  const welcomedAgain = next(socket, "welcome", 8000);
  socket.emit("cut-then-broadcast", { room: "r", from: 1, until: 3 });
  await reconnected;
  observed.recovered = socket.recovered;
  observed.secondId = socket.id;
  observed.second = (await welcomedAgain)[0];
  observed.rooms = (await ack(socket, "join", []))[0];
  await sleep(100);
}

/** A payload over maxHttpBufferSize (1000 bytes on /small/) ends that connection; others go on. */
async function oversize(transport) {
  const socket = connect("/", { path: "/small/", transports: [transport] });
  await welcomed(socket);
  observed.smallAck = await ack(socket, "echo", "x".repeat(100));
  const disconnected = next(socket, "disconnect");
  socket.emit("echo", "y".repeat(5000));
  const [reason, details] = await disconnected;
  observed.disconnect = { reason, description: plain(details && details.description),
    closeCode: details && details.context && typeof details.context.code === "number" ? details.context.code : null };

  const other = connect("/", { path: "/small/", transports: [transport] });
  await welcomed(other);
  observed.otherAck = await ack(other, "echo", "still serving");
}

const SCENARIOS = {
  "websocket-only": () => basic("websocket"),
  "polling-only": () => basic("polling"),
  "upgrade-under-traffic": upgradeUnderTraffic,
  "acks": acks,
  "binary-websocket": () => binary("websocket"),
  "binary-polling": () => binary("polling"),
  "namespaces": namespaces,
  "rooms": rooms,
  "reconnect-websocket": () => reconnect("websocket"),
  "reconnect-polling": () => reconnect("polling"),
  "recovery-websocket": () => recovery("websocket"),
  "recovery-polling": () => recovery("polling"),
  "recovery-unknown-pid": () => recoveryFails("unknown"),
  "recovery-expired": () => recoveryFails("expired"),
  "oversize-websocket": () => oversize("websocket"),
  "oversize-polling": () => oversize("polling"),
};

function finish(code, extra) {
  for (const socket of sockets) {
    socket.io.reconnection(false);
    socket.disconnect();
  }
  process.stdout.write("COMPAT-RESULT " + JSON.stringify(plain({ ...observed, ...extra })) + "\n", () =>
    process.exit(code));
}

async function main() {
  const scenario = SCENARIOS[scenarioName];
  if (!scenario || !port) {
    console.error(`usage: node compat.js <${Object.keys(SCENARIOS).join("|")}> <port>`);
    process.exit(2);
  }
  const watchdog = setTimeout(() => finish(1, { error: `scenario timed out after ${SCENARIO_TIMEOUT_MS} ms` }),
    SCENARIO_TIMEOUT_MS);
  try {
    await scenario();
    clearTimeout(watchdog);
    finish(0, {});
  } catch (e) {
    clearTimeout(watchdog);
    finish(1, { error: String(e && e.stack || e) });
  }
}

main();
