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

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StepFailure, axeCheck, base, check, clickAndNavigate, pageText, run, verdict, withChromium } from './harness.mjs';
import { LOCATION, amsterdam, errorSummary, registerCase, saveSection, signIn } from './zsm_steps.mjs';

const problems = [];

async function main() {
  await withChromium(async (browser) => {
    let caseUrl;
    let suspect;

    await run('police: find the suspect and register the case at intake', async () => {
      ({ caseUrl, suspect } = await registerCase(browser, problems));
      return `${suspect}: ${new URL(caseUrl).pathname}`;
    });

    await run('probation: the quick scan with a signal beyond the case', async () => {
      const { context, page } = await signIn(browser, 'reclassering', problems);
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
      const { context, page } = await signIn(browser, 'slachtofferhulp', problems);
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
      const { context, page } = await signIn(browser, 'advocaat', problems);
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
      const { context, page } = await signIn(browser, 'officier', problems);
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
      const { context, page } = await signIn(browser, 'politie', problems);
      await page.goto(`${base}/zsm/${LOCATION}/board`);
      const decided = await pageText(page.locator('#board-cases'));
      const part = decided.split(/Decided in the last 24 hours|Beslist in de afgelopen 24 uur/)[1] || '';
      check(part.includes(suspect), `"${suspect}" is not among the decided cases`);
      await axeCheck(page, 'ZSM board');
      await context.close();
      return `${suspect} under "decided"`;
    });

    await run('the board fits a 320px screen as cards', async () => {
      const { context, page } = await signIn(browser, 'officier', problems, { width: 320, height: 800 });
      await page.goto(`${base}/zsm/${LOCATION}/board`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      check(width <= 320, `the board is ${width}px wide on a 320px screen`);
      const display = await page.locator('table.board tr').first().evaluate((tr) => getComputedStyle(tr).display);
      check(display === 'block', `board rows are "${display}", not cards`);
      await axeCheck(page, 'ZSM board at 320px');
      await context.close();
      return `scroll width ${width}px`;
    });

    await run('the board as a wall display: 22+ open cases at 1920x1080, no overflow at 1920 or 1280', async () => {
      const seen = [];
      for (const [width, height] of [[1920, 1080], [1280, 800]]) {
        const { context, page } = await signIn(browser, 'officier', problems, { width, height });
        await page.goto(`${base}/zsm/${LOCATION}/board`);
        const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
        check(scroll <= width, `the board is ${scroll}px wide on a ${width}px screen`);
        const visible = await page.locator('table[aria-labelledby="board-open"] tbody tr').evaluateAll(
          (rows, h) => rows.filter((tr) => tr.getBoundingClientRect().bottom <= h).length, height);
        if (width === 1920) check(visible >= 22, `only ${visible} open cases visible at 1920x1080`);
        const size = await page.locator('table.board').first().evaluate((t) => parseFloat(getComputedStyle(t).fontSize));
        check(size >= 14, `board text is ${size}px at ${width}px`);
        check((await page.locator('main a[href^="/zsm/intake"]').count()) === 0, 'the prosecutor is offered intake');
        await page.screenshot({ path: join(tmpdir(), `desist-board-${width}.png`) });
        await axeCheck(page, `ZSM board at ${width}px`);
        await context.close();
        seen.push(`${width}: ${visible} rows visible, scroll width ${scroll}px`);
      }
      return seen.join('; ');
    });

    await run('the pages loaded every resource without errors', async () => {
      check(problems.length === 0, problems.join('; '));
    });
  });
}

await verdict(main);
