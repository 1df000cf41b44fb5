// desist's administration journey (issue 18): the demo's administrator (`beheer`) opens
// Administration from the menu, adds an agency, sends the location form with mistakes to see
// the error summary (422), adds a location, a Safety House, a member without a password (whose
// one-time password is shown once) and an API key; the new member signs in with the one-time
// password, is sent to change it first, and goes on. axe-core checks every page on the way.
//
//   node tests/browser/admin_journey.mjs http://127.0.0.1:8080

import {
  PASSWORD, STEP_TIMEOUT_MS, axeCheck, base, check, clickAndNavigate, pageText, run, verdict, watchProblems,
  withChromium,
} from './harness.mjs';

async function main() {
  await withChromium(async (browser) => {
    const context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await context.newPage();
    const pageProblems = [];
    watchProblems(page, pageProblems);
    const suffix = Date.now().toString(36);
    const agency = `Politie Noord ${suffix}`;
    let oneTime;

    await run('sign in as beheer and open Administration from the menu', async () => {
      await page.goto(`${base}/login`);
      await page.locator('#username').fill('beheer');
      await page.locator('#password').fill(PASSWORD);
      await clickAndNavigate(page, page.locator('form[action="/login"] button[type="submit"]'));
      await clickAndNavigate(page, page.locator('#nav-admin'));
      check(new URL(page.url()).pathname === '/admin', `not on /admin: ${page.url()}`);
      await axeCheck(page, 'administration');
      return page.url();
    });

    await run('add an agency', async () => {
      await page.goto(`${base}/admin/agencies`);
      await axeCheck(page, 'agencies');
      await page.locator('#name').fill(agency);
      await page.locator('#kind').selectOption('police');
      await clickAndNavigate(page, page.locator('form[action="/admin/agencies"] button[type="submit"]'));
      check((await pageText(page.locator('#agencies'))).includes(agency), 'the new agency is not listed');
      return agency;
    });

    await run('a location with mistakes shows the error summary', async () => {
      await page.goto(`${base}/admin/locations`);
      await axeCheck(page, 'locations');
      await page.locator('#time_zone').fill('Mars/Olympus');
      const { final } = await clickAndNavigate(page, page.locator('form[action="/admin/locations"] button[type="submit"]'));
      check(final.status() === 422, `expected 422, got ${final.status()}`);
      const summary = await pageText(page.locator('.error-summary'));
      check(/Naam/.test(summary) && /Jurisdictiepakket/.test(summary) && /Tijdzone/.test(summary), summary);
      await axeCheck(page, 'locations with errors');
      return summary.slice(0, 120);
    });

    await run('add a location with its pack and an agency at the table', async () => {
      await page.locator('#name').fill(`ZSM Noord ${suffix}`);
      await page.locator('#pack').selectOption('nl');
      await page.locator('#time_zone').fill('');
      await page.getByLabel(agency, { exact: true }).check();
      await clickAndNavigate(page, page.locator('form[action="/admin/locations"] button[type="submit"]'));
      check((await pageText(page.locator('#locations'))).includes(`zsm-noord-${suffix}`), 'the location is not listed');
      return 'Europe/Amsterdam';
    });

    await run('add a Safety House', async () => {
      await page.goto(`${base}/admin/safety-houses`);
      await axeCheck(page, 'safety houses');
      await page.locator('#name').fill(`Veiligheidshuis Noord ${suffix}`);
      await page.locator('#pack').selectOption('nl');
      await page.locator('#persons_per_day').fill('6');
      await page.locator('#triage_cutoff').fill('12:00');
      await clickAndNavigate(page, page.locator('form[action="/admin/safety-houses"] button[type="submit"]'));
      check((await pageText(page.locator('#safety-houses'))).includes(`Veiligheidshuis Noord ${suffix}`), 'not listed');
    });

    await run('add a member without a password: a one-time password, once', async () => {
      await page.goto(`${base}/admin/members`);
      await axeCheck(page, 'members');
      await page.locator('#username').fill(`agent-${suffix}`);
      await page.locator('#name').fill('Agent Noord');
      await page.locator('#agency_id').selectOption({ label: agency });
      await page.locator('input[name="roles"][value="police_officer"]').check();
      await clickAndNavigate(page, page.locator('form[action="/admin/members"] button[type="submit"]'));
      oneTime = (await page.locator('#one-time-password').innerText()).trim();
      check(oneTime.length === 23, `one-time password "${oneTime}"`);
      await axeCheck(page, 'one-time password');
      await clickAndNavigate(page, page.locator('main a[href^="/admin/members/"]'));
      await axeCheck(page, 'member page');
      return `agent-${suffix}`;
    });

    await run('make an API key', async () => {
      await page.goto(`${base}/admin/api-keys`);
      await page.locator('#name').fill(`Intake ${suffix}`);
      await page.locator('#agency_id').selectOption({ label: agency });
      await page.locator('input[name="scopes"][value="police_officer"]').check();
      await clickAndNavigate(page, page.locator('form[action="/admin/api-keys"] button[type="submit"]'));
      check((await page.locator('#api-key-token').innerText()).startsWith('dsk_'), 'no token shown');
      await axeCheck(page, 'api keys');
    });

    await run('the new member changes the one-time password before anything else', async () => {
      await clickAndNavigate(page, page.locator('form[action="/logout"] button'));
      await page.goto(`${base}/login`);
      await page.locator('#username').fill(`agent-${suffix}`);
      await page.locator('#password').fill(oneTime);
      await clickAndNavigate(page, page.locator('form[action="/login"] button[type="submit"]'));
      check(new URL(page.url()).pathname === '/account/password', `not sent to change it: ${page.url()}`);
      await axeCheck(page, 'change password');
      await page.locator('#current_password').fill(oneTime);
      await page.locator('#password').fill('een lang nieuw wachtwoord');
      await page.locator('#password_again').fill('een lang nieuw wachtwoord');
      await clickAndNavigate(page, page.locator('form[action="/account/password"] button[type="submit"]'));
      await page.goto(`${base}/zsm`);
      check(new URL(page.url()).pathname === '/zsm', `still held: ${page.url()}`);
      return page.url();
    });

    await run('the pages loaded every resource without errors', async () => {
      check(pageProblems.length === 0, pageProblems.join('; '));
    });
    await context.close();
  });
}

await verdict(main);
