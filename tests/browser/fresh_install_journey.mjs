// A fresh install walked as a new administrator would (issue 18): after `desist init --admin
// beheer --password-file F` on an empty store and `desist serve`, the administrator signs in with
// that password, opens Administration, creates a police agency and a probation agency, a ZSM
// location with both at its table, and a police officer with a one-time password; the officer
// signs in, changes the password first, registers a person and registers their case at intake.
// axe-core checks every page on the way.
//
//   DESIST_JOURNEY_PASSWORD='…' node tests/browser/fresh_install_journey.mjs http://127.0.0.1:8080

import {
  PASSWORD, STEP_TIMEOUT_MS, axeCheck, base, check, clickAndNavigate, pageText, run, verdict, watchProblems,
  withChromium,
} from './harness.mjs';
import { amsterdam, errorSummary } from './zsm_steps.mjs';

// Names stay unique when the journey is tried against a store that is not empty (a demo).
const SUFFIX = process.env.DESIST_JOURNEY_SUFFIX || '';
const POLICE = `Politie Eenheid Utrecht${SUFFIX}`;
const PROBATION = `Reclassering Utrecht${SUFFIX}`;
const LOCATION = `ZSM Midden-Nederland${SUFFIX}`;
const CODE = LOCATION.toLowerCase().replace(/[^a-z0-9]+/g, '-');
const OFFICER = `s.bakker${SUFFIX.replace(/[^A-Za-z0-9]/g, '').toLowerCase()}`;

