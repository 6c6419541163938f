// The provider transport (src/provider/): time limits a person can wait for,
// one clear line naming the host, proxies and private CAs. Through the built CLI
// where a user meets it; the transport directly where a CLI run would take long.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { providerFetch, setTransportIdleTimeout } from '../src/provider/transport.ts';
import { TransportError } from '../src/provider/transport-errors.ts';
import { type FakeLLM, startFakeLLM } from './fake-llm/server.ts';
import { cleanEnv, runCli, tempProject } from './helpers/cli.ts';

const CERT = new URL('./fixtures/tls/cert.pem', import.meta.url);
const KEY = new URL('./fixtures/tls/key.pem', import.meta.url);

const chatEnv = (baseURL: string, extra: Record<string, string> = {}) =>
  cleanEnv({ OPENAI_API_KEY: 'sk-test-key-123456', OPENAI_BASE_URL: baseURL, OPENAI_MODEL: 'm', ...extra });

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Closes `server` and every connection still open on it. */
function stop(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

function track(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

async function withFake(body: (fake: FakeLLM) => Promise<void>, steps = [{ text: 'fine' }]) {
  const fake = await startFakeLLM(steps);
  try {
    await body(fake);
  } finally {
    await fake.close();
  }
}

/** A port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('a malformed base URL is a usage error (exit 2) naming the variable that holds it', async () => {
  for (const [name, value, extra] of [
    ['OPENAI_BASE_URL', 'htp//localhost:8080/v1', {}],
    ['ANTHROPIC_BASE_URL', 'ftp://example.com', { ANTHROPIC_API_KEY: 'sk-ant-123456' }],
  ] as const) {
    const env = cleanEnv({ OPENAI_API_KEY: 'sk-test-key-123456', ...extra, [name]: value });
    if (name === 'ANTHROPIC_BASE_URL') delete env.OPENAI_API_KEY;
    const r = await runCli(['hi'], { cwd: tempProject(), env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^nanocode: ${name} (is not a URL|must start with http)`, 'm'));
    assert.doesNotMatch(r.stderr, /Invalid URL|\n\s+at /);
  }
});

test('a refused port fails with one line naming host and port, without the SDK retrying it', async () => {
  const port = await deadPort();
  const r = await runCli(['hi'], { cwd: tempProject(), env: chatEnv(`http://127.0.0.1:${port}/v1`) });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`nanocode: error: 127\\.0\\.0\\.1:${port} refused the connection`));
  assert.doesNotMatch(r.stderr, /Cannot connect to API|\n\s+at /);
});

test('an unknown host fails naming the host', async () => {
  // .invalid never resolves (RFC 6761).
  const r = await runCli(['hi'], { cwd: tempProject(), env: chatEnv('http://no-such-host.invalid/v1') });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /nanocode: error: cannot resolve the host no-such-host\.invalid/);
});

test('an endpoint that accepts the connection and never answers gives up at the first-byte limit, naming the host', async () => {
  const server = createServer(() => {}); // reads the request, never responds
  const sockets = track(server);
  const port = await listen(server);
  setTransportIdleTimeout(300);
  try {
    await assert.rejects(
      providerFetch(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST', body: '{}' }),
      (error: unknown) =>
        error instanceof TransportError &&
        error.retryable === false &&
        new RegExp(`^127\\.0\\.0\\.1:${port} sent no response within 0\\.3 s`).test(error.message),
    );
  } finally {
    setTransportIdleTimeout(120_000);
    await stop(server, sockets);
  }
});

test('a connection that drops mid-answer errors the body stream (never a silent end)', async () => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"partial":true}\n\n', () => res.socket?.destroy());
  });
  const sockets = track(server);
  const port = await listen(server);
  try {
    const response = await providerFetch(`http://127.0.0.1:${port}/x`, { method: 'POST', body: '{}' });
    assert.equal(response.status, 200);
    await assert.rejects(response.text(), /the connection to 127\.0\.0\.1:\d+ dropped mid-answer/);
  } finally {
    await stop(server, sockets);
  }
});

test('a string body arrives as its UTF-8 bytes with their length: ASCII, Latin-1 letters, and beyond', async () => {
  const received: { length: string | undefined; bytes: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ length: req.headers['content-length'], bytes: Buffer.concat(chunks) });
      res.end('ok');
    });
  });
  const sockets = track(server);
  const port = await listen(server);
  try {
    const bodies = ['{"a":"plain ascii"}', '{"a":"café, naïve"}', '{"a":"→ 漢字 🙂"}', ''];
    for (const body of bodies) {
      const res = await providerFetch(`http://127.0.0.1:${port}/x`, { method: 'POST', body });
      assert.equal(await res.text(), 'ok');
    }
    assert.deepEqual(
      received.map((r) => [r.length, r.bytes.toString('utf8')]),
      bodies.map((b) => [String(Buffer.byteLength(b)), b]),
    );
  } finally {
    await stop(server, sockets);
  }
});

test('an abort stops the request with an AbortError', async () => {
  const server = createServer(() => {});
  const sockets = track(server);
  const port = await listen(server);
  const controller = new AbortController();
  try {
    const pending = providerFetch(`http://127.0.0.1:${port}/x`, { signal: controller.signal });
    setImmediate(() => controller.abort());
    await assert.rejects(pending, { name: 'AbortError' });
  } finally {
    await stop(server, sockets);
  }
});

/** A logging HTTP proxy on 127.0.0.1: forwards absolute-URL requests and opens CONNECT tunnels. */
async function startProxy() {
  const log: string[] = [];
  const server = createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    const target = new URL(req.url!);
    const upstream = httpRequest(
      target,
      { method: req.method, headers: req.headers, agent: false },
      (reply) => {
        res.writeHead(reply.statusCode!, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    log.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const close = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', close);
    client.on('error', close);
  });
  const sockets = track(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, log, close: () => stop(server, sockets) };
}

/** An HTTPS front (the fixture's self-signed certificate for 127.0.0.1) for the fake LLM. */
async function startTlsFront(fake: FakeLLM) {
  const server = createHttpsServer({ cert: readFileSync(CERT), key: readFileSync(KEY) }, (req, res) => {
    const upstream = httpRequest(
      `${fake.url}${req.url}`,
      { method: req.method, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode!, reply.headers);
        reply.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  const sockets = track(server);
  const port = await listen(server);
  return { url: `https://127.0.0.1:${port}`, close: () => stop(server, sockets) };
}

test('HTTP_PROXY (either case) carries provider requests; NO_PROXY bypasses it', async () => {
  const proxy = await startProxy();
  try {
    for (const name of ['HTTP_PROXY', 'http_proxy']) {
      await withFake(async (fake) => {
        const env = chatEnv(`${fake.url}/v1`, { [name]: proxy.url });
        const r = await runCli(['hi'], { cwd: tempProject(), env });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'fine\n');
        assert.ok(proxy.log.includes(`POST ${fake.url}/v1/chat/completions`), proxy.log.join('\n'));
      });
    }
    proxy.log.length = 0;
    await withFake(async (fake) => {
      const env = chatEnv(`${fake.url}/v1`, { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
      const r = await runCli(['hi'], { cwd: tempProject(), env });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(proxy.log, []);
    });
  } finally {
    await proxy.close();
  }
});

test('a certificate nobody trusts: one line naming NODE_EXTRA_CA_CERTS; with it set, the run works, also through an HTTPS_PROXY tunnel', async () => {
  await withFake(
    async (fake) => {
      const front = await startTlsFront(fake);
      const proxy = await startProxy();
      try {
        const untrusted = await runCli(['hi'], { cwd: tempProject(), env: chatEnv(`${front.url}/v1`) });
        assert.equal(untrusted.code, 1, untrusted.stderr);
        assert.match(
          untrusted.stderr,
          /nanocode: error: TLS failure talking to 127\.0\.0\.1:\d+: .*NODE_EXTRA_CA_CERTS/,
        );

        const trusted = chatEnv(`${front.url}/v1`, { NODE_EXTRA_CA_CERTS: new URL(CERT).pathname });
        const direct = await runCli(['hi'], { cwd: tempProject(), env: trusted });
        assert.equal(direct.code, 0, direct.stderr);
        assert.equal(direct.stdout, 'fine\n');

        const tunnelled = await runCli(['hi'], {
          cwd: tempProject(),
          env: { ...trusted, https_proxy: proxy.url },
        });
        assert.equal(tunnelled.code, 0, tunnelled.stderr);
        assert.equal(tunnelled.stdout, 'fine\n');
        assert.deepEqual(proxy.log, [`CONNECT ${new URL(front.url).host}`]);
      } finally {
        await proxy.close();
        await front.close();
      }
    },
    [{ text: 'fine' }, { text: 'fine' }],
  );
});
