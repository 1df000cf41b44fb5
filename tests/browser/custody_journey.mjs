// desist's England and Wales journey, in English: a detainee's case at a custody suite from
// booking in to the charging decision, and the IOM hub's meetings. The custody officer books the
// detainee in (PACE clock s41, 24 hours, in London time), records the superintendent's
// authorisation to hold them to 36 hours (s42); the duty solicitor records the consultation;
// probation reads the custody record; the Crown prosecutor chooses among the charging decision
// and the out-of-court resolutions (no Dutch penalty order) and gives a conditional caution; the
// IOM lead plans an IOM meeting with the hub's own partners. No page at the suite says "ZSM",
// cites the Dutch code of criminal procedure or shows Amsterdam time; axe-core checks every page.
//
//   node tests/browser/custody_journey.mjs http://127.0.0.1:8080
//
// Needs the demo data (`desist demo`: St Anne Street custody suite, the Knowsley IOM hub and
// their members). Prints one line per step; exits 0 only when every step and axe check passed.

import {
  PASSWORD, STEP_TIMEOUT_MS, StepFailure, axeCheck, base, check, clickAndNavigate, pageText, run, verdict,
  watchProblems, withChromium,
} from './harness.mjs';

const SUITE = 'st-anne-street-custody';
const SUSPECT = 'Gallagher';
// Words of the Dutch ZSM that must not appear at an English custody suite.
const DUTCH = /\bZSM\b|\bSv\b|Amsterdam|Veiligheidshuis|Safety House|penalty order|strafbeschikking|hulpofficier|Politie|Openbaar Ministerie/;

const problems = [];

// Local time in London `minutesAgo` minutes ago, as a datetime-local value.
function london(minutesAgo) {
  const at = new Date(Date.now() - minutesAgo * 60_000);
  const text = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).format(at);
  return text.replace(' ', 'T');
}

