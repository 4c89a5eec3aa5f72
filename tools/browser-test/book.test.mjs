// The built book, as a reader sees it: opened in headless Chromium (Debian's
// package, never a downloaded browser), served over loopback HTTP.
//
// Run it with `cargo course book && node --test tools/browser-test/` (the
// `.ci/run` script does), after `npm ci` in this folder.
//
// Checks: every page loads without a console error, a page error or a failed
// request; no link of any page leaves the built book (except to an external
// site) or points at a missing page or anchor; the sidebar lists every chapter
// of src/SUMMARY.md; search finds "Mutex"; each chapter page links to its
// crate's page and shows its test command; no Python/Rust pane scrolls
// sideways at 1280 px; tables stay readable at 390 px without the page
// scrolling sideways; no diagram keeps a white background in the navy theme.
// Screenshots land in tools/browser-test/screenshots/ (not committed): look at
// them after a change to the book's CSS.

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

/** The built pages whose HTML matches `pattern`, in SUMMARY.md order. */
function pagesContaining(pattern) {
  return summaryEntries().map((e) => e.html)
    .filter((html) => pattern.test(readFileSync(join(bookDir, html), 'utf8')));
}

/** Opens a page and returns it with the problems a reader would hit. */
async function open(path, { width = 1280, height = 900, theme } = {}) {
  const page = await browser.newPage({ viewport: { width, height } });
  if (theme) await page.addInitScript((t) => localStorage.setItem('mdbook-theme', t), theme);
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`); });
  await page.goto(`${base}/${path}`, { waitUntil: 'load' });
  return { page, problems };
}

/** Every link of every page, as the first test found them (page -> links). */
const linksByPage = new Map();

/** The links of an open page, sidebar included, with their resolved URLs. */
function linksOf(page) {
  return page.locator('a[href]').evaluateAll(
    (as) => as.map((a) => ({ href: a.getAttribute('href'), url: a.href, text: a.textContent.trim() })));
}

test('every page of the book loads without errors', async () => {
  const entries = summaryEntries();
  assert.ok(entries.length > 5, `SUMMARY.md lists only ${entries.length} pages`);
  const failures = [];
  for (const { html } of entries) {
    const { page, problems } = await open(html);
    linksByPage.set(html, await linksOf(page));
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
    assert.ok(hrefs.some((h) => h && h.split('#')[0].endsWith(`crates/${folder}.html`)),
      `${html} should link to its crate's page crates/${folder}.html (the crate card)`);
    const text = await page.locator('main').innerText();
    assert.ok(text.includes(`cargo test -p ${crate}`),
      `${html} should show the command \`cargo test -p ${crate}\``);
    await page.screenshot({ path: join(shotsDir, `${folder}.png`) });
    await page.close();
  }
  console.log(`screenshots in ${relative(process.cwd(), shotsDir)}`);
});

/** The file of the built book that a same-origin URL names, or null. */
function bookFile(url) {
  let file = join(bookDir, decodeURIComponent(url.pathname));
  if (!file.startsWith(bookDir)) return null;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  return existsSync(file) ? file : null;
}

test('no link leaves the built book', async () => {
  const failures = [];
  const ids = new Map();
  const idsOf = (file) => {
    if (!ids.has(file)) {
      const html = readFileSync(file, 'utf8');
      ids.set(file, new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1])));
    }
    return ids.get(file);
  };
  let checked = 0;
  for (const { html } of summaryEntries()) {
    let links = linksByPage.get(html);
    if (!links) {
      const { page } = await open(html);
      links = await linksOf(page);
      await page.close();
    }
    for (const { href, url, text } of links) {
      checked += 1;
      const target = new URL(url);
      if (target.protocol === 'mailto:') continue;
      if ((target.protocol === 'http:' || target.protocol === 'https:') && target.origin !== base) continue;
      if (target.origin !== base) {
        failures.push(`${html}: "${text}" -> ${href} (a ${target.protocol} link, outside the book)`);
        continue;
      }
      const file = bookFile(target);
      if (!file) {
        failures.push(`${html}: "${text}" -> ${href} (leaves the built book: nothing at ${target.pathname})`);
        continue;
      }
      const fragment = decodeURIComponent(target.hash.slice(1));
      if (fragment && file.endsWith('.html') && !idsOf(file).has(fragment)) {
        failures.push(`${html}: "${text}" -> ${href} (${relative(bookDir, file)} has no anchor #${fragment})`);
      }
    }
  }
  assert.ok(checked > 100, `only ${checked} links found: did the pages load?`);
  assert.deepEqual(failures, [], `links that leave the book or point at nothing (${failures.length} of ${checked}):\n${failures.join('\n')}`);
});

test('the landing page, as a reader first sees it', async () => {
  const { page, problems } = await open('index.html');
  await page.screenshot({ path: join(shotsDir, 'landing-1280.png'), fullPage: true });
  const chapters = await page.locator('main table a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const { html } of chapterCrates()) {
    assert.ok(chapters.some((h) => h.endsWith(html)), `the landing page's chapter table should link ${html}`);
  }
  assert.ok(!(await page.locator('main').innerText()).includes('being written'),
    'the landing page should not call any chapter "being written"');
  assert.deepEqual(problems, []);
  await page.close();
});

