// The built book, as a reader sees it: opened in headless Chromium (Debian's
// package, never a downloaded browser), served over loopback HTTP.
//
// Run it with `cargo course book && node --test tools/browser-test/` (the
// `.ci/run` script does), after `npm ci` in this folder.
//
// The book is served under the sub-path of book.toml's `site-url` (as a host
// such as GitHub Pages serves it), and a missing page gets 404.html.
//
// Checks: every page loads without a console error, a page error or a failed
// request; no link of any page leaves the built book (except to an external
// site) or points at a missing page or anchor; the sidebar lists every chapter
// of src/SUMMARY.md; search finds "Mutex"; each chapter page links to its
// crate's page and shows its test command; every Python/Rust pair is labelled
// and shows as working tabs at 1280 px, as two columns at 2560 px and stacked
// under its labels at 390 px, and no pane scrolls sideways; tables stay
// readable at 390 px without the page scrolling sideways, their first column
// in view; no chart's text is drawn below 10 px at 390 px; the 404 page is
// styled and its links work under the sub-path; no diagram keeps a white
// background in the navy theme.
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

/** The path the hosted book lives under: book.toml's `site-url`, or "/". */
const sitePath = (() => {
  const toml = readFileSync(join(root, 'book.toml'), 'utf8');
  const url = /^site-url\s*=\s*"([^"]*)"/m.exec(toml)?.[1] ?? '/';
  return url.endsWith('/') ? url : `${url}/`;
})();

