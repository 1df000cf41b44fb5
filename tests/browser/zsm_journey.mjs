// desist's ZSM journey: the whole table settles one suspect's case in a real browser. The police
// register the case at intake, probation records its quick scan, victim support the victim's
// interests, the suspect's lawyer the consultation, the prosecutor decides a penalty order, and
// the board shows the case settled — also on a 320px-wide screen, without sideways scrolling.
// axe-core checks every page on the way against WCAG 2.1 A and AA.
//
//   node tests/browser/zsm_journey.mjs http://127.0.0.1:8080
//
// Needs the demo data (`desist demo`: ZSM Utrecht and its members). Prints one line per step;
// exits 0 only when every step and every accessibility check passed.

import {
  PASSWORD, NAMES, STEP_TIMEOUT_MS, StepFailure, axeCheck, base, check, clickAndNavigate, pageText, run, verdict,
  watchProblems, withChromium,
} from './harness.mjs';

const LOCATION = 'zsm-utrecht';
const problems = [];

// Local time in Amsterdam `minutesAgo` minutes ago, as a datetime-local value.
function amsterdam(minutesAgo) {
  const at = new Date(Date.now() - minutesAgo * 60_000);
  const text = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).format(at);
  return text.replace(' ', 'T');
}

// A fresh browser context signed in as `username` (each partner on their own screen).
async function signIn(browser, username, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ locale: 'en-GB', viewport });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  watchProblems(page, problems);
  await page.goto(`${base}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await clickAndNavigate(page, page.locator('form[action="/login"] button[type="submit"]'));
  check(new URL(page.url()).pathname !== '/login', `${username} could not sign in`);
  return { context, page };
}

// The error summary's text, when the page has one.
async function errorSummary(page) {
  const summary = page.locator('.error-summary');
  return (await summary.count()) > 0 ? pageText(summary.first()) : '(no error summary)';
}

// Saves one partner's section of the case page and checks it is marked done.
async function saveSection(page, partner, fill) {
  const form = page.locator(`#section-${partner} form`);
  check(await form.count() === 1, `no form in the ${partner} section`);
  await fill(form);
  await form.locator(`#state-${partner}`).selectOption('done');
  const { first } = await clickAndNavigate(page, form.locator('button[type="submit"]'));
  if (first.status() !== 303) {
    throw new StepFailure(`saving the ${partner} section answered ${first.status()}: ${await errorSummary(page)}`);
  }
  const state = await pageText(page.locator(`#section-${partner}-title .state`));
  check(state.startsWith('✓'), `the ${partner} section reads "${state}", not done`);
  return state;
}

