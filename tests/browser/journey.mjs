// desist's browser journey: a probation officer signs in, finds a person, opens the person's
// page, changes the town they live in, sees the change and the "Changed" entry in "who has looked
// at this record", and sends a form with a mistake to see the error summary (422). axe-core
// checks every page on the way against WCAG 2.1 A and AA.
//
//   node tests/browser/journey.mjs http://127.0.0.1:8080
//
// Runs Debian's Chromium (/usr/bin/chromium, or $DESIST_CHROMIUM) headless through
// playwright-core; no browser is downloaded. Needs the demo data (`desist demo`). Prints one line
// per step; exits 0 only when every step and every accessibility check passed.

import {
  PASSWORD, NAMES, STEP_TIMEOUT_MS, USERNAME, StepFailure, axeCheck, base, check, clickAndNavigate, detailRows,
  detailValue, pageText, run, verdict, watchProblems, withChromium,
} from './harness.mjs';

async function main() {
  await withChromium(async (browser) => {
    const context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await context.newPage();

    const pageProblems = [];
    watchProblems(page, pageProblems);

    let personUrl;
    let newCity;
    let oldCity;

    await run('open the sign-in page', async () => {
      const response = await page.goto(`${base}/people`);
      check(response, 'no response');
      check(new URL(page.url()).pathname === '/login', `expected a redirect to /login, got ${page.url()}`);
      check(await page.locator('form[action="/login"] #username').count() === 1, 'no username field');
      await axeCheck(page, 'sign-in page');
      return `${page.url()} (${response.status()})`;
    });

    await run(`sign in as ${USERNAME}`, async () => {
      await page.locator('#username').fill(USERNAME);
      await page.locator('#password').fill(PASSWORD);
      await clickAndNavigate(page, page.locator('form[action="/login"] button[type="submit"]'));
      check(new URL(page.url()).pathname !== '/login',
        `still on the sign-in page: ${await pageText(page.locator('main'))}`.slice(0, 300));
      check(await page.locator('form[action="/logout"]').count() === 1, 'no sign-out button after signing in');
      const memberLine = await pageText(page.locator('.member-line'));
      return `${page.url()}; "${memberLine}"`;
    });

    await run('the search page', async () => {
      if (new URL(page.url()).pathname !== '/people' || new URL(page.url()).search !== '') {
        await page.goto(`${base}/people`);
      }
      check(await page.locator('form[role="search"] #q').count() === 1, 'no search field #q');
      await axeCheck(page, 'search page');
      return `title "${await page.title()}"`;
    });

    await run('search for a person by name', async () => {
      const tried = [];
      for (const name of NAMES) {
        await page.locator('#q').fill(name);
        const { final } = await clickAndNavigate(page, page.locator('form[role="search"] button[type="submit"]'));
        check(final && final.status() === 200, `search answered ${final && final.status()}`);
        const links = page.locator('main table tbody a[href^="/people/"]');
        const count = await links.count();
        tried.push(`${name}: ${count}`);
        if (count > 0) {
          await axeCheck(page, 'search results');
          return `"${name}" found ${count} (tried ${tried.join(', ')})`;
        }
      }
      throw new StepFailure(`no one found for any demo name (${tried.join(', ')})`);
    });

    await run('open the person page', async () => {
      const first = page.locator('main table tbody a[href^="/people/"]').first();
      const name = await pageText(first);
      const { final } = await clickAndNavigate(page, first);
      check(final.status() === 200, `person page answered ${final.status()}`);
      check(/^\/people\/[^/]+$/.test(new URL(page.url()).pathname), `not a person page: ${page.url()}`);
      personUrl = page.url();
      const heading = await pageText(page.locator('main h1'));
      check(heading.includes(name), `heading "${heading}" does not name "${name}"`);
      check(await page.locator('main table.audit').count() === 1, 'no "who has looked at this record" table');
      oldCity = detailValue(await detailRows(page), ['Woonplaats', 'Town or city']);
      check(oldCity !== undefined, 'no town or city in the details');
      await axeCheck(page, 'person page');
      return `"${heading}" at ${new URL(personUrl).pathname}, lives in "${oldCity}"`;
    });

    await run('open the edit form', async () => {
      const edit = page.locator(`main a[href="${new URL(personUrl).pathname}/edit"]`);
      check(await edit.count() === 1, 'no edit link on the person page');
      const { final } = await clickAndNavigate(page, edit);
      check(final.status() === 200, `edit form answered ${final.status()}`);
      check(await page.locator('main form #city').count() === 1, 'no #city field in the form');
      check(await page.locator('main form input[name="csrf"]').count() === 1, 'no CSRF field in the form');
      await axeCheck(page, 'edit form');
      return page.url();
    });

    await run('change the town or city and save', async () => {
      newCity = oldCity === 'Haarlem' ? 'Hoofddorp' : 'Haarlem';
      await page.locator('#city').fill(newCity);
      const { first } = await clickAndNavigate(page, page.locator('main form button[type="submit"]'));
      check(first.status() === 303 || first.status() === 302,
        `saving answered ${first.status()}, not a redirect: ${await pageText(page.locator('main'))}`.slice(0, 400));
      check(page.url() === personUrl, `after saving: ${page.url()}, expected ${personUrl}`);
      return `"${oldCity}" → "${newCity}" (${first.status()} → ${new URL(page.url()).pathname})`;
    });

    await run('see the new value and the change in "who has looked at this record"', async () => {
      const city = detailValue(await detailRows(page), ['Woonplaats', 'Town or city']);
      check(city === newCity, `the page shows "${city}", expected "${newCity}"`);
      const rows = await page.locator('main table.audit tbody tr').evaluateAll((trs) => trs.map((tr) =>
        Array.from(tr.querySelectorAll('td')).map((td) => td.innerText.replace(/\s+/g, ' ').trim())));
      const changed = rows.filter((cells) => /\b(Gewijzigd|Changed)\b/.test(cells[2] || ''));
      check(changed.length > 0, `no "Gewijzigd"/"Changed" entry among ${rows.length} audit rows: ${JSON.stringify(rows.slice(0, 5))}`);
      // The newest entries: opening the page after saving, the change, opening the edit form.
      const recent = rows.slice(0, 3).filter((cells) => /\b(Gewijzigd|Changed)\b/.test(cells[2] || ''));
      check(recent.length > 0, `no "Gewijzigd"/"Changed" entry among the newest audit rows: ${JSON.stringify(rows.slice(0, 3))}`);
      const mine = recent.find((cells) => /El Amrani/.test(cells[1] || ''));
      check(mine || USERNAME !== 'reclassering', `the newest "Changed" entry does not name the probation officer: ${JSON.stringify(recent)}`);
      await axeCheck(page, 'person page after saving');
      return `city "${city}"; audit: ${(mine || changed[0]).join(' | ')}`;
    });

    await run('a form with a mistake shows the error summary (422)', async () => {
      await page.goto(`${personUrl}/edit`);
      await page.locator('#family_name').fill('');
      const { first } = await clickAndNavigate(page, page.locator('main form button[type="submit"]'));
      check(first.status() === 422, `expected 422, got ${first.status()}`);
      const summary = page.locator('.error-summary');
      check(await summary.count() === 1, 'no error summary');
      check(await summary.isVisible(), 'the error summary is not visible');
      const links = await summary.locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent.trim()]));
      check(links.some(([href]) => href === '#family_name'), `no link to #family_name in the summary: ${JSON.stringify(links)}`);
      for (const [href] of links) {
        check(await page.locator(href).count() === 1, `the summary links to ${href}, which is not on the page`);
      }
      check(await page.locator('#family_name').getAttribute('aria-invalid') === 'true', '#family_name is not aria-invalid');
      check(await page.locator('#family_name-error').count() === 1, 'no message beside #family_name');
      await axeCheck(page, 'form with errors');
      return `${first.status()}; summary: ${links.map(([, text]) => `"${text}"`).join(', ')}`;
    });

    await run('nothing was saved by the failed form', async () => {
      await page.goto(personUrl);
      const rows = await detailRows(page);
      const family = detailValue(rows, ['Achternaam', 'Family name']);
      check(family && family.length > 0, 'the family name is gone');
      return `family name still "${family}"`;
    });

    await run('switch the language and see the same page, with the change', async () => {
      const before = await page.locator('html').getAttribute('lang');
      const choices = page.locator('header nav .language-chooser a[lang]');
      check(await choices.count() === 3, `the language chooser offers ${await choices.count()} languages, not English, Nederlands, Italiano`);
      const current = await page.locator('header nav .language-chooser a[aria-current]').getAttribute('lang');
      check(current === before, `the chooser marks "${current}" as current on a page in "${before}"`);
      const target = before === 'en' ? 'nl' : 'en';
      await clickAndNavigate(page, page.locator(`header nav .language-chooser a[lang="${target}"]`));
      const after = await page.locator('html').getAttribute('lang');
      check(after === target, `html lang is "${after}" after switching to "${target}"`);
      check(new URL(page.url()).pathname === new URL(personUrl).pathname, `the switch left the person page: ${page.url()}`);
      const actions = await page.locator('main table.audit tbody tr td:nth-child(3)').allInnerTexts();
      // Since the change: the edit form, the person page twice (and this page) were opened.
      check(actions.slice(0, 6).some((a) => /\b(Changed|Gewijzigd)\b/.test(a)),
        `no "Changed"/"Gewijzigd" among the newest audit rows: ${JSON.stringify(actions.slice(0, 6))}`);
      await axeCheck(page, `person page (${after})`);
      // And in Italian, for Turin's partners: the same page, marked as Italian for screen readers.
      await clickAndNavigate(page, page.locator('header nav .language-chooser a[lang="it"]'));
      check(await page.locator('html').getAttribute('lang') === 'it', 'html lang is not "it" after choosing Italiano');
      check(new URL(page.url()).pathname === new URL(personUrl).pathname, `the switch left the person page: ${page.url()}`);
      await axeCheck(page, 'person page (it)');
      return `${before} → ${after} → it: "${await pageText(page.locator('main h2#audit'))}"`;
    });

    await run('the pages loaded every resource without errors', async () => {
      check(pageProblems.length === 0, pageProblems.join('; '));
    });

    await context.close();
  });
}

await verdict(main);
