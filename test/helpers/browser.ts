// Headless Chromium for the browser tests: Debian's chromium (scripts/setup-browser.sh) driven
// by playwright-core, pages served from this repo on an ephemeral localhost port. localhost is
// a secure context, so navigator.gpu exists there (it does not on file:// or a LAN address).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveStatic } from '../support/static-server.mjs';

export const repoRoot = resolve(import.meta.dirname, '../..');

/** The chromium executable: NUMGRAD_CHROMIUM, then /usr/bin/chromium, then PATH; null if none. */
export function findChromium(): string | null {
  const env = process.env.NUMGRAD_CHROMIUM;
  if (env && existsSync(env)) return env;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    const p = execFileSync('which', ['chromium'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return p || null;
  } catch {
    return null;
  }
}

export const chromiumPath = findChromium();
export const browserRequired = process.env.REQUIRE_BROWSER === '1';

// The machine's network is closed: without these Chromium keeps trying to reach the internet.
const BASE_FLAGS = [
  '--headless', '--no-sandbox', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
];
// Route 1 of BROWSER.md: core WebGPU on Chromium's bundled SwiftShader. Developer features
// fill in adapter.info.device/description.
const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-webgpu-developer-features'];

const MIME: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wgsl': 'text/plain; charset=utf-8',
};

/** Only these top-level folders are served: the built library and the demo page. */
const SERVED = ['dist', 'web'];
/** An empty page, for tests that import the bundle themselves. */
export const BLANK_PATH = '/__blank.html';

function serve(root: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (path === BLANK_PATH) {
      res.writeHead(200, { 'content-type': MIME['.html']! }).end('<!doctype html><meta charset="utf-8"><title>numgrad test</title>');
      return;
    }
    const file = normalize(join(root, path));
    const top = file.slice(root.length + 1).split(sep)[0] ?? '';
    // Refuse anything outside dist/ and web/ (including ../ escapes).
    if (!file.startsWith(root + sep) || !SERVED.includes(top) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok(server));
  });
}

export interface BrowserSession {
  /** e.g. http://localhost:41234 */
  readonly origin: string;
  readonly browser: Browser;
  /** ms from launch() to a connected browser */
  readonly launchMs: number;
  /** Opens `path` (default a blank page), optionally at a viewport size; collects page errors and console lines. */
  open(path?: string, viewport?: { width: number; height: number }): Promise<TestPage>;
  close(): Promise<void>;
}

export interface TestPage {
  readonly page: Page;
  /** uncaught exceptions and unhandled rejections in the page */
  readonly errors: Error[];
  /** console messages, "type: text" */
  readonly console: string[];
}

/** A built site served as it would be deployed: `root` (e.g. web/dist) with these response headers. */
export interface Site {
  root: string;
  headers?: Record<string, string>;
}

/**
 * Starts the file server (the repo's dist/ and web/, or `site`) and a Chromium. `webgpu: false` leaves out --enable-unsafe-webgpu,
 * so navigator.gpu.requestAdapter() returns null (the blocklist), as on a browser without WebGPU.
 */
export async function startBrowser(opts: { webgpu?: boolean; site?: Site } = {}): Promise<BrowserSession> {
  if (!chromiumPath) throw new Error('no chromium executable; run `bash scripts/setup-browser.sh` or set NUMGRAD_CHROMIUM');
  const server = opts.site ? await serveStatic(opts.site.root, { headers: opts.site.headers }) : await serve(repoRoot);
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  const t0 = performance.now();
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [...BASE_FLAGS, ...(opts.webgpu === false ? [] : WEBGPU_FLAGS)],
      timeout: 30_000,
    });
  } catch (e) {
    server.close();
    throw e;
  }
  const launchMs = performance.now() - t0;
  return {
    origin,
    browser,
    launchMs,
    async open(path = BLANK_PATH, viewport?: { width: number; height: number }) {
      const page = await browser.newPage(viewport ? { viewport } : {});
      const errors: Error[] = [];
      const lines: string[] = [];
      page.on('pageerror', (e) => errors.push(e));
      page.on('console', (m) => lines.push(`${m.type()}: ${m.text()}`));
      const res = await page.goto(origin + path);
      if (!res?.ok()) throw new Error(`GET ${path}: ${res?.status() ?? 'no response'}`);
      return { page, errors, console: lines };
    },
    async close() {
      await browser.close().catch(() => {});
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