before(async () => {
  assert.ok(existsSync(join(bookDir, 'index.html')),
    `no book at ${bookDir}: build it first with \`cargo course book\``);
  // A static host: the book under sitePath, 404.html for anything missing.
  server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const notFound = () => {
      res.writeHead(404, { 'content-type': types['.html'] });
      res.end(readFileSync(join(bookDir, '404.html')));
    };
    if (!path.startsWith(sitePath)) { notFound(); return; }
    let file = join(bookDir, path.slice(sitePath.length));
    if (!file.startsWith(bookDir)) { res.writeHead(403).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) { notFound(); return; }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${server.address().port}${sitePath.replace(/\/$/, '')}`;
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
  const path = decodeURIComponent(url.pathname);
  if (!path.startsWith(sitePath)) return null;
  let file = join(bookDir, path.slice(sitePath.length));
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
      const origin = new URL(base).origin;
      if ((target.protocol === 'http:' || target.protocol === 'https:') && target.origin !== origin) continue;
      if (target.origin !== origin) {
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

/** The side-by-side blocks of an open page: their labels and how their panes are laid out. */
function sideBySideBlocks(page) {
  return page.locator('main .side-by-side').evaluateAll((blocks) => blocks.map((block, index) => {
    const shown = (el) => el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const labels = [...block.querySelectorAll(':scope > label')];
    const panes = [...block.querySelectorAll(':scope > div')];
    const box = (el) => { const r = el.getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom }; };
    const cut = [...block.querySelectorAll('pre')].filter(shown).map((pre) => {
      const code = pre.querySelector('code') ?? pre;
      return Math.max(pre.scrollWidth, code.scrollWidth) - Math.min(pre.clientWidth, code.clientWidth || pre.clientWidth);
    });
    const first = (block.querySelector('pre code')?.textContent ?? block.textContent).trim().split('\n')[0].slice(0, 50);
    return {
      index, first,
      labels: labels.map((l) => ({ text: l.textContent.trim(), shown: shown(l), box: box(l), for: l.htmlFor })),
      panes: panes.map((p) => ({ shown: shown(p), box: box(p) })),
      widestCut: Math.max(0, ...cut),
    };
  }));
}

/** Pages with side-by-side blocks, each opened at `width`; `check` returns failures for one page. */
async function eachSideBySidePage(width, check) {
  const pages = pagesContaining(/class="side-by-side"/);
  assert.ok(pages.length > 0, 'no page has side-by-side listings: was the class renamed?');
  const failures = [];
  let blocks = 0;
  for (const html of pages) {
    const { page } = await open(html, { width, height: 900 });
    const found = await sideBySideBlocks(page);
    blocks += found.length;
    failures.push(...(await check(html, page, found)));
    if (html === pages[0]) {
      await page.locator('.side-by-side').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shotsDir, `side-by-side-${width}.png`) });
    }
    await page.close();
  }
  assert.ok(blocks > 0, 'pages mention side-by-side but no block was found');
  return { failures, blocks };
}

/** A block's labels: exactly two, each with text, each naming a radio of the block. */
function labelProblems(html, b) {
  const where = `${html}: block ${b.index + 1} ("${b.first}")`;
  if (b.labels.length !== 2 || b.panes.length !== 2) {
    return [`${where} has ${b.labels.length} labels and ${b.panes.length} panes; it needs a <label> for each of its two panes (markup: src/assets/course.css)`];
  }
  return b.labels.filter((l) => !l.text || !l.for).map(() => `${where} has a label without text or without its radio button`);
}

test('Python and Rust are tabs at 1280 px: labelled, one click switches, no pane scrolls sideways', async () => {
  const { failures, blocks } = await eachSideBySidePage(1280, async (html, page, found) => {
    const problems = [];
    for (const b of found) {
      const where = `${html}: block ${b.index + 1} ("${b.first}")`;
      const labels = labelProblems(html, b);
      if (labels.length) { problems.push(...labels); continue; }
      if (!b.labels.every((l) => l.shown)) problems.push(`${where}: a tab label is not visible`);
      const visible = () => sideBySideBlocks(page).then((all) => all[b.index].panes.map((p) => p.shown));
      const columns = b.panes.every((p) => p.shown) && b.panes[0].box.top === b.panes[1].box.top;
      if (columns) continue;
      if (JSON.stringify(await visible()) !== '[true,false]') {
        problems.push(`${where}: expected the first pane shown and the second hidden before a click, got ${JSON.stringify(await visible())}`);
        continue;
      }
      if (b.widestCut > 1) problems.push(`${where}: the first pane is ${b.widestCut}px too narrow`);
      await page.locator('main .side-by-side').nth(b.index).locator(':scope > label').nth(1).click();
      const after = await visible();
      if (JSON.stringify(after) !== '[false,true]') {
        problems.push(`${where}: clicking the "${b.labels[1].text}" tab should show its pane alone, got ${JSON.stringify(after)}`);
        continue;
      }
      const cut = (await sideBySideBlocks(page))[b.index].widestCut;
      if (cut > 1) problems.push(`${where}: the "${b.labels[1].text}" pane is ${cut}px too narrow`);
      await page.locator('main .side-by-side').nth(b.index).locator(':scope > label').nth(0).click();
      if (JSON.stringify(await visible()) !== '[true,false]') problems.push(`${where}: clicking "${b.labels[0].text}" does not switch back`);
    }
    return problems;
  });
  assert.deepEqual(failures, [], `${failures.length} problems in ${blocks} side-by-side blocks at 1280 px:\n${failures.join('\n')}`);
});

test('Python and Rust are two labelled columns at 2560 px', async () => {
  const { failures, blocks } = await eachSideBySidePage(2560, async (html, page, found) => found.flatMap((b) => {
    const where = `${html}: block ${b.index + 1} ("${b.first}")`;
    const labels = labelProblems(html, b);
    if (labels.length) return labels;
    const [a, c] = b.panes;
    const problems = [];
    if (!(a.shown && c.shown && a.box.right <= c.box.left && Math.abs(a.box.top - c.box.top) < 2)) {
      problems.push(`${where}: the two panes are not side by side (${JSON.stringify(b.panes.map((p) => p.box))})`);
    }
    b.labels.forEach((l, i) => {
      const pane = b.panes[i].box;
      if (!(l.shown && l.box.bottom <= pane.top + 1 && l.box.left < pane.right && l.box.right > pane.left)) {
        problems.push(`${where}: the label "${l.text}" does not head its column`);
      }
    });
    if (b.widestCut > 1) problems.push(`${where}: a pane scrolls sideways by ${b.widestCut}px`);
    return problems;
  }));
  assert.deepEqual(failures, [], `${failures.length} problems in ${blocks} side-by-side blocks at 2560 px:\n${failures.join('\n')}`);
});

test('Python and Rust are stacked under their labels at 390 px', async () => {
  const { failures, blocks } = await eachSideBySidePage(390, async (html, page, found) => found.flatMap((b) => {
    const where = `${html}: block ${b.index + 1} ("${b.first}")`;
    const labels = labelProblems(html, b);
    if (labels.length) return labels;
    const [l1, l2] = b.labels;
    const [p1, p2] = b.panes;
    const order = [l1.box.top, p1.box.top, l2.box.top, p2.box.top];
    const stacked = l1.shown && l2.shown && p1.shown && p2.shown && order.every((t, i) => i === 0 || t >= order[i - 1]);
    return stacked ? [] : [`${where}: expected label, pane, label, pane from top to bottom, all visible`];
  }));
  assert.deepEqual(failures, [], `${failures.length} problems in ${blocks} side-by-side blocks at 390 px:\n${failures.join('\n')}`);
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
        // Scrolled to its right end, the table still shows its first column.
        const wider = table.scrollWidth > box.clientWidth + 1;
        box.scrollLeft = box.scrollWidth;
        const firstCell = table.querySelector('tbody tr td');
        const boxLeft = box.getBoundingClientRect().left;
        const firstInView = !wider || !firstCell || firstCell.getBoundingClientRect().left >= boxLeft - 1;
        box.scrollLeft = 0;
        return { narrowest, wider, scrolls, firstInView,
          head: table.querySelector('th')?.textContent.trim() || table.querySelectorAll('th')[1]?.textContent.trim() || '' };
      });
      return { pageScroll, tables };
    });
    if (found.pageScroll > 1) failures.push(`${html}: the page scrolls sideways by ${found.pageScroll}px`);
    for (const t of found.tables) {
      if (t.narrowest < 96) failures.push(`${html}: table "${t.head}..." squeezes a cell to ${Math.round(t.narrowest)}px`);
      if (t.wider && !t.scrolls) failures.push(`${html}: table "${t.head}..." is wider than the page and cannot scroll`);
      if (!t.firstInView) failures.push(`${html}: table "${t.head}..." loses its first column from view when scrolled sideways`);
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

test('no chart draws its text below 10 px at 390 px, and the page does not scroll sideways', async () => {
  const pages = pagesContaining(/<figure class="chart"|<img[^>]* src="[^"]+\.svg"/);
  assert.ok(pages.length > 0, 'no page shows a chart');
  const failures = [];
  let charts = 0;
  let shot = false;
  for (const html of pages) {
    const { page } = await open(html, { width: 390, height: 844 });
    await page.evaluate(() => document.querySelectorAll('main details').forEach((d) => { d.open = true; }));
    const found = await page.evaluate(async () => {
      const pageScroll = document.documentElement.scrollWidth - window.innerWidth;
      const smallest = (svg, scale) => Math.min(...[...svg.querySelectorAll('text')].map((t) => {
        let el = t;
        let size = null;
        while (el && el.getAttribute && size === null) {
          size = el.getAttribute('font-size') ?? (el.style?.fontSize || null);
          el = el.parentNode;
        }
        return parseFloat(size ?? '16') * scale;
      }));
      const result = [];
      for (const svg of document.querySelectorAll('main figure svg')) {
        const view = svg.viewBox.baseVal;
        const scale = svg.getBoundingClientRect().width / (view && view.width ? view.width : svg.width.baseVal.value);
        const caption = svg.closest('figure').querySelector('figcaption')?.textContent ?? svg.querySelector('title')?.textContent ?? '';
        result.push({ name: caption.trim().slice(0, 70), px: smallest(svg, scale) });
      }
      // mdBook 0.5 keeps a second, hidden copy of each image for its zoom view.
      for (const img of [...document.querySelectorAll('main img[src$=".svg"]')].filter((i) => !i.closest('.img-wrapper'))) {
        const text = await (await fetch(img.src)).text();
        const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
        const width = svg.viewBox?.baseVal?.width || parseFloat(svg.getAttribute('width'));
        result.push({ name: img.getAttribute('src'), px: smallest(svg, img.getBoundingClientRect().width / width) });
      }
      return { pageScroll, charts: result };
    });
    charts += found.charts.length;
    if (found.pageScroll > 1) failures.push(`${html}: the page scrolls sideways by ${found.pageScroll}px at 390 px`);
    for (const c of found.charts.filter((c) => c.px < 10)) {
      failures.push(`${html}: "${c.name}" draws text at ${c.px.toFixed(1)} px (a chart should keep its size and scroll sideways on a phone: src/assets/course.css)`);
    }
    if (!shot && html.includes('timeline')) {
      await page.locator('main figure').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shotsDir, 'chart-390.png') });
      shot = true;
    }
    await page.close();
  }
  assert.ok(charts > 0, 'pages mention charts but none was found');
  assert.deepEqual(failures, [], `charts a phone reader cannot read (${failures.length} of ${charts}):\n${failures.join('\n')}`);
});

test('a chart embedded in a page shows the times of its bars on hover', async () => {
  const { page } = await open('07-pools/timeline.html');
  const bar = page.locator('main figure svg rect.span').first();
  assert.ok(await bar.count(), 'the timeline page should embed its charts inline (<figure class="chart">), with <rect class="span"> bars');
  const tooltip = await bar.evaluate((rect) => (rect.querySelector('title') ?? rect.parentNode.querySelector('title'))?.textContent ?? '');
  assert.match(tooltip, /ms/, `a bar's <title> (its tooltip) should give its times; it is "${tooltip}"`);
  await page.close();
});

