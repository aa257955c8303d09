import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { mulberry32 } from './mulberry32.js';

/** What the proxy did, for assertions and for RELIABILITY.md's figures. */
export interface FaultStats {
  requests: number;
  forwarded: number;
  /** Answered 503 SlowDown with S3's XML error body. */
  slowDowns: number;
  /** Connection destroyed before any response byte. */
  resetsBeforeResponse: number;
  /** Response headers and part of the body sent, then the connection destroyed. */
  resetsMidBody: number;
}

export interface FaultShares {
  /** Share of requests (0..1) answered 503 SlowDown. */
  readonly slowDown: number;
  /** Share of requests (0..1) whose connection is reset (mid-body for GETs with a body, else before the response). */
  readonly reset: number;
}

export interface FaultProxyHandle {
  /** Point the S3 client here instead of at the server (path-style). */
  readonly endpoint: string;
  readonly stats: FaultStats;
  /** Changes the fault shares for requests from now on. */
  setShares(shares: FaultShares): void;
  stop(): Promise<void>;
}

/** Bodies at least this long are cut mid-way on a reset (shorter ones are reset before the response). */
const MID_BODY_MIN_BYTES = 64;

/**
 * A fault-injecting HTTP proxy in front of an S3 server (s3rver): each request, drawn from a
 * seeded generator so a failing case can be replayed, is forwarded, answered with S3's
 * 503 SlowDown, or has its connection reset, before the response or in the middle of its body.
 */
export async function startFaultProxy(target: string, shares: FaultShares, seed = 1): Promise<FaultProxyHandle> {
  const upstream = new URL(target);
  let current = shares;
  const random = mulberry32(seed);
  const stats: FaultStats = { requests: 0, forwarded: 0, slowDowns: 0, resetsBeforeResponse: 0, resetsMidBody: 0 };
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    stats.requests += 1;
    const draw = random();
    // The request body is read in full first: the client sees the fault, not a write error.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (draw < current.slowDown) {
        stats.slowDowns += 1;
        answerSlowDown(res, req.url ?? '/');
      } else if (draw < current.slowDown + current.reset) {
        forward(req, body, res, true);
      } else {
        stats.forwarded += 1;
        forward(req, body, res, false);
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function forward(req: IncomingMessage, body: Buffer, res: ServerResponse, reset: boolean): void {
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (upstreamRes) => {
        const length = Number(upstreamRes.headers['content-length'] ?? 0);
        if (reset && req.method === 'GET' && length >= MID_BODY_MIN_BYTES) {
          stats.resetsMidBody += 1;
          res.writeHead(upstreamRes.statusCode ?? 500, upstreamRes.headers);
          let sent = 0;
          upstreamRes.on('data', (chunk: Buffer) => {
            const room = Math.floor(length / 2) - sent;
            if (room > 0) res.write(chunk.subarray(0, room));
            sent += chunk.byteLength;
            if (sent >= length / 2) {
              upstreamRes.destroy();
              res.socket?.destroy();
            }
          });
          return;
        }
        if (reset) {
          stats.resetsBeforeResponse += 1;
          upstreamRes.resume();
          res.socket?.destroy();
          return;
        }
        res.writeHead(upstreamRes.statusCode ?? 500, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    out.on('error', () => res.socket?.destroy());
    out.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    setShares: (next) => {
      current = next;
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** S3's throttling answer: 503 with the SlowDown code in the XML body, which the SDK classifies as throttling. */
function answerSlowDown(res: ServerResponse, resource: string): void {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><Resource>${escapeXml(resource)}</Resource><RequestId>fault-proxy</RequestId></Error>`;
  res.writeHead(503, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
