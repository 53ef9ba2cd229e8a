// The test's own proxies in front of the nodes: no affinity, no health checks.
'use strict';
const http = require('http');
const net = require('net');

/** Each connection to the next node that accepts one. */
function tcpProxy(backends) {
  let next = 0;
  const server = net.createServer((client) => {
    client.pause();
    const tryBackend = (attempt) => {
      if (attempt >= backends.length) {
        client.destroy();
        return;
      }
      const port = backends[next++ % backends.length];
      const upstream = net.connect(port, '127.0.0.1');
      upstream.once('connect', () => {
        upstream.pipe(client).pipe(upstream);
        client.resume();
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
      });
      upstream.once('error', () => {
        if (!upstream.remoteAddress) tryBackend(attempt + 1);
      });
    };
    tryBackend(0);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Hop-by-hop headers are the client connection's, not the node's: as a real proxy, keep the upstream one alive. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

function upstreamHeaders(headers, body) {
  const forwarded = { ...headers };
  for (const name of HOP_BY_HOP) delete forwarded[name];
  if (body.length > 0 || forwarded['content-length'] !== undefined) forwarded['content-length'] = String(body.length);
  return forwarded;
}

/**
 * Each request, and each WebSocket upgrade, to the next node that accepts a connection; requests go over connections
 * kept alive and used again (as nginx's upstream keepalive and HAProxy's http-reuse do). `server.stats` counts the
 * requests, those sent on a connection used before, and the upstream errors, which are answered 502.
 */
function httpProxy(backends) {
  let next = 0;
  const agent = new http.Agent({ keepAlive: true });
  const stats = { requests: 0, reused: 0, errors: {} };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const first = next++;
      const attempt = (tries) => {
        // A refused connection (a node down) is tried on the next node: the request was not sent.
        const port = backends[(first + tries) % backends.length];
        const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url,
          headers: upstreamHeaders(req.headers, body), agent }, (answer) => {
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
        });
        upstream.on('socket', () => {
          stats.requests++;
          if (upstream.reusedSocket) stats.reused++;
        });
        upstream.on('error', (e) => {
          if (e.code === 'ECONNREFUSED' && tries + 1 < backends.length) {
            attempt(tries + 1);
            return;
          }
          const what = `${req.method} ${req.url.split('?')[0]}: ${e.code || e.message}${
            upstream.reusedSocket ? ' on a reused connection' : ''}`;
          stats.errors[what] = (stats.errors[what] || 0) + 1;
          if (!res.headersSent) { res.writeHead(502); res.end(); }
        });
        upstream.end(body);
      };
      attempt(0);
    });
  });
  server.on('upgrade', (req, client, head) => {
    const attempt = (tries) => {
      const port = backends[next++ % backends.length];
      const upstream = net.connect(port, '127.0.0.1');
      upstream.once('connect', () => {
        const lines = [`${req.method} ${req.url} HTTP/1.1`];
        for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
        upstream.write(lines.join('\r\n') + '\r\n\r\n');
        if (head && head.length) upstream.write(head);
        upstream.pipe(client).pipe(upstream);
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
      upstream.once('error', (e) => {
        if (e.code === 'ECONNREFUSED' && tries + 1 < backends.length) attempt(tries + 1);
        else client.destroy();
      });
    };
    attempt(0);
  });
  server.stats = stats;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

module.exports = { tcpProxy, httpProxy };
