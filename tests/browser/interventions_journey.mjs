// desist's interventions journey in a real browser, one screen per side: probation finds what
// fits Gerrit Hoekstra (the finder with honest waits and the unmet-need threshold) and refers
// him to a group programme; the provider sees it come in, makes an appointment, accepts it;
// probation, looking at the accepted referral, withdraws it just after the provider started it
// (refused: the page shows it as it is now, nothing lost); the provider records attendance and
// progress; probation sees them live, and the plan shows the referral's status; the provider
// keeps its catalogue (an entry's edit form with its history) and its webhooks; the
// municipality reads the waits and unmet need. axe-core checks every page.
//
//   node tests/browser/interventions_journey.mjs http://127.0.0.1:8080
//
// Needs the demo data (`desist demo`). Prints one line per step; exits 0 only when every step and
// every accessibility check passed.

import { StepFailure, axeCheck, base, check, clickAndNavigate, pageText, run, verdict, withChromium } from './harness.mjs';
import { errorSummary, signIn } from './zsm_steps.mjs';

const problems = [];
const GROUP = 'Grip op Drank (groep)';

async function submit(page, button, what) {
  const { first } = await clickAndNavigate(page, button);
  if (first.status() !== 303) throw new StepFailure(`${what} answered ${first.status()}: ${await errorSummary(page)}`);
}

async function main() {
  await withChromium(async (browser) => {
    let person;
    let referral;

    await run('probation: the finder offers what fits Gerrit Hoekstra, with waits', async () => {
      const { context, page } = await signIn(browser, 'reclassering', problems);
      await page.goto(`${base}/people?q=Hoekstra`);
      const link = page.locator('main table tbody tr', { hasText: 'Gerrit' }).locator('a[href^="/people/"]').first();
      check(await link.count() === 1, 'Gerrit Hoekstra is not found');
      person = (await link.getAttribute('href')).split('/')[2];
      await page.goto(`${base}/people/${person}/interventions`);
      const text = await pageText(page.locator('main'));
      check(text.includes(GROUP), `the finder does not offer ${GROUP}`);
      check((await page.locator('#threshold').count()) === 1, 'the unmet-need threshold is not shown');
      await axeCheck(page, 'finder');
      const row = page.locator('#finder tbody tr', { hasText: GROUP });
      await row.locator('textarea[name="risks"]').fill('Drinkt dagelijks');
      await submit(page, row.locator('button[type="submit"]'), 'referring');
      referral = new URL(page.url()).pathname;
      check(referral.startsWith('/referrals/'), `not on the referral: ${referral}`);
      await axeCheck(page, 'referral (probation)');
      await context.close();
      return referral;
    });

    // Probation keeps the referral open on its screen while the provider works on it.
    const probation = await signIn(browser, 'reclassering', problems);

    await run('provider: the referral comes in; an appointment is made and it is accepted', async () => {
      const { context, page } = await signIn(browser, 'ggz', problems);
      await page.goto(`${base}/provider/referrals`);
      check((await pageText(page.locator('main'))).includes('Hoekstra'), 'the referral is not among the incoming');
      await axeCheck(page, 'provider incoming referrals');
      await page.goto(`${base}${referral}`);
      await axeCheck(page, 'referral (provider)');
      const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
      await page.locator('#schedule-date').fill(soon);
      await page.locator('#schedule-note').fill('Intake, Jan van Galenstraat 4');
      await submit(page, page.locator('#do-schedule'), 'making an appointment');
      check((await pageText(page.locator('#appointments'))).includes(soon), 'the appointment is not listed');
      await submit(page, page.locator('#do-accept'), 'accepting');
      await context.close();
      return `appointment on ${soon}, accepted`;
    });

    await run('two at once: probation withdraws what the provider started meanwhile; nothing is lost', async () => {
      const { page } = probation;
      await page.goto(`${base}${referral}`);
      check((await pageText(page.locator('#referral-status'))).length > 0, 'no status shown');
      const provider = await signIn(browser, 'ggz', problems);
      await provider.page.goto(`${base}${referral}`);
      await submit(provider.page, provider.page.locator('#do-start'), 'starting');
      await provider.context.close();
      await page.locator('#reason-withdraw').selectOption('circumstances_changed');
      const { first } = await clickAndNavigate(page, page.locator('#do-withdraw'));
      check(first.status() === 409, `withdrawing on a stale page answered ${first.status()}`);
      const summary = await errorSummary(page);
      check(summary !== '(no error summary)', 'the refusal does not say why');
      await axeCheck(page, 'referral changed meanwhile');
      return summary;
    });

    await run('provider: records attendance and progress in the sessions register', async () => {
      const { context, page } = await signIn(browser, 'ggz', problems);
      await page.goto(`${base}/provider/referrals?view=sessions`);
      check((await pageText(page.locator('main'))).includes('Hoekstra'), 'not in the sessions register');
      await axeCheck(page, 'sessions register');
      await page.goto(`${base}${referral}`);
      await page.locator('#attendance-form input[value="late"]').check();
      await submit(page, page.locator('#do-attendance'), 'recording attendance');
      await page.locator('#progress-achievement').selectOption('partly_achieved');
      await page.locator('#progress-note').fill('Drinkt door de week niet meer');
      await submit(page, page.locator('#do-progress'), 'recording progress');
      await axeCheck(page, 'referral with delivery (provider)');
      await context.close();
      return 'late; partly achieved';
    });

    await run('probation: sees the attendance live, and the plan shows the referral', async () => {
      const { page, context } = probation;
      await page.goto(`${base}${referral}`);
      check((await page.locator('#attendance tbody tr').count()) >= 1, 'the attendance is not shown');
      await page.goto(`${base}/people/${person}/plan`);
      const link = page.locator(`a[href="${referral}"]`);
      check(await link.count() >= 1, 'the plan does not show the referral');
      await axeCheck(page, 'plan with referrals');
      await context.close();
      return 'attendance and plan status seen';
    });

    await run('provider: keeps its catalogue and webhooks', async () => {
      const { context, page } = await signIn(browser, 'jellinek', problems);
      await page.goto(`${base}/provider/catalogue`);
      await axeCheck(page, 'catalogue');
      await clickAndNavigate(page, page.locator('#catalogue tbody a').first());
      check((await page.locator('#history tbody tr').count()) >= 1, 'no history on the entry');
      await axeCheck(page, 'catalogue entry');
      await page.locator('#capacity').fill('');
      const { first } = await clickAndNavigate(page, page.locator('#save-intervention'));
      check(first.status() === 422, `an empty capacity answered ${first.status()}`);
      await axeCheck(page, 'catalogue entry with errors');
      await page.goto(`${base}/provider/webhooks`);
      await page.locator('#url').fill('http://provider.example/hook');
      const refused = await clickAndNavigate(page, page.locator('#subscribe'));
      check(refused.first.status() === 422, `plain http answered ${refused.first.status()}`);
      await axeCheck(page, 'webhooks');
      await context.close();
      return 'entry form, history, webhooks';
    });

    await run('municipality: waits and unmet need', async () => {
      const { context, page } = await signIn(browser, 'gemeente', problems);
      await page.goto(`${base}/commissioning`);
      check((await pageText(page.locator('main'))).includes(GROUP), 'the waits do not list the group');
      await axeCheck(page, 'commissioning');
      await context.close();
      return 'waits and unmet need';
    });

    await run('the pages loaded every resource without errors', async () => {
      check(problems.length === 0, problems.join('; '));
    });
  });
}

await verdict(main);
