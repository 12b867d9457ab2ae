import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DescribeEndpointCommand, UpdateEndpointWeightsAndCapacitiesCommand } from '@aws-sdk/client-sagemaker';
import { startTestServer, testRows, type TestServer } from '../helpers/server.js';
import { deploySeedEndpoint } from '../helpers/endpoint.js';

const CHROMIUM = process.env.SPLITSERVE_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = 'docs/screenshots';

describe('dashboard in a real browser (Debian Chromium through playwright-core)', () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let stop = false;
  let traffic: Promise<void>;

  const weights = async () => (await t.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'titanic-ab' }))).ProductionVariants!.map((v) => [v.VariantName, v.CurrentWeight]);

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-ui.mjs']);
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium`);
    t = await startTestServer();
    await deploySeedEndpoint(t.sagemaker, 'titanic-ab', [80, 20]);
    const { rows, labels } = testRows(t.data);
    // Live traffic with ground truth for as long as the test runs.
    traffic = (async () => {
      for (let i = 0; !stop; i++) {
        const id = `ui-${i}`;
        const res = await fetch(`${t.url}/endpoints/titanic-ab/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv', 'x-amzn-sagemaker-inference-id': id }, body: rows[i % rows.length] });
        await res.arrayBuffer();
        if (i % 3 === 0) await fetch(`${t.url}/v1/endpoints/titanic-ab/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inferenceId: id, label: labels[i % rows.length] }) });
        await new Promise((r) => setTimeout(r, 4));
      }
    })();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (err) => assert.fail(`page error: ${err.message}`));
  });

  after(async () => {
    stop = true;
    await traffic;
    await browser?.close();
    await t?.close();
  });

  it('lists the endpoint with both variants and their 80/20 weights', async () => {
    await page.goto(`${t.url}/`);
    const card = page.locator('[data-endpoint="titanic-ab"]');
    await card.waitFor();
    assert.equal((await card.locator('[data-variant="VariantA"] .weight').textContent())?.trim(), '80.00');
    assert.equal((await card.locator('[data-variant="VariantB"] .weight').textContent())?.trim(), '20.00');
    assert.match((await card.locator('.status').textContent()) ?? '', /InService/);
    await page.waitForTimeout(2500);
    await page.screenshot({ path: `${SHOTS}/endpoints.png` });
  });

  it('draws live charts that move as traffic flows', async () => {
    await page.click('text=titanic-ab');
    const chart = page.locator('[data-chart="inv"]');
    await chart.locator('canvas').waitFor();
    const first = { t: await chart.getAttribute('data-last-t'), sum: await chart.getAttribute('data-sum') };
    await page.waitForTimeout(3200);
    const second = { t: await chart.getAttribute('data-last-t'), sum: await chart.getAttribute('data-sum') };
    assert.ok(Number(second.t) > Number(first.t), `the time axis advanced (${first.t} → ${second.t})`);
    assert.ok(Number(second.sum) > 0, 'requests are plotted');
    const label = (await chart.getAttribute("aria-label")) ?? "";
    assert.match(label, /VariantA [\d.]+ req\/s/);
    assert.match(label, /VariantB [\d.]+ req\/s/);
  });

  it('changes weights from the page after confirmation, and not when cancelled', async () => {
    await page.fill('#w-VariantA', '10');
    await page.fill('#w-VariantB', '90');
    await page.click('text=Apply weights');
    await page.click('dialog.confirm >> text=Cancel');
    assert.deepEqual(await weights(), [['VariantA', 80], ['VariantB', 20]], 'cancel changes nothing');
    await page.fill('#w-VariantA', '50');
    await page.fill('#w-VariantB', '50');
    await page.click('text=Apply weights');
    await page.click('dialog.confirm >> text=Confirm');
    await page.locator('.notice', { hasText: 'Weights set' }).waitFor();
    assert.deepEqual(await weights(), [['VariantA', 50], ['VariantB', 50]]);
    await page.locator('[data-variant="VariantB"] .share', { hasText: '50.0%' }).waitFor();
  });

  it('rolls back in one click (with confirmation), keyboard only', async () => {
    await page.focus('[data-action="rollback"]');
    await page.keyboard.press('Enter');
    await page.locator('dialog.confirm[open]').waitFor();
    await page.keyboard.press('Enter'); // Confirm has the focus
    await page.locator('.notice', { hasText: 'Rolled back' }).waitFor();
    assert.deepEqual(await weights(), [['VariantA', 100], ['VariantB', 0]]);
  });

  it('shows quality, the analysis verdict with intervals, and a rollout with its events; screenshots of every page', async () => {
    await t.sagemaker.send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: 'titanic-ab', DesiredWeightsAndCapacities: [{ VariantName: 'VariantA', DesiredWeight: 80 }, { VariantName: 'VariantB', DesiredWeight: 20 }] }));
    const res = await fetch(`${t.url}/v1/endpoints/titanic-ab/rollout`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ control: 'VariantA', challenger: 'VariantB', strategy: 'steps', steps: [20, 50, 80, 100], bakeSeconds: 0, minSamples: 10, guardrails: { maxErrorRate: 0.05 } }) });
    assert.equal(res.status, 201, await res.text());
    await page.waitForTimeout(1500);
    await fetch(`${t.url}/v1/endpoints/titanic-ab/rollout/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await page.locator('[data-verdict]').waitFor();
    await page.locator('#quality-h ~ .scroll [data-variant="VariantB"]').waitFor();
    await page.locator('[data-rollout]').waitFor();
    assert.ok((await page.locator('svg.ci').count()) > 0, 'confidence intervals are drawn');
    assert.ok((await page.locator('.events li').count()) > 0, 'events are listed');
    await page.waitForTimeout(2000);
    await page.screenshot({ path: `${SHOTS}/endpoint.png`, fullPage: true });
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await phone.goto(`${t.url}/#/endpoints/titanic-ab`);
    await phone.locator('[data-verdict]').waitFor();
    await phone.waitForTimeout(1500);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await phone.screenshot({ path: `${SHOTS}/endpoint-phone.png` });
    const wide = await phone.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => !e.closest('.scroll') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map((e) => e.tagName + '.' + e.className).slice(0, 5));
    assert.ok(overflow <= 1, `no sideways scrolling on a phone (overflow ${overflow}px: ${wide.join(', ')})`);
    await phone.close();
    await page.click('nav >> text=Models');
    await page.locator('[data-model="titanic-b"]').waitFor();
    assert.match((await page.locator('[data-model="titanic-b"]').textContent()) ?? '', /max_depth=6/);
    await page.screenshot({ path: `${SHOTS}/models.png`, fullPage: true });
  });
});
