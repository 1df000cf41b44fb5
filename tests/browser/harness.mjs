// Shared by desist's browser journeys (journey.mjs, zsm_journey.mjs): headless Debian Chromium
// through playwright-core, numbered steps that log one line each, axe-core on every page
// (WCAG 2.1 A and AA), and the final verdict. A journey exits 0 only when every step and every
// accessibility check passed.

import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const AXE_VERSION = require('axe-core/package.json').version;
// The pages forbid inline script (Content-Security-Policy), so axe is not added as a script
// tag: it is evaluated through the DevTools protocol, which the policy does not govern, and
// the policy keeps guarding everything the pages themselves run.
const AXE_SOURCE = readFileSync(AXE_PATH, 'utf8');

export const base = (process.argv[2] || process.env.DESIST_URL || '').replace(/\/+$/, '');
if (!/^https?:\/\//.test(base)) {
  console.error('usage: node JOURNEY.mjs http://HOST:PORT   (a server running `desist demo`)');
  process.exit(2);
}
export const USERNAME = process.env.DESIST_JOURNEY_USER || 'reclassering';
export const PASSWORD = process.env.DESIST_JOURNEY_PASSWORD || 'desist-demo-2026';
const EXECUTABLE = process.env.DESIST_CHROMIUM || '/usr/bin/chromium';
// Family names from the demo caseload (crates/cli/src/demo.rs), tried in turn until the
// member finds someone their agency works with.
export const NAMES = (process.env.DESIST_JOURNEY_NAMES ||
  'Jansen,Bakker,Visser,Smit,Meijer,Mulder,Bos,Vos,Peters,Hendriks,Dekker,Brouwer,Dijkstra,de Vries,de Boer,de Groot,de Wit,van den Berg,van Leeuwen,Ngo')
  .split(',').map((s) => s.trim()).filter(Boolean);
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const STEP_TIMEOUT_MS = 30_000;

let step = 0;
export const failures = [];
const axeReport = []; // { page, url, violations }
const started = Date.now();

export function log(line) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
  console.log(`[journey ${seconds}s] ${line}`);
}

export class StepFailure extends Error {}

export function check(condition, message) {
  if (!condition) throw new StepFailure(message);
}

export async function run(name, body) {
  step += 1;
  const label = `step ${String(step).padStart(2)}: ${name}`;
  try {
    const detail = await body();
    log(`ok    ${label}${detail ? ` — ${detail}` : ''}`);
  } catch (error) {
    const message = error instanceof StepFailure ? error.message : (error && error.stack) || String(error);
    log(`FAIL  ${label} — ${message}`);
    failures.push(`${label}: ${message}`);
    throw error;
  }
}

function describeNode(node) {
  const target = node.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' ');
  const html = node.html.replace(/\s+/g, ' ').slice(0, 200);
  const why = (node.failureSummary || '').replace(/\s+/g, ' ').trim();
  return `      at ${target}\n         ${html}${why ? `\n         ${why}` : ''}`;
}

// Runs axe-core on the page as it is now; records violations (they fail the journey at the end,
// after every page has been checked, so one run lists them all).
export async function axeCheck(page, name) {
  await page.evaluate((source) => { (0, eval)(source); }, AXE_SOURCE);
  const results = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    const pick = (items) => items.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })),
    }));
    return { violations: pick(r.violations), incomplete: pick(r.incomplete), passes: r.passes.length };
  }, AXE_TAGS);
  axeReport.push({ page: name, url: page.url(), violations: results.violations });
  const nodes = results.violations.reduce((sum, v) => sum + v.nodes.length, 0);
  const status = results.violations.length === 0 ? 'ok  ' : 'FAIL';
  log(`${status}  axe on ${name}: ${results.violations.length} violations (${nodes} elements), ` +
    `${results.passes} rules passed, ${results.incomplete.length} need review` +
    (results.incomplete.length ? ` [${results.incomplete.map((v) => v.id).join(', ')}]` : ''));
  for (const v of results.violations) {
    log(`        ${v.id} (${v.impact}): ${v.help}`);
  }
}

