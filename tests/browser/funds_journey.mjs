// desist's personal funds and mentors journey in a real browser (issue 20): the demo mentor
// (Henk Bos) on a phone sees only his mentees — name, contact, the goals they chose to share,
// the first meeting at the gate — and is refused the person's file, screenings, plan and
// fund; the mentor coordinator sees the Life Change steps; probation orders for Gerrit
// Hoekstra by choosing a goal of his plan (the form refuses an order without one), and the
// order above the fund's threshold waits for a second colleague, who approves it on the fund's
// page (never the requester); the fund's page and the reports show each chart beside its
// table at 1280 px. axe-core checks every page.
//
//   node tests/browser/funds_journey.mjs http://127.0.0.1:8080
//
// Needs the demo data (`desist demo`). Prints one line per step; exits 0 only when every step and
// every accessibility check passed.

import { StepFailure, axeCheck, base, check, clickAndNavigate, pageText, run, verdict, withChromium } from './harness.mjs';
import { errorSummary, signIn } from './zsm_steps.mjs';

const problems = [];
const PHONE = { width: 390, height: 844 };

// Gerrit Hoekstra's person id, found by probation.
async function findGerrit(page) {
  await page.goto(`${base}/people?q=Hoekstra`);
  const link = page.locator('main table tbody tr', { hasText: 'Gerrit' }).locator('a[href^="/people/"]').first();
  check(await link.count() === 1, 'Gerrit Hoekstra is not found');
  return (await link.getAttribute('href')).split('/')[2];
}

// The chart's and the table's boxes sit side by side: the table starts right of the chart.
async function besideEachOther(page, pair) {
  const boxes = await pair.locator(':scope > div').evaluateAll((divs) => divs.map((d) => d.getBoundingClientRect().toJSON()));
  return boxes.length === 2 && boxes[1].left >= boxes[0].right - 1 && Math.abs(boxes[1].top - boxes[0].top) < 2;
}

async function main() {
  await withChromium(async (browser) => {
    let gerrit;
    let fund;
    let order;

    await run('probation: Gerrit Hoekstra\'s fund offers the goals of his plan', async () => {
      const { context, page } = await signIn(browser, 'reclassering', problems);
      gerrit = await findGerrit(page);
      await page.goto(`${base}/people/${gerrit}/fund`);
      const options = await page.locator('#fund_transfer-goal_id option').count();
      check(options >= 3, `the form offers ${options - 1} plan goals`);
      await axeCheck(page, 'fund statement (probation)');
      // An order without a goal is refused, the field named.
      await page.locator('#fund_transfer-kind').selectOption('commit');
      await page.locator('#fund_transfer-amount_cents').fill('12,50');
      await page.locator('#fund_transfer-description').fill('OV-kaart opladen');
      const { first } = await clickAndNavigate(page, page.locator('#record-transfer'));
      check(first.status() === 422, `an order without a goal answered ${first.status()}`);
      check((await page.locator('.error-summary a[href="#fund_transfer-goal_id"]').count()) === 1, await errorSummary(page));
      await axeCheck(page, 'fund statement with errors');
      await context.close();
      return `${options - 1} goals`;
    });

    await run('the requester sees the order above the threshold waiting, without an approve button', async () => {
      const { context, page } = await signIn(browser, 'reclassering', problems);
      await page.goto(`${base}/funds`);
      const link = page.locator('main a[href^="/funds/"]', { hasText: 'Stroom volwassenen' }).first();
      check(await link.count() === 1, 'the adults stream is not among the funds');
      fund = await link.getAttribute('href');
      await page.goto(`${base}${fund}`);
      const waiting = page.locator('section.card', { hasText: 'heftruck' }).first();
      check(await waiting.count() === 1, 'the forklift course is not waiting');
      order = (await waiting.getAttribute('id')).replace('commitment-', '');
      check((await page.locator(`#approve-${order}`).count()) === 0, 'the requester may approve their own order');
      const pair = page.locator('.fund-pair').first();
      check(await pair.count() === 1 && await besideEachOther(page, pair), 'the goal chart is not beside its table');
      await axeCheck(page, 'fund ledger (requester)');
      await context.close();
    });

    await run('a second colleague approves it on the fund\'s page', async () => {
      const { context, page } = await signIn(browser, 'goedkeurder', problems);
      await page.goto(`${base}${fund}`);
      const approve = page.locator(`#approve-${order}`);
      check(await approve.count() === 1, 'no approve button for the second colleague');
      await clickAndNavigate(page, approve);
      check((await page.locator(`#waiting-${order}`).count()) === 0, 'the order still waits after approval');
      await axeCheck(page, 'fund ledger (approver)');
      await page.goto(`${base}/funds/reports`);
      const pairs = page.locator('.fund-pair');
      check(await pairs.count() >= 4, 'the reports lack their chart and table pairs');
      for (let i = 0; i < await pairs.count(); i += 1) {
        check(await besideEachOther(page, pairs.nth(i)), `report section ${i + 1}: the chart is not beside its table`);
      }
      await axeCheck(page, 'fund reports');
      await context.close();
    });

    await run('the mentor on a phone: only his mentees, the basics and their shared goals', async () => {
      const { context, page } = await signIn(browser, 'mentor', problems, PHONE);
      await page.goto(`${base}/mentor`);
      const mentee = page.locator(`#mentee-${gerrit}`);
      check(await mentee.count() === 1, 'Gerrit Hoekstra is not among the mentor\'s mentees');
      const text = await pageText(mentee);
      check(text.includes('fiets'), 'his shared goals are not shown');
      check((await page.locator('section.mentee').count()) >= 2, 'the mentor has fewer than two mentees');
      await axeCheck(page, 'mentor (phone)');
      for (const path of [`/people/${gerrit}`, `/people/${gerrit}/screenings`, `/people/${gerrit}/plan`, `/people/${gerrit}/fund`, `/people/${gerrit}/measures`]) {
        const response = await page.goto(`${base}${path}`);
        check([403, 404].includes(response.status()), `the mentor opened ${path} (${response.status()})`);
      }
      await context.close();
      return 'file, screenings, plan, fund and measures refused';
    });

    await run('the mentor coordinator: mentees to contact and the Life Change steps', async () => {
      const { context, page } = await signIn(browser, 'mentorcoordinator', problems);
      await page.goto(`${base}/mentoring`);
      await axeCheck(page, 'mentor coordinator');
      await page.goto(`${base}/life-change`);
      const text = await pageText(page.locator('main'));
      check(text.length > 0, 'the Life Change page is empty');
      await axeCheck(page, 'Life Change');
      await context.close();
    });

    await run('the pages loaded every resource without errors', async () => {
      check(problems.length === 0, problems.join('; '));
    });
  });
}

await verdict(main);