async function main() {
  await withChromium(async (browser) => {
    let caseUrl;
    let suspect;

    await run('police: find the suspect and open the intake', async () => {
      const { context, page } = await signIn(browser, 'politie');
      for (const name of NAMES) {
        await page.goto(`${base}/people?q=${encodeURIComponent(name)}`);
        const link = page.locator('main table tbody a[href^="/people/"]').first();
        if (await link.count() === 0) continue;
        suspect = await pageText(link);
        const id = (await link.getAttribute('href')).split('/')[2];
        await page.goto(`${base}/zsm/intake?location=${LOCATION}&suspect=${id}`);
        check(await page.locator('#suspect_id').inputValue() === id, 'the suspect is not filled in');
        await axeCheck(page, 'ZSM intake');
        await page.locator('#arrested_at').fill(amsterdam(90));
        await page.locator('#arrived_at').fill(amsterdam(75));
        await page.locator('#offences-0-offence_type').fill('winkeldiefstal');
        await page.locator('#offences-0-committed_on').fill(amsterdam(90).slice(0, 10));
        await page.locator('#offences-0-place').fill('Utrecht, Hoog Catharijne');
        await page.locator('#offences-0-description').fill('Drie flessen sterke drank');
        await page.locator('#victims-0-description').fill('De winkel');
        await page.locator('#police_report_summary').fill('Aangehouden door de winkeldetective');
        await page.locator('#lawyer_id').selectOption({ label: 'Mr. Eva de Jong' });
        const { first } = await clickAndNavigate(page, page.locator('main form button[type="submit"]'));
        check(first.status() === 303, `intake answered ${first.status()}: ${await pageText(page.locator('main'))}`.slice(0, 400));
        check(/^\/zsm\/cases\/[^/]+$/.test(new URL(page.url()).pathname), `not a case page: ${page.url()}`);
        caseUrl = page.url();
        await axeCheck(page, 'ZSM case page (police)');
        await context.close();
        return `${suspect}: ${new URL(caseUrl).pathname}`;
      }
      throw new StepFailure('the police found no one in the demo caseload');
    });

    await run('probation: the quick scan with a signal beyond the case', async () => {
      const { context, page } = await signIn(browser, 'reclassering');
      await page.goto(caseUrl);
      await axeCheck(page, 'ZSM case page (probation)');
      const state = await saveSection(page, 'probation', async (form) => {
        await form.locator('#advice').selectOption('screening_advised');
        await form.locator('#signal-debt').check();
        await form.locator('#signal_note-debt').fill('huurachterstand');
      });
      await context.close();
      return state;
    });

    await run('victim support: the victim\'s interests and a damages claim', async () => {
      const { context, page } = await signIn(browser, 'slachtofferhulp');
      await page.goto(caseUrl);
      await axeCheck(page, 'ZSM case page (victim support)');
      const state = await saveSection(page, 'victim_support', async (form) => {
        await form.locator('#interests').fill('Schade vergoed krijgen');
        await form.locator('#damages_claim').fill('60,00');
        await form.locator('#wants_information').check();
      });
      await context.close();
      return state;
    });

    await run('lawyer: the consultation, with the consequences of a settlement explained', async () => {
      const { context, page } = await signIn(browser, 'advocaat');
      await page.goto(caseUrl);
      check(!(await pageText(page.locator('main'))).includes('De winkel'), 'the lawyer sees the victim');
      await axeCheck(page, 'ZSM case page (lawyer)');
      const state = await saveSection(page, 'defence_lawyer', async (form) => {
        await form.locator('#consulted_at').fill(amsterdam(10));
        await form.locator('#mode').selectOption('in_person');
        await form.locator('#lawyer_advice').fill('Accepteren; gevolgen voor de VOG besproken');
        await form.locator('#settlement_consequences_explained').check();
        await form.locator('#suspect_position').fill('Bekent');
      });
      await context.close();
      return state;
    });

    await run('prosecutor: a penalty order with community service, signed', async () => {
      const { context, page } = await signIn(browser, 'officier');
      await page.goto(caseUrl);
      await clickAndNavigate(page, page.locator(`main a[href="${new URL(caseUrl).pathname}/decision"]`));
      await axeCheck(page, 'ZSM decision form');
      await page.locator('#disposal-penalty_order').check();
      await page.locator('[name="param.penalty_order.community_service_hours"]').fill('20');
      await page.locator('#reasoning').fill('Eerste feit, bekent, schade vergoed');
      const { first } = await clickAndNavigate(page, page.locator('main form button[type="submit"]'));
      if (first.status() !== 303) throw new StepFailure(`deciding answered ${first.status()}: ${await errorSummary(page)}`);
      check(page.url().endsWith('/record'), `not the record: ${page.url()}`);
      const record = await pageText(page.locator('main'));
      check(/Decided by|Beslist door/.test(record), `the record is not signed: ${record.slice(0, 300)}`);
      await axeCheck(page, 'ZSM decision record');
      await context.close();
      return record.slice(0, 120);
    });

    await run('the board shows the case settled', async () => {
      const { context, page } = await signIn(browser, 'politie');
      await page.goto(`${base}/zsm/${LOCATION}/board`);
      const decided = await pageText(page.locator('#board-cases'));
      const part = decided.split(/Decided in the last 24 hours|Beslist in de afgelopen 24 uur/)[1] || '';
      check(part.includes(suspect), `"${suspect}" is not among the decided cases`);
      await axeCheck(page, 'ZSM board');
      await context.close();
      return `${suspect} under "decided"`;
    });

    await run('the board fits a 320px screen as cards', async () => {
      const { context, page } = await signIn(browser, 'officier', { width: 320, height: 800 });
      await page.goto(`${base}/zsm/${LOCATION}/board`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      check(width <= 320, `the board is ${width}px wide on a 320px screen`);
      const display = await page.locator('table.board tr').first().evaluate((tr) => getComputedStyle(tr).display);
      check(display === 'block', `board rows are "${display}", not cards`);
      await axeCheck(page, 'ZSM board at 320px');
      await context.close();
      return `scroll width ${width}px`;
    });

    await run('the pages loaded every resource without errors', async () => {
      check(problems.length === 0, problems.join('; '));
    });
  });
}

await verdict(main);
