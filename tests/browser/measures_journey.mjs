// The mayor's measures and the cohorts in a real browser (issue 17, items 18–21), each step as the
// member whose work it is: the municipality (the mayor's office) finds the demo's exclusion order
// and is refused the same order a second time while it is in force (nothing changes), and an
// extension without advice or a reason why not (the error summary says so); probation may only propose; victim
// support records the victim's part in the safety plan, which the police read on the order; the
// process manager sees why each member of the Safety House cohort is in (the rule's counts, or a
// decision on police intelligence with its reason) and records a deselection with a reason after
// an error summary. axe-core checks every page on the way against WCAG 2.1 A and AA.
//
//   node tests/browser/measures_journey.mjs http://127.0.0.1:8080
//
// Needs the demo data (`desist demo`). Prints one line per step; exits 0 only when every step and
// every accessibility check passed.

import { StepFailure, axeCheck, base, check, clickAndNavigate, pageText, run, verdict, withChromium } from './harness.mjs';
import { errorSummary, signIn } from './zsm_steps.mjs';

const problems = [];
const EXCLUDED = 'Ronald Kuipers';
const VICTIM = 'Sandra Kuipers';
const ORDER = 'HV-2026-0117';
const COHORT = 'nl-very-active-prolific';

// Submits the form `button` belongs to and expects the post-redirect-get of a saved change.
async function submit(page, button, what) {
  const { first } = await clickAndNavigate(page, button);
  if (first.status() !== 303) throw new StepFailure(`${what} answered ${first.status()}: ${await errorSummary(page)}`);
}

// Submits and expects the form back with status 422 and an error summary.
async function refused(page, button, what) {
  const { first } = await clickAndNavigate(page, button);
  check(first.status() === 422, `${what} answered ${first.status()}, not 422`);
  const summary = await errorSummary(page);
  check(summary !== '(no error summary)', `${what}: no error summary`);
  return summary;
}

// The measures page of the person named `name`, found through the people search.
async function measuresOf(page, name) {
  const [given, family] = name.split(' ');
  await page.goto(`${base}/people?q=${encodeURIComponent(family)}`);
  const row = page.locator('main tr', { hasText: family }).filter({ hasText: given });
  const link = row.locator('a[href^="/people/"]').first();
  check(await link.count() === 1, `the search does not find ${name}`);
  const person = (await link.getAttribute('href')).split('/')[2];
  await page.goto(`${base}/people/${person}/measures`);
  check(new URL(page.url()).pathname === `/people/${person}/measures`, `not the measures page: ${page.url()}`);
  return person;
}