test('the 404 page is styled and its links work under the sub-path', async () => {
  for (const missing of ['no-such-page.html', '01-threads/no/such/page.html']) {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const failed = [];
    page.on('requestfailed', (req) => failed.push(req.url()));
    page.on('response', (res) => { if (res.status() >= 400 && !res.url().endsWith(missing)) failed.push(`${res.status()} ${res.url()}`); });
    const response = await page.goto(`${base}/${missing}`, { waitUntil: 'load' });
    assert.equal(response.status(), 404, `the test server should answer ${missing} with 404`);
    const seen = await page.evaluate(() => ({
      padding: getComputedStyle(document.documentElement).getPropertyValue('--page-padding').trim(),
      ours: getComputedStyle(document.documentElement).getPropertyValue('--content-max-width').trim(),
      font: getComputedStyle(document.body).fontFamily,
      sidebar: [...document.querySelectorAll('#mdbook-sidebar a, .sidebar a')].map((a) => a.href),
    }));
    await page.screenshot({ path: join(shotsDir, `404-390-${missing.replace(/[^a-z0-9]+/gi, '-')}.png`) });
    assert.deepEqual(failed, [], `the 404 page at /${missing} failed to load: ${failed.join(', ')} (book.toml's site-url must be the path the book is served under, ${sitePath})`);
    assert.equal(seen.padding, '15px', `the 404 page at /${missing} has no mdBook styles (book.toml's site-url)`);
    assert.equal(seen.ours, '940px', `the 404 page at /${missing} did not load src/assets/course.css`);
    const chapter = seen.sidebar.find((href) => href.endsWith('01-threads/index.html'));
    assert.ok(chapter && chapter.startsWith(`${base}/`), `the 404 page's sidebar should link chapter 1 under ${sitePath}; it links ${chapter}`);
    const res = await page.request.get(chapter);
    assert.equal(res.status(), 200, `the 404 page's link ${chapter} should load`);
    await page.close();
  }
});

test('diagrams follow the navy theme: no white background', async () => {
  const pages = pagesContaining(/<img[^>]* src="[^"]+\.svg"|<figure class="chart"/);
  assert.ok(pages.length > 0, 'no page shows an SVG diagram');
  const failures = [];
  let images = 0;
  for (const html of pages) {
    const { page } = await open(html, { theme: 'navy' });
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('navy')),
      `${html} did not switch to the navy theme`);
    // Diagrams in a closed <details> are out of sight until it is opened.
    await page.evaluate(() => document.querySelectorAll('main details').forEach((d) => { d.open = true; }));
    const svgs = page.locator('main img[src$=".svg"], main figure.chart > svg').filter({ visible: true });
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
      const src = (await img.getAttribute('src')) ?? `${html}-figure-${i + 1}`;
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
