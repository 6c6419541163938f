// Our fetch for the provider packages, on node:http(s) rather than the global
// fetch: the global one loads undici on first use (~35 ms of start-up on every
// run), and it gives no connect timeout, no first-byte timeout and no proxy.
// Contract (what the provider packages use of fetch): a POST or GET with a string
// or byte body, headers, an AbortSignal; a response with ok/status/statusText,
// headers, a ReadableStream body, text()/json()/arrayBuffer(). No redirects, no
// compression (none is asked for).
//
// Time limits, for a person waiting:
//  - connect: TCP connected within 10 s;
//  - first byte: response headers within the idle timeout, and within 30 s for a
//    remote host (a dead endpoint gives up in 30 s, not 240 s). A server on this
//    machine (Ollama, LM Studio) may take the whole idle timeout: it loads the model first.
//  - a refused port or an unknown host is tried 3 times over ~1 s, then fails
//    with a TransportError that callers should not retry again.
// Proxies: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case) from the process
// environment (never from a project's .env); proxy.ts loads only when one is set.

import http, { type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { lazyBuiltin } from '../lazy-builtin.ts';
import { firstRequestSent } from './first-request.ts';
import { Headers } from './headers.ts';
import { describeConnectError, isTransient, StreamDropError, TransportError } from './transport-errors.ts';

export const CONNECT_TIMEOUT_MS = 10_000;
export const DEAD_ENDPOINT_MS = 30_000;
const RETRY_DELAYS_MS = [250, 750];

let idleTimeoutMs = 120_000;

/** The run's idle timeout (--idle-timeout; 0 = wait forever) bounds the wait for the first byte. */
export function setTransportIdleTimeout(ms: number): void {
  idleTimeoutMs = ms;
}

/**
 * node:https, loaded by the first https request: with it comes TLS (~5 ms of start-up here), which a
 * server on this machine over plain http (Ollama, LM Studio, vLLM) never needs.
 */
const https = lazyBuiltin<typeof import('node:https')>('node:https');

/** One keep-alive agent per protocol, made when first used. */
const agents = new Map<string, http.Agent>();
function agentFor(protocol: string): http.Agent {
  let agent = agents.get(protocol);
  if (!agent) {
    agent = new (protocol === 'https:' ? https().Agent : http.Agent)({ keepAlive: true });
    agents.set(protocol, agent);
  }
  return agent;
}

type Body = string | Uint8Array | ArrayBuffer | null | undefined;
interface FetchInit {
  method?: string;
  headers?: unknown;
  body?: unknown;
  signal?: AbortSignal | null;
}

/** A fetch with the shape the AI SDK's provider factories take (`fetch` option). */
export async function providerFetch(input: string | URL | { url: string }, init: FetchInit = {}) {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  const signal = init.signal ?? undefined;
  const route = await routeFor(url, process.env);
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(url, init, route, signal);
    } catch (error) {
      if (signal?.aborted || error instanceof TransportError) throw error;
      const delay = RETRY_DELAYS_MS[attempt];
      const reused = (error as { reusedSocket?: boolean }).reusedSocket;
      // A kept-alive socket the server had closed fails at once: retry it right away, once more than others.
      if (reused && attempt === 0) continue;
      if (delay === undefined || !isTransient(error)) {
        throw new TransportError(describeConnectError(error, route.label), url.host, false);
      }
      await sleep(delay, signal);
    }
  }
}

/** How to reach a URL: directly, or through a proxy (whose code loads only when one is set). */
export interface Route {
  /** What messages name: the target host, and the proxy when there is one. */
  label: string;
  options: http.RequestOptions;
  /** The URL to request (the target itself, or the proxy for plain http through it). */
  url: URL;
}

async function routeFor(url: URL, env: NodeJS.ProcessEnv): Promise<Route> {
  const direct = { label: url.host, options: { agent: agentFor(url.protocol) }, url };
  const names = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];
  if (!names.some((name) => env[name])) return direct;
  const { proxyRoute } = await import('./proxy.ts');
  return proxyRoute(url, env, CONNECT_TIMEOUT_MS) ?? direct;
}

