// desist's administration journey (issue 18): the demo's administrator (`beheer`) opens
// Administration from the menu, adds an agency, sends the location form with mistakes to see
// the error summary (422), adds a location, a Safety House, a member without a password (whose
// one-time password is shown once) and an API key; edits the agency (its contact), the location
// (an agency joins its table), the Safety House (its quota) and the member (the hulpofficier
// designation); the new member signs in with the one-time
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

    await run('edit the agency: its contact, after a mistake named in the summary', async () => {
      await clickAndNavigate(page, page.locator('#agencies a', { hasText: agency }));
      await axeCheck(page, 'agency page');
      await page.locator('#name').fill('');
      const { final } = await clickAndNavigate(page, page.locator('main form[action^="/admin/agencies/"]:not([action$="/delete"]) button[type="submit"]'));
      check(final.status() === 422, `expected 422, got ${final.status()}`);
      check(/Naam/.test(await pageText(page.locator('.error-summary'))), 'the summary names the field');
      await axeCheck(page, 'agency page with errors');
      await page.locator('#name').fill(agency);
      await page.locator('#contact').fill('zsm-noord@politie.example');
      await clickAndNavigate(page, page.locator('main form[action^="/admin/agencies/"]:not([action$="/delete"]) button[type="submit"]'));
      check((await pageText(page.locator('#agencies'))).includes('zsm-noord@politie.example'), 'the contact is not saved');
      return 'zsm-noord@politie.example';
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

    await run('edit the location: an agency joins its table', async () => {
      await clickAndNavigate(page, page.locator(`#locations a[href="/admin/locations/zsm-noord-${suffix}"]`));
      await axeCheck(page, 'location page');
      await page.locator('fieldset input[type="checkbox"]').first().check();
      await clickAndNavigate(page, page.locator('main form[action^="/admin/locations/"] button[type="submit"]'));
      check(new URL(page.url()).pathname === '/admin/locations', `not back on the list: ${page.url()}`);
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

    await run('edit the Safety House: eight persons a day', async () => {
      await clickAndNavigate(page, page.locator('#safety-houses a', { hasText: `Veiligheidshuis Noord ${suffix}` }));
      await axeCheck(page, 'safety house page');
      await page.locator('#persons_per_day').fill('8');
      await clickAndNavigate(page, page.locator('main form[action^="/admin/safety-houses/"] button[type="submit"]'));
      const row = await pageText(page.locator('#safety-houses tr', { hasText: `Veiligheidshuis Noord ${suffix}` }));
      check(/\b8\b/.test(row), `the quota is not saved: ${row}`);
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

    await run('edit the member: the hulpofficier designation beside the police role', async () => {
      await page.locator('input[name="roles"][value="assistant_prosecutor"]').check();
      await clickAndNavigate(page, page.locator('main form[action^="/admin/members/"]:not([action*="/disable"]):not([action*="/enable"]):not([action*="/reset"]) button[type="submit"]').first());
      check(/ulpofficier|ssistant/.test(await pageText(page.locator('#member'))), 'the designation is not saved');
      await axeCheck(page, 'member page after the change');
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