// A fresh browser context in English, signed in as `username`.
async function signIn(browser, username) {
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  watchProblems(page, problems);
  await page.goto(`${base}/language/en`);
  await page.goto(`${base}/login`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await clickAndNavigate(page, page.locator('form[action="/login"] button[type="submit"]'));
  check(new URL(page.url()).pathname !== '/login', `${username} could not sign in`);
  return { context, page };
}

// The page's main text, checked for Dutch ZSM words.
async function english(page, what) {
  const text = await pageText(page.locator('body'));
  const found = text.match(DUTCH);
  check(!found, `${what} says "${found && found[0]}": …${text.slice(Math.max(0, (found && found.index) - 80), (found && found.index) + 80)}…`);
  return text;
}

async function errorSummary(page) {
  const summary = page.locator('.error-summary');
  return (await summary.count()) > 0 ? pageText(summary.first()) : '(no error summary)';
}

async function submit(page, locator, what) {
  const { first } = await clickAndNavigate(page, locator);
  if (first.status() !== 303) throw new StepFailure(`${what} answered ${first.status()}: ${await errorSummary(page)}`);
}

async function main() {
  await withChromium(async (browser) => {
    let caseUrl;

    await run('custody officer: books the detainee in at the custody suite (PACE s41)', async () => {
      const { context, page } = await signIn(browser, 'custody');
      await page.goto(`${base}/zsm/intake?location=${SUITE}`);
      const intake = await english(page, 'the intake form');
      check(intake.includes('Indictable offence (PACE 1984 s42)'), 'the intake does not ask whether the offence is indictable');
      const suites = await page.locator('#location option').allTextContents();
      check(suites.length === 1 && suites[0].includes('St Anne Street'), `the suites offered: ${suites.join(', ')}`);
      await page.locator('#suspect_id').fill(SUSPECT);
      await clickAndNavigate(page, page.locator('main button[name="search"][value="suspect_id"]'));
      const candidate = page.locator('input[name="suspect_id"][type="radio"]').first();
      check(await candidate.count() === 1, `searching "${SUSPECT}" offered no one`);
      await candidate.check();
      await axeCheck(page, 'custody intake');
      await page.locator('#arrested_at').fill(london(50));
      await page.locator('#arrived_at').fill(london(30));
      await page.locator('#offences-0-offence_type').fill('Burglary (dwelling)');
      await page.locator('#offences-0-committed_on').fill(london(50).slice(0, 10));
      await page.locator('#offences-0-place').fill('Kirkby');
      await page.locator('#offences-0-description').fill('Entered a house through a rear window');
      await page.locator('#offences-0-pretrial').selectOption('yes');
      await page.locator('#victims-0-description').fill('The householder');
      await page.locator('#police_report_summary').fill('Arrested nearby with the laptop');
      await page.locator('#lawyer_id').selectOption({ label: 'Daniel Hughes (duty solicitor)' });
      await submit(page, page.locator('main form button[type="submit"]:not([name="search"])'), 'booking in');
      check(/^\/zsm\/cases\/[^/]+$/.test(new URL(page.url()).pathname), `not a custody record: ${page.url()}`);
      caseUrl = page.url();
      const record = await english(page, 'the custody record');
      check(record.includes('Custody record of'), 'the page is not a custody record');
      check(record.includes('Deadline (London time)'), 'the deadline is not in London time');
      check(record.includes('Detention without charge (PACE)') && record.includes('PACE 1984 s41'), 'no PACE s41 clock');
      check(record.includes('Charging decision'), 'no charging decision on the record');
      await axeCheck(page, 'custody record (custody officer)');
      await context.close();
      return new URL(caseUrl).pathname;
    });

    await run('custody officer: records the superintendent\'s authorisation to 36 hours (PACE s42)', async () => {
      const { context, page } = await signIn(browser, 'custody');
      await page.goto(caseUrl);
      const before = await pageText(page.locator('table').filter({ hasText: 'PACE 1984 s41' }).locator('tbody tr').first());
      const form = page.locator('form.extension-form').filter({ has: page.locator('input[name="extension"][value="superintendent"]') });
      check(await form.count() === 1, 'no form for the superintendent\'s extension');
      await form.locator('input[name="basis"]').fill('Supt. A. Coleman: evidence still being secured (s42(1))');
      await submit(page, form.locator('button[type="submit"]'), 'the extension');
      const row = await pageText(page.locator('table').filter({ hasText: 'PACE 1984 s41' }).locator('tbody tr').first());
      check(row.includes('Extended (superintendent)'), `the clock reads "${row}"`);
      check(await page.locator('input[name="extension"][value="superintendent"]').count() === 0, 'the s42 extension is offered twice');
      check(await page.locator('input[name="extension"][value="warrant_of_further_detention"]').count() === 1, 'no s43 warrant to record');
      await english(page, 'the custody record after s42');
      await axeCheck(page, 'custody record after the s42 extension');
      await context.close();
      return `${before.split(' ').slice(-6).join(' ')} → ${row.split(' ').slice(-6).join(' ')}`;
    });

    await run('duty solicitor: the consultation', async () => {
      const { context, page } = await signIn(browser, 'solicitor');
      await page.goto(caseUrl);
      await english(page, 'the custody record (solicitor)');
      await axeCheck(page, 'custody record (solicitor)');
      const form = page.locator('#section-defence_lawyer form');
      check(await form.count() === 1, 'no form in the defence lawyer section');
      await form.locator('#consulted_at').fill(london(10));
      await form.locator('#mode').selectOption('in_person');
      await form.locator('#lawyer_advice').fill('Consequences of a caution explained');
      await form.locator('#settlement_consequences_explained').check();
      await form.locator('#suspect_position').fill('Admits the offence');
      await form.locator('#state-defence_lawyer').selectOption('done');
      await submit(page, form.locator('button[type="submit"]'), 'the consultation');
      const state = await pageText(page.locator('#section-defence_lawyer-title .state'));
      check(state.startsWith('✓'), `the section reads "${state}"`);
      await context.close();
      return state;
    });

    await run('probation: reads the custody record and the suite\'s board', async () => {
      const { context, page } = await signIn(browser, 'probation');
      await page.goto(caseUrl);
      await english(page, 'the custody record (probation)');
      await axeCheck(page, 'custody record (probation)');
      await page.goto(`${base}/zsm/${SUITE}/board`);
      const board = await english(page, 'the board (probation)');
      check(board.includes('Charging decision'), 'the board has no charging decision column');
      await axeCheck(page, 'custody suite board (probation)');
      await context.close();
      return 'no Dutch words';
    });

    await run('Crown prosecutor: out-of-court resolutions, a conditional caution', async () => {
      const { context, page } = await signIn(browser, 'cps');
      await page.goto(`${caseUrl}/decision`);
      const form = await english(page, 'the charging decision');
      for (const choice of ['Charge', 'Simple caution', 'Conditional caution', 'Community resolution', 'No further action']) {
        check(form.includes(choice), `"${choice}" is not offered`);
      }
      await axeCheck(page, 'charging decision');
      await page.locator('#disposal-conditional_caution').check();
      await page.locator('#obligations-0-kind').selectOption('rehabilitation_condition');
      await page.locator('#obligations-0-starts_on').fill(london(0).slice(0, 10));
      const until = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
      await page.locator('#obligations-0-ends_on').fill(until);
      await page.locator('#obligations-0-details').fill('Knowsley alcohol awareness course');
      await page.locator('#reasoning').fill('Admitted; a rehabilitation condition addresses the drinking behind it');
      await submit(page, page.locator('main form button[type="submit"]'), 'the decision');
      check(page.url().endsWith('/record'), `not the record: ${page.url()}`);
      const record = await english(page, 'the decision record');
      check(record.includes('Charging decision record') && record.includes('Conditional caution'), record.slice(0, 300));
      check(record.includes('Criminal Justice Act 2003 s22'), 'the record does not cite CJA 2003 s22');
      await axeCheck(page, 'charging decision record');
      await context.close();
      return 'conditional caution, CJA 2003 s22';
    });

    await run('IOM lead: plans an IOM meeting with the hub\'s partners', async () => {
      const { context, page } = await signIn(browser, 'iomlead');
      await page.goto(`${base}/conferences`);
      const meetings = await english(page, 'the IOM meetings');
      check(meetings.includes('Integrated Offender Management (IOM) meetings'), 'not the IOM meetings page');
      const partners = await page.locator('input[name="invited"]').evaluateAll((boxes) => boxes.map((b) => b.labels[0]?.textContent.trim()));
      check(partners.includes('Merseyside Police') && partners.includes('Probation Service Merseyside'), `partners offered: ${partners.join(', ')}`);
      await axeCheck(page, 'IOM meetings');
      await page.locator('#date').fill(london(0).slice(0, 10));
      await page.locator('#location').fill('Huyton police station, IOM room');
      for (const name of ['Merseyside Police', 'Probation Service Merseyside']) {
        await page.locator('label.checkbox', { hasText: name }).locator('input[name="invited"]').check();
      }
      await submit(page, page.locator('main form button[type="submit"]').last(), 'planning the meeting');
      await page.goto(`${base}/conferences`);
      const after = await english(page, 'the IOM meetings after planning');
      check(after.includes('Huyton police station'), 'the planned meeting is not listed');
      // Someone in the IOM cohort is screened on the resettlement pathways (the hub's pack).
      await page.goto(`${base}/people?q=Doyle`);
      const person = page.locator('main table tbody a[href^="/people/"]').first();
      check(await person.count() === 1, 'the IOM lead does not find Connor Doyle');
      const id = (await person.getAttribute('href')).split('/')[2];
      await page.goto(`${base}/people/${id}/plan`);
      check((await english(page, 'the IOM plan')).includes('Plan for Connor Doyle'), 'not his plan');
      await axeCheck(page, 'IOM plan');
      await page.goto(`${base}/people/${id}/screenings/new`);
      const screening = await english(page, 'the IOM screening');
      check(screening.includes('Education, training and employment'), 'not the resettlement pathways');
      await axeCheck(page, 'IOM screening form');
      await context.close();
      return 'planned at Huyton; Connor Doyle screened on the resettlement pathways';
    });

    await run('custody officer: the board shows the detainee decided', async () => {
      const { context, page } = await signIn(browser, 'custody');
      await page.goto(`${base}/zsm/${SUITE}/board`);
      const board = await english(page, 'the board');
      const part = board.split('Decided in the last 24 hours')[1] || '';
      check(part.includes(SUSPECT), `"${SUSPECT}" is not among the decided cases`);
      await axeCheck(page, 'custody suite board');
      await context.close();
      return `${SUSPECT} under "decided"`;
    });

    await run('the pages loaded every resource without errors', async () => {
      check(problems.length === 0, problems.join('; '));
    });
  });
}

await verdict(main);