test('Python and Rust panes do not scroll sideways at 1280 px', async () => {
  const pages = pagesContaining(/class="side-by-side"/);
  assert.ok(pages.length > 0, 'no page has side-by-side listings: was the class renamed?');
  const failures = [];
  let panes = 0;
  for (const html of pages) {
    const { page } = await open(html, { width: 1280, height: 900 });
    const cut = await page.locator('.side-by-side pre').evaluateAll((pres) => pres.map((pre) => {
      const code = pre.querySelector('code') ?? pre;
      const widest = Math.max(pre.scrollWidth, code.scrollWidth);
      const shown = Math.min(pre.clientWidth, code.clientWidth || pre.clientWidth);
      const first = code.textContent.split('\n').find((l) => l.trim()) ?? '';
      return { over: widest - shown, first: first.trim().slice(0, 50) };
    }));
    panes += cut.length;
    for (const { over, first } of cut.filter((c) => c.over > 1)) {
      failures.push(`${html}: a pane is ${over}px too narrow (listing starting "${first}")`);
    }
    if (html === pages[0]) {
      await page.locator('.side-by-side').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shotsDir, 'side-by-side-1280.png') });
    }
    await page.close();
  }
  assert.ok(panes > 0, 'side-by-side blocks were found but no listing in them');
  assert.deepEqual(failures, [], `${failures.length} of ${panes} panes scroll sideways at 1280 px (stack them: src/assets/course.css):\n${failures.join('\n')}`);
});

test('tables are readable at 390 px', async () => {
  const pages = pagesContaining(/<table/);
  assert.ok(pages.length > 0, 'no page has a table');
  const failures = [];
  let shot = false;
  for (const html of pages) {
    const { page } = await open(html, { width: 390, height: 844 });
    const found = await page.evaluate(() => {
      const pageScroll = document.documentElement.scrollWidth - window.innerWidth;
      const tables = [...document.querySelectorAll('main table')].map((table) => {
        const box = table.parentElement;
        const cells = [...table.querySelectorAll('th, td')].filter((c) => c.textContent.trim().length > 3);
        const narrowest = Math.min(...cells.map((c) => c.getBoundingClientRect().width));
        const scrolls = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
        return { narrowest, wider: table.scrollWidth > box.clientWidth + 1, scrolls,
          head: table.querySelector('th')?.textContent.trim() ?? '' };
      });
      return { pageScroll, tables };
    });
    if (found.pageScroll > 1) failures.push(`${html}: the page scrolls sideways by ${found.pageScroll}px`);
    for (const t of found.tables) {
      if (t.narrowest < 96) failures.push(`${html}: table "${t.head}..." squeezes a cell to ${Math.round(t.narrowest)}px`);
      if (t.wider && !t.scrolls) failures.push(`${html}: table "${t.head}..." is wider than the page and cannot scroll`);
    }
    if (!shot && found.tables.some((t) => t.wider)) {
      await page.locator('main table').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shotsDir, 'table-390.png') });
      shot = true;
    }
    await page.close();
  }
  assert.deepEqual(failures, [], `tables that a phone reader cannot read:\n${failures.join('\n')}`);
});

test('diagrams follow the navy theme: no white background', async () => {
  const pages = pagesContaining(/<img[^>]* src="[^"]+\.svg"/);
  assert.ok(pages.length > 0, 'no page shows an SVG diagram');
  const failures = [];
  let images = 0;
  for (const html of pages) {
    const { page } = await open(html, { theme: 'navy' });
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('navy')),
      `${html} did not switch to the navy theme`);
    // Diagrams in a closed <details> are out of sight until it is opened.
    await page.evaluate(() => document.querySelectorAll('main details').forEach((d) => { d.open = true; }));
    const svgs = page.locator('main img[src$=".svg"] >> visible=true');
    for (let i = 0; i < await svgs.count(); i += 1) {
      const img = svgs.nth(i);
      await img.scrollIntoViewIfNeeded();
      const png = (await img.screenshot()).toString('base64');
      // Count near-white pixels of what the reader sees, on a grid.
      const white = await page.evaluate(async (data) => {
        const picture = new Image();
        picture.src = `data:image/png;base64,${data}`;
        await picture.decode();
        const canvas = document.createElement('canvas');
        canvas.width = picture.width;
        canvas.height = picture.height;
        const context = canvas.getContext('2d');
        context.drawImage(picture, 0, 0);
        const { data: pixels } = context.getImageData(0, 0, canvas.width, canvas.height);
        let bright = 0;
        let total = 0;
        for (let i = 0; i < pixels.length; i += 4 * 7) {
          total += 1;
          if (pixels[i] > 225 && pixels[i + 1] > 225 && pixels[i + 2] > 225) bright += 1;
        }
        return bright / total;
      }, png);
      images += 1;
      const src = await img.getAttribute('src');
      if (white > 0.2) failures.push(`${html}: ${src} is ${Math.round(white * 100)}% white in the navy theme`);
      if (images === 1 || html.startsWith('results/')) {
        await img.screenshot({ path: join(shotsDir, `navy-${src.replace(/[^a-z0-9]+/gi, '-')}.png`) });
      }
    }
    if (html === pages[0]) await page.screenshot({ path: join(shotsDir, 'chart-navy.png') });
    await page.close();
  }
  assert.ok(images > 0, 'pages mention .svg but no <img> of one was found');
  assert.deepEqual(failures, [], `diagrams that stay white in a dark theme (src/assets/course.css):\n${failures.join('\n')}`);
});
