// ZSM steps shared by the journeys that start at the table (zsm_journey.mjs, beyond_journey.mjs):
// signing a partner in on their own screen, registering a suspect's case at intake, and saving
// one partner's section of the case page.

import {
  PASSWORD, NAMES, STEP_TIMEOUT_MS, StepFailure, axeCheck, base, check, clickAndNavigate, pageText, watchProblems,
} from './harness.mjs';

export const LOCATION = 'zsm-utrecht';

// Local time in Amsterdam `minutesAgo` minutes ago, as a datetime-local value.
export function amsterdam(minutesAgo) {
  const at = new Date(Date.now() - minutesAgo * 60_000);
  const text = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).format(at);
  return text.replace(' ', 'T');
}

// A fresh browser context signed in as `username` (each partner on their own screen).
export async function signIn(browser, username, problems, viewport = { width: 1280, height: 900 }) {
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
export async function errorSummary(page) {
  const summary = page.locator('.error-summary');
  return (await summary.count()) > 0 ? pageText(summary.first()) : '(no error summary)';
}

// Saves one partner's section of the case page and checks it is marked done.
export async function saveSection(page, partner, fill) {
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

// The police find someone from the demo caseload and register their case at intake; returns the
// case page's URL, the suspect's name and person id.
export async function registerCase(browser, problems) {
  const { context, page } = await signIn(browser, 'politie', problems);
  for (const name of NAMES) {
    await page.goto(`${base}/people?q=${encodeURIComponent(name)}`);
    const link = page.locator('main table tbody a[href^="/people/"]').first();
    if (await link.count() === 0) continue;
    const suspect = await pageText(link);
    const id = (await link.getAttribute('href')).split('/')[2];
    // The police find the suspect inside the intake form, by name (issue 17 item 2).
    await page.goto(`${base}/zsm/intake?location=${LOCATION}`);
    await page.locator('#suspect_id').fill(name);
    await clickAndNavigate(page, page.locator('main button[name="search"][value="suspect_id"]'));
    const candidate = page.locator(`#suspect_id-found-${id}`);
    check(await candidate.count() === 1, `searching "${name}" in the form did not offer ${suspect}`);
    await candidate.check();
    await axeCheck(page, 'ZSM intake with the suspect found');
    await page.locator('#arrested_at').fill(amsterdam(90));
    await page.locator('#arrived_at').fill(amsterdam(75));
    await page.locator('#offences-0-offence_type').fill('winkeldiefstal');
    await page.locator('#offences-0-committed_on').fill(amsterdam(90).slice(0, 10));
    await page.locator('#offences-0-place').fill('Utrecht, Hoog Catharijne');
    await page.locator('#offences-0-description').fill('Drie flessen sterke drank');
    await page.locator('#victims-0-description').fill('De winkel');
    await page.locator('#police_report_summary').fill('Aangehouden door de winkeldetective');
    await page.locator('#lawyer_id').selectOption({ label: 'Mr. Eva de Jong' });
    const { first } = await clickAndNavigate(page, page.locator('main form button[type="submit"]:not([name="search"])'));
    check(first.status() === 303, `intake answered ${first.status()}: ${await pageText(page.locator('main'))}`.slice(0, 400));
    check(/^\/zsm\/cases\/[^/]+$/.test(new URL(page.url()).pathname), `not a case page: ${page.url()}`);
    const caseUrl = page.url();
    await axeCheck(page, 'ZSM case page (police)');
    await context.close();
    return { caseUrl, suspect, suspectId: id };
  }
  throw new StepFailure('the police found no one in the demo caseload');
}