// Clicks and waits for the navigation it causes. `final` is the document's response after any
// redirects; `first` is the response to the click itself (a 303 when a POST redirects).
export async function clickAndNavigate(page, locator) {
  const [final] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  check(final, 'the click did not load a page');
  let request = final.request();
  while (request.redirectedFrom()) request = request.redirectedFrom();
  const first = request === final.request() ? final : await request.response();
  return { first, final };
}

export async function pageText(locator) {
  return ((await locator.innerText()) || '').replace(/\s+/g, ' ').trim();
}

export function detailValue(rows, labels) {
  const row = rows.find((r) => labels.includes(r.label));
  return row ? row.value : undefined;
}

export async function detailRows(page) {
  return page.locator('dl.summary-list .summary-row').evaluateAll((rows) => rows.map((row) => ({
    label: (row.querySelector('dt')?.textContent || '').trim(),
    value: (row.querySelector('dd')?.textContent || '').trim(),
  })));
}

// Launches Chromium with a throwaway profile, runs `journey(browser)`, closes everything.
export async function withChromium(journey) {
  const profile = mkdtempSync(join(tmpdir(), 'desist-chromium-'));
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: EXECUTABLE,
      headless: true,
      chromiumSandbox: false,
      // Debian's Chromium on a closed network: no background connections, no first-run.
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        `--disk-cache-dir=${join(profile, 'cache')}`,
      ],
      env: { ...process.env, HOME: profile, XDG_CONFIG_HOME: join(profile, 'config'), XDG_CACHE_HOME: join(profile, 'cache') },
      timeout: 60_000,
    });
    log(`chromium ${browser.version()} (${EXECUTABLE}), axe-core ${AXE_VERSION}, ${base}`);
    await journey(browser);
  } finally {
    if (browser) await browser.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

// Anything on our pages that fails to load (a stylesheet, an asset) or throws is a problem,
// collected into `problems`.
export function watchProblems(page, problems) {
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('requestfailed', (request) => {
    problems.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('response', (response) => {
    if (!response.request().isNavigationRequest() && response.status() >= 400) {
      problems.push(`${response.status()} for ${response.request().method()} ${response.url()}`);
    }
  });
}

// Runs `main`, reports every step failure and accessibility violation, and exits.
export async function verdict(main) {
  let crashed = false;
  try {
    await main();
  } catch (error) {
    crashed = true;
    if (!(error instanceof StepFailure) && failures.length === 0) {
      failures.push(String((error && error.stack) || error));
      log(`FAIL  ${error && error.message}`);
    }
  }

  const withViolations = axeReport.filter((r) => r.violations.length > 0);
  if (withViolations.length > 0) {
    console.log('');
    console.log(`accessibility violations (axe-core ${AXE_VERSION}, ${AXE_TAGS.join(', ')}):`);
    for (const report of withViolations) {
      console.log(`  on ${report.page} (${report.url}):`);
      for (const v of report.violations) {
        console.log(`    ${v.id} [${v.impact}] ${v.help}\n      ${v.helpUrl}`);
        for (const node of v.nodes) console.log(describeNode(node));
      }
    }
  }

  console.log('');
  if (crashed || failures.length > 0 || withViolations.length > 0) {
    const parts = [];
    if (failures.length) parts.push(`${failures.length} step failed`);
    if (withViolations.length) parts.push(`accessibility violations on ${withViolations.length} of ${axeReport.length} pages`);
    console.log(`journey FAILED: ${parts.join('; ')} (${step} steps run, ${axeReport.length} pages checked by axe)`);
    process.exit(1);
  }
  console.log(`journey passed: ${step} steps, ${axeReport.length} pages checked by axe, no violations`);
}