async function main() {
  await withChromium(async (browser) => {
    const context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await context.newPage();
    const pageProblems = [];
    watchProblems(page, pageProblems);
    let oneTime;
    let personUrl;

    await run('an empty install: the administrator signs in with the password given to init', async () => {
      await page.goto(`${base}/login`);
      await axeCheck(page, 'sign in (fresh install)');
      await page.locator('#username').fill('beheer');
      await page.locator('#password').fill(PASSWORD);
      await clickAndNavigate(page, page.locator('form[action="/login"] button[type="submit"]'));
      check(new URL(page.url()).pathname !== '/login', `beheer could not sign in: ${page.url()}`);
      await clickAndNavigate(page, page.locator('#nav-admin'));
      check(new URL(page.url()).pathname === '/admin', `not on /admin: ${page.url()}`);
      await axeCheck(page, 'administration (fresh install)');
      return page.url();
    });

    await run('create the police and probation agencies', async () => {
      for (const [name, kind] of [[POLICE, 'police'], [PROBATION, 'probation']]) {
        await page.goto(`${base}/admin/agencies`);
        await page.locator('#name').fill(name);
        await page.locator('#kind').selectOption(kind);
        const { final } = await clickAndNavigate(page, page.locator('form[action="/admin/agencies"] button[type="submit"]'));
        check(final.status() === 200, `adding ${name} answered ${final.status()}: ${await errorSummary(page)}`);
        check((await pageText(page.locator('#agencies'))).includes(name), `${name} is not listed`);
      }
      await axeCheck(page, 'agencies (fresh install)');
      return `${POLICE}, ${PROBATION}`;
    });

    await run('create a ZSM location with both agencies at its table', async () => {
      await page.goto(`${base}/admin/locations`);
      await page.locator('#name').fill(LOCATION);
      await page.locator('#pack').selectOption('nl');
      await page.getByLabel(POLICE, { exact: true }).check();
      await page.getByLabel(PROBATION, { exact: true }).check();
      const { final } = await clickAndNavigate(page, page.locator('form[action="/admin/locations"] button[type="submit"]'));
      check(final.status() === 200, `adding the location answered ${final.status()}: ${await errorSummary(page)}`);
      check((await pageText(page.locator('#locations'))).includes(CODE), `${CODE} is not listed`);
      await axeCheck(page, 'locations (fresh install)');
      return CODE;
    });

    await run('create a police officer with a one-time password', async () => {
      await page.goto(`${base}/admin/members`);
      await page.locator('#username').fill(OFFICER);
      await page.locator('#name').fill('Sanne Bakker');
      await page.locator('#agency_id').selectOption({ label: POLICE });
      await page.locator('input[name="roles"][value="police_officer"]').check();
      const { final } = await clickAndNavigate(page, page.locator('form[action="/admin/members"] button[type="submit"]'));
      check(final.status() === 200, `adding the officer answered ${final.status()}: ${await errorSummary(page)}`);
      oneTime = (await page.locator('#one-time-password').innerText()).trim();
      check(oneTime.length === 23, `one-time password "${oneTime}"`);
      await axeCheck(page, 'one-time password (fresh install)');
      await clickAndNavigate(page, page.locator('form[action="/logout"] button'));
      return OFFICER;
    });

    await run('the officer signs in and changes the one-time password first', async () => {
      await page.goto(`${base}/login`);
      await page.locator('#username').fill(OFFICER);
      await page.locator('#password').fill(oneTime);
      await clickAndNavigate(page, page.locator('form[action="/login"] button[type="submit"]'));
      check(new URL(page.url()).pathname === '/account/password', `not sent to change it: ${page.url()}`);
      await page.locator('#current_password').fill(oneTime);
      await page.locator('#password').fill('een lang nieuw wachtwoord');
      await page.locator('#password_again').fill('een lang nieuw wachtwoord');
      await clickAndNavigate(page, page.locator('form[action="/account/password"] button[type="submit"]'));
      check(new URL(page.url()).pathname !== '/account/password', `still on the password form: ${await errorSummary(page)}`);
      return page.url();
    });

    await run('the officer registers a person', async () => {
      await page.goto(`${base}/people/new`);
      await axeCheck(page, 'new person (fresh install)');
      await page.locator('#family_name').fill('Hoekstra');
      await page.locator('#given_names').fill('Gerrit');
      await page.locator('#sex').selectOption('M');
      await page.locator('#basis_kind-statutory_task').check();
      await page.locator('#statute').fill('Politiewet 2012 art. 3');
      await page.locator('#reason').fill('Aangehouden, voorgeleid bij de ZSM');
      const { first } = await clickAndNavigate(page, page.locator('main form button[type="submit"]').last());
      check(first.status() === 303, `registering the person answered ${first.status()}: ${await errorSummary(page)}`);
      personUrl = page.url();
      check(/^\/people\/[^/]+$/.test(new URL(personUrl).pathname), `not a person page: ${personUrl}`);
      await axeCheck(page, 'person page (fresh install)');
      return personUrl;
    });

    await run('the officer registers the case at intake at the new location', async () => {
      const id = new URL(personUrl).pathname.split('/')[2];
      await page.goto(`${base}/zsm/intake?location=${CODE}`);
      await page.locator('#suspect_id').fill('Hoekstra');
      await clickAndNavigate(page, page.locator('main button[name="search"][value="suspect_id"]'));
      const candidate = page.locator(`#suspect_id-found-${id}`);
      check(await candidate.count() === 1, 'searching "Hoekstra" in the intake form did not offer the person');
      await candidate.check();
      await page.locator('#arrested_at').fill(amsterdam(90));
      await page.locator('#arrived_at').fill(amsterdam(75));
      await page.locator('#offences-0-offence_type').fill('winkeldiefstal');
      await page.locator('#offences-0-committed_on').fill(amsterdam(90).slice(0, 10));
      await page.locator('#offences-0-place').fill('Utrecht, Hoog Catharijne');
      await page.locator('#offences-0-description').fill('Drie flessen sterke drank');
      await page.locator('#police_report_summary').fill('Aangehouden door de winkeldetective');
      await axeCheck(page, 'ZSM intake (fresh install)');
      const { first } = await clickAndNavigate(page, page.locator('main form button[type="submit"]:not([name="search"])'));
      check(first.status() === 303, `intake answered ${first.status()}: ${await errorSummary(page)}`);
      check(/^\/zsm\/cases\/[^/]+$/.test(new URL(page.url()).pathname), `not a case page: ${page.url()}`);
      check((await pageText(page.locator('main'))).includes('Hoekstra'), 'the case page does not name the suspect');
      await axeCheck(page, 'ZSM case page (fresh install)');
      return page.url();
    });

    await run('the pages loaded every resource without errors', async () => {
      check(pageProblems.length === 0, pageProblems.join('; '));
    });
    await context.close();
  });
}

await verdict(main);