async function main() {
  await withChromium(async (browser) => {
    let excluded;

    await run('municipality: the exclusion order in force, and the municipality may impose, extend and lift', async () => {
      const { context, page } = await signIn(browser, 'gemeente', problems);
      excluded = await measuresOf(page, EXCLUDED);
      await axeCheck(page, 'measures of the excluded person (municipality)');
      check((await pageText(page.locator('main'))).includes(ORDER), `the order ${ORDER} is not on the page`);
      check(await page.locator(`form[action="/people/${excluded}/measures/exclusion-orders"]`).count() === 1, 'the municipality cannot impose');
      for (const form of ['order_extend', 'order_lift']) {
        check(await page.locator(`input[name="form"][value="${form}"]`).count() >= 1, `the municipality is not offered ${form}`);
      }
      await context.close();
      return 'impose, extend, lift offered';
    });

    await run('municipality: the same order again while it is in force is refused, nothing changed', async () => {
      const { context, page } = await signIn(browser, 'gemeente', problems);
      await page.goto(`${base}/people/${excluded}/measures`);
      const orders = await page.locator('section.measure').count();
      const address = (await pageText(page.locator('section.measure dd', { hasText: 'Wiltzanglaan' }).first())).trim();
      check(address.length > 0, 'the order in force shows no address');
      const details = page.locator(`details:has(form[action="/people/${excluded}/measures/exclusion-orders"])`);
      await details.locator('summary').click();
      let form = page.locator(`form[action="/people/${excluded}/measures/exclusion-orders"]`);
      // The victim through the form's own person search, as a user picks her.
      await form.locator('input[type="search"]').first().fill(VICTIM.split(' ')[1]);
      await clickAndNavigate(page, form.locator('button[name="search"]').first());
      form = page.locator(`form[action="/people/${excluded}/measures/exclusion-orders"]`);
      if (await details.getAttribute('open') === null) await details.locator('summary').click();
      const candidate = form.locator('fieldset.candidates label', { hasText: VICTIM.split(' ')[0] });
      check(await candidate.count() >= 1, `the person search does not offer ${VICTIM}: ${await pageText(form)}`);
      await candidate.first().click();
      // The same order as the one in force: the same person, the same address.
      await form.locator('input[name="address"]').fill(address);
      await form.locator('input[name="decision_ref"]').fill(ORDER);
      await form.locator('input[name="imposed_at"]').fill(new Date(Date.now() - 3600e3).toISOString().slice(0, 16));
      const summary = await refused(page, form.locator('button[type="submit"]').last(), 'the same order a second time');
      check(/geldt al een huisverbod/.test(summary), `the refusal does not say an order is in force: ${summary}`);
      await axeCheck(page, 'second identical order refused');
      await page.goto(`${base}/people/${excluded}/measures`);
      check(await page.locator('section.measure').count() === orders, 'a second order was recorded');
      await context.close();
      return summary.replace(/\s+/g, ' ').slice(0, 120);
    });

    await run('municipality: an extension needs the advice or a reason why not', async () => {
      const { context, page } = await signIn(browser, 'gemeente', problems);
      await page.goto(`${base}/people/${excluded}/measures`);
      const details = page.locator('details:has(input[name="form"][value="order_extend"])').first();
      await details.locator('summary').click();
      const form = details.locator('form');
      await form.locator('input[name="to_total_days"]').fill('28');
      await form.locator('input[name="decision_ref"]').fill('HV-2026-0117-V');
      const summary = await refused(page, form.locator('button[type="submit"]'), 'an extension without advice');
      check(/advi/i.test(summary), `the summary does not ask for the advice: ${summary}`);
      await axeCheck(page, 'extension refused');
      await context.close();
      return summary.replace(/\s+/g, ' ').slice(0, 120);
    });

    await run('probation: proposes, cannot impose or extend', async () => {
      const { context, page } = await signIn(browser, 'reclassering', problems);
      await page.goto(`${base}/people/${excluded}/measures`);
      check(await page.locator('form[action$="/measures/exclusion-orders"]').count() === 0, 'probation is offered to impose an order');
      check(await page.locator('input[name="form"][value="order_extend"]').count() === 0, 'probation is offered to extend');
      check(await page.locator('form[action$="/measures/proposals"]').count() >= 1, 'probation is not offered to propose');
      await axeCheck(page, 'measures (probation)');
      await context.close();
      return 'propose only';
    });

    await run('victim support: the victim\'s part in the safety plan, for whom each help item is', async () => {
      const { context, page } = await signIn(browser, 'slachtofferhulp', problems);
      await measuresOf(page, VICTIM);
      const voices = page.locator('h4[id^="voices-"] + table');
      check(await voices.count() >= 1, 'no table of the victim\'s part');
      check((await pageText(voices.first())).includes('alarmknop'), 'the recorded wishes are not shown');
      const help = await pageText(page.locator('main'));
      check(help.includes('Steun en veiligheidsplan') && help.includes(VICTIM), 'the help list does not say for whom');
      await axeCheck(page, 'measures of the victim (victim support)');
      await context.close();
      return 'wishes, involvement, who spoke with her';
    });

    await run('police, not on the family\'s team: the order and the victim\'s wishes stay hidden', async () => {
      const { context, page } = await signIn(browser, 'politie', problems);
      const response = await page.goto(`${base}/people/${excluded}/measures`);
      const text = await pageText(page.locator('main'));
      check(!text.includes('alarmknop') && !text.includes(ORDER), 'the police read the order without being on the team');
      await context.close();
      return `answered ${response.status()}`;
    });

    await run('process manager: the cohort, why each member is in, a deselection with a reason', async () => {
      const { context, page } = await signIn(browser, 'procesregisseur', problems);
      await page.goto(`${base}/cohorts`);
      await clickAndNavigate(page, page.locator(`main a[href="/cohorts/${COHORT}"]`));
      await axeCheck(page, 'cohort members and decisions');
      const members = await pageText(page.locator('#cohort-members'));
      check(/count\(proven, within 5y\): \d+/.test(members), `no counts behind the rule: ${members.slice(0, 200)}`);
      check(members.includes('Politie-informatie'), 'the selection on police intelligence is not shown with its reason');
      const deselected = await pageText(page.locator('#cohort-deselected'));
      check(deselected.includes('PI Vught'), 'the deselection is not shown with its reason');
      const form = page.locator(`form[action="/cohorts/${COHORT}/decisions"]`);
      const first = (await pageText(page.locator('#cohort-members tbody tr td').first())).trim();
      await form.locator('input[value="deselect"]').check();
      await form.locator('#cohort_person').fill(first);
      const summary = await refused(page, form.locator('button[type="submit"]'), 'a deselection without a reason');
      await form.locator('#cohort_reason').fill('Politie-informatie: verhuisd naar Groningen, daar in beeld bij het Veiligheidshuis');
      await submit(page, page.locator(`form[action="/cohorts/${COHORT}/decisions"] button[type="submit"]`), 'the deselection');
      check((await pageText(page.locator('#cohort-deselected'))).includes('Groningen'), 'the new deselection is not listed');
      await context.close();
      return `${first} deselected after "${summary.replace(/\s+/g, ' ').slice(0, 60)}"`;
    });

    await run('the pages loaded every resource without errors', async () => {
      check(problems.length === 0, problems.join('; '));
    });
  });
}

await verdict(main);