function send(target: URL, init: FetchInit, route: Route, signal: AbortSignal | undefined) {
  return new Promise<TransportResponse>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const host = target.host;
    const body = bodyOf(init.body as Body);
    const headers: Record<string, string> = {};
    for (const [name, value] of new Headers(init.headers as never)) headers[name] = value;
    if (body !== undefined) headers['content-length'] = String(body.byteLength);
    const lib = route.url.protocol === 'https:' ? https() : http;
    const req = lib.request(route.url, {
      method: init.method ?? 'GET',
      ...route.options,
      headers: { ...headers, ...(route.options.headers as Record<string, string> | undefined) },
    });
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = () => {
      settled = true;
      for (const t of timers) clearTimeout(t);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      finish();
      req.destroy();
      if (error && typeof error === 'object' && req.reusedSocket)
        Object.assign(error, { reusedSocket: true });
      reject(error);
    };
    const onAbort = () => fail(abortError(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });
    const firstByte = firstByteLimit(target);
    if (firstByte > 0) {
      const seconds = firstByte >= 1000 ? Math.round(firstByte / 1000) : (firstByte / 1000).toFixed(1);
      const message = `${host} sent no response within ${seconds} s (is the endpoint right? see --idle-timeout)`;
      timers.push(setTimeout(() => fail(new TransportError(message, host, false)), firstByte));
    }
    req.on('socket', (socket: Socket) => {
      if (!socket.connecting) return;
      const message = `could not connect to ${route.label} within ${CONNECT_TIMEOUT_MS / 1000} s`;
      const timer = setTimeout(() => fail(new TransportError(message, host, false)), CONNECT_TIMEOUT_MS);
      timers.push(timer);
      socket.once('connect', () => clearTimeout(timer));
    });
    req.on('error', fail);
    req.on('response', (res) => {
      if (settled) return res.destroy();
      finish();
      resolve(new TransportResponse(res, target, signal));
    });
    req.end(body, () => firstRequestSent());
  });
}

function firstByteLimit(url: URL): number {
  if (isLoopback(url.hostname)) return idleTimeoutMs;
  return idleTimeoutMs > 0 ? Math.min(idleTimeoutMs, DEAD_ENDPOINT_MS) : DEAD_ENDPOINT_MS;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);
}

/**
 * The body as bytes: a JSON string is encoded once, for both its length and the write (late in a long
 * run it is most of a megabyte on every request; measuring it, then writing the string, encoded twice).
 * An all-ASCII string (its UTF-8 length is its length) is copied as Latin-1, the same bytes without
 * the UTF-8 encoder: 0.66 instead of 1.06 ms for 680 KB here.
 */
function bodyOf(body: Body): Uint8Array | undefined {
  if (body == null) return undefined;
  if (typeof body === 'string')
    return Buffer.from(body, Buffer.byteLength(body, 'utf8') === body.length ? 'latin1' : 'utf8');
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('nanocode transport: unsupported request body');
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The Response the provider packages read: status, headers, a streamed body. */
export class TransportResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: Headers;
  readonly body: ReadableStream<Uint8Array>;
  readonly url: string;
  readonly redirected = false;
  readonly type = 'basic';

  constructor(res: IncomingMessage, url: URL, signal: AbortSignal | undefined) {
    this.status = res.statusCode ?? 0;
    this.statusText = res.statusMessage ?? '';
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = new Headers(res.headers as Record<string, string | string[]>);
    this.url = url.href;
    this.body = bodyStream(res, url.host, signal);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of this.body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
    const all = Buffer.concat(chunks);
    return all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.arrayBuffer());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

/**
 * The response body as a web stream, with backpressure. A connection that ends
 * before the response is complete errors the stream (never a silent end).
 */
function bodyStream(res: IncomingMessage, host: string, signal: AbortSignal | undefined) {
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const stop = (error?: unknown) => {
        if (done) return;
        done = true;
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) controller.close();
        else controller.error(error);
      };
      const onAbort = () => {
        stop(abortError(signal!));
        res.destroy();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      res.on('data', (chunk: Buffer) => {
        if (done) return;
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 1) <= 0) res.pause();
      });
      res.on('end', () => stop());
      const dropped = () =>
        stop(new StreamDropError(`the connection to ${host} dropped mid-answer`, host, true));
      res.on('error', dropped);
      res.on('close', () => {
        if (!res.complete) dropped();
      });
    },
    pull() {
      res.resume();
    },
    cancel() {
      done = true;
      res.destroy();
    },
  });
}
