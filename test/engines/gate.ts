/**
 * The one door between a browser under test and the network: a local HTTP server that is both the app's origin (it
 * forwards to the preview server and adds the page probe to every HTML page) and the browser's proxy for everything
 * else. Firefox and WebKit are configured to send every request through it, so a request to any other host — from
 * the page, a worker or the engine itself — is seen here, recorded and refused (403), whatever the engine's own
 * tooling can observe. Chromium's suite gets the same guarantee from playwright's routing (test/e2e/harness.ts).
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PROBE_SCRIPT } from './probe';

export interface Gate {
  /** The app's origin as the browser sees it, e.g. `http://127.0.0.1:40123`. */
  readonly origin: string;
  /** `127.0.0.1:<port>`: the proxy address to configure in the browser. */
  readonly proxy: string;
  /** Requests for other hosts since the last `takeForeign()`, as `METHOD url`. */
  takeForeign(): string[];
  /** Requests for `host` are a test's own probe from now on: refused as before, but kept apart from the foreign
   * ones (a page the test sends there may ask for more, such as its favicon, at any time). */
  watch(host: string): void;
  /** Requests for watched hosts since the last call, as `METHOD url`. */
  takeWatched(): string[];
  close(): Promise<void>;
}

const BLANK = '<!doctype html><meta charset="utf-8"><title>blank</title>';

/** Starts the gate in front of `upstream` (the preview server's origin). */
/** Where the gate serves the probe script it adds to every page. */
const PROBE_PATH = '/__e2e-probe.js';

export async function startGate(upstream: string): Promise<Gate> {
  const target = new URL(upstream);
  let foreign: string[] = [];
  let watched: string[] = [];
  const watchedHosts = new Set<string>();
  const sockets = new Set<Socket>();
  let origin = '';

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // A proxied request carries an absolute URL; a direct one only a path.
    const url = new URL(req.url ?? '/', origin);
    if (url.origin !== origin) {
      (watchedHosts.has(url.hostname) ? watched : foreign).push(`${req.method} ${url.href}`);
      res.writeHead(403, { 'content-type': 'text/plain' }).end('blocked by the test gate: not the app origin');
      return;
    }
    if (url.pathname === '/__blank') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(BLANK);
      return;
    }
    if (url.pathname === PROBE_PATH) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(PROBE_SCRIPT);
      return;
    }
    const headers = { ...req.headers, host: target.host, 'accept-encoding': 'identity' };
    const upstreamRequest = httpRequest(
      { host: target.hostname, port: target.port, path: url.pathname + url.search, method: req.method, headers },
      (upstreamResponse) => {
        const type = String(upstreamResponse.headers['content-type'] ?? '');
        if (!type.startsWith('text/html')) {
          res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
          upstreamResponse.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upstreamResponse.on('data', (chunk: Buffer) => chunks.push(chunk));
        upstreamResponse.on('end', () => {
          const html = Buffer.concat(chunks).toString('utf8');
          // A classic script from the app's own origin: it runs before the app's module scripts, and the app's
          // Content-Security-Policy (script-src 'self') allows it where an inline script would be refused.
          const probed = html.replace(/<head>/i, `<head><script src="${PROBE_PATH}"></script>`);
          const { 'content-length': _length, ...rest } = upstreamResponse.headers;
          res.writeHead(upstreamResponse.statusCode ?? 502, rest).end(probed);
        });
      },
    );
    upstreamRequest.on('error', (error) => res.writeHead(502).end(String(error)));
    req.pipe(upstreamRequest);
  });
  // HTTPS through a proxy starts with CONNECT host:port: recorded and refused, never tunnelled.
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    const host = (req.url ?? '').replace(/:\d+$/, '');
    (watchedHosts.has(host) ? watched : foreign).push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    proxy: `127.0.0.1:${port}`,
    takeForeign() {
      const taken = foreign;
      foreign = [];
      return taken;
    },
    watch(host) {
      watchedHosts.add(host);
    },
    takeWatched() {
      const taken = watched;
      watched = [];
      return taken;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
