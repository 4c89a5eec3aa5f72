// The built book, as a reader sees it: opened in headless Chromium (Debian's
// package, never a downloaded browser), served over loopback HTTP.
//
// Run it with `cargo course book && node --test tools/browser-test/` (the
// `.ci/run` script does), after `npm ci` in this folder.
//
// Checks: every page loads without a console error, a page error or a failed
// request; the sidebar lists every chapter of src/SUMMARY.md; search finds
// "Mutex"; each chapter page links to its crate and shows its test command.
// Screenshots of the chapter pages land in tools/browser-test/screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync, readdirSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { join, extname, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bookDir = join(root, 'book');
const shotsDir = join(here, 'screenshots');

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.ico': 'image/x-icon',
};

let server;
let base;
let browser;

before(async () => {
  assert.ok(existsSync(join(bookDir, 'index.html')),
    `no book at ${bookDir}: build it first with \`cargo course book\``);
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = join(bookDir, path);
    if (!file.startsWith(bookDir)) { res.writeHead(403).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(shotsDir, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** The pages of the book: every non-draft entry of src/SUMMARY.md, in order. */
function summaryEntries() {
  const summary = readFileSync(join(root, 'src', 'SUMMARY.md'), 'utf8');
  return [...summary.matchAll(/\[([^\]]+)\]\(([^)]+\.md)\)/g)]
    .map(([, title, md]) => ({ title, html: md.replace(/\.md$/, '.html').replace(/(^|\/)README\.html$/, '$1index.html') }));
}

/** Each chapter crate: its folder and its page, from exercises/NN-name/. */
function chapterCrates() {
  const dir = join(root, 'exercises');
  return readdirSync(dir).filter((d) => existsSync(join(dir, d, 'course.toml'))).map((folder) => {
    const toml = readFileSync(join(dir, folder, 'course.toml'), 'utf8');
    const page = /^page\s*=\s*"([^"]+)"/m.exec(toml)[1];
    const crate = /^name\s*=\s*"([^"]+)"/m.exec(readFileSync(join(dir, folder, 'Cargo.toml'), 'utf8'))[1];
    return { folder, crate, html: page.replace(/\.md$/, '.html') };
  });
}

/** Opens a page and returns it with the problems a reader would hit. */
async function open(path) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`); });
  await page.goto(`${base}/${path}`, { waitUntil: 'load' });
  return { page, problems };
}

test('every page of the book loads without errors', async () => {
  const entries = summaryEntries();
  assert.ok(entries.length > 5, `SUMMARY.md lists only ${entries.length} pages`);
  const failures = [];
  for (const { html } of entries) {
    const { page, problems } = await open(html);
    const heading = await page.locator('main h1').first().textContent().catch(() => null);
    if (!heading) problems.push('no <h1> in the page');
    if (problems.length) failures.push(`${html}:\n    ${problems.join('\n    ')}`);
    await page.close();
  }
  assert.deepEqual(failures, [], `pages with problems:\n${failures.join('\n')}`);
});

test('the sidebar lists every chapter', async () => {
  const { page } = await open('index.html');
  const links = await page.locator('#mdbook-sidebar a, .sidebar a').evaluateAll(
    (as) => as.map((a) => ({ text: a.textContent.trim(), href: a.getAttribute('href') })));
  const missing = summaryEntries().filter(({ title, html }) =>
    !links.some((l) => l.href && l.href.replace(/^\.\//, '').endsWith(html) && l.text.includes(title)));
  assert.deepEqual(missing.map((m) => m.title), [],
    `the sidebar is missing these entries of SUMMARY.md (found ${links.length} links)`);
  await page.close();
});

test('search finds "Mutex"', async () => {
  const { page, problems } = await open('index.html');
  await page.locator('#mdbook-search-toggle').click();
  // mdBook searches on keyup: type the word as a reader would.
  await page.locator('#mdbook-searchbar').pressSequentially('Mutex');
  const results = page.locator('#mdbook-searchresults li a');
  await results.first().waitFor({ timeout: 10_000 });
  const hrefs = await results.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.some((h) => h.includes('02-locks')),
    `searching "Mutex" should find the locks chapter; it found: ${hrefs.join(', ')}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('each chapter page links to its crate and shows how to test it', async () => {
  const chapters = chapterCrates();
  assert.ok(chapters.length >= 2, 'expected at least two chapter crates under exercises/');
  for (const { folder, crate, html } of chapters) {
    const { page } = await open(html);
    const hrefs = await page.locator('main a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.some((h) => h && h.includes(`exercises/${folder}`)),
      `${html} should link to its crate folder exercises/${folder}`);
    const text = await page.locator('main').innerText();
    assert.ok(text.includes(`cargo test -p ${crate}`),
      `${html} should show the command \`cargo test -p ${crate}\``);
    await page.screenshot({ path: join(shotsDir, `${folder}.png`) });
    await page.close();
  }
  console.log(`screenshots in ${relative(process.cwd(), shotsDir)}`);
});
