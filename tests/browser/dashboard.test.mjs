// The dashboard in a real browser: Debian's chromium, headless, driven by
// puppeteer-core, against the real binary (serve --ui-listen), with gRPC
// calls made by a Python client (grpc_client.py).
//
//   node --test dashboard.test.mjs   (environment: BINARY, GEN_DIR, ARTIFACTS)
//
// Screenshots of each view go to $ARTIFACTS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const { BINARY, GEN_DIR, ARTIFACTS } = process.env;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TOKEN = 'browser-control-token';
const NS = 'browser';
const CUSTOMER = '7ba438cc-4724-4be1-8c59-f82558f4fde8';
const XSS = '<img src=x onerror=alert(1)>';
const SCENARIO = `version: 1
customers:
  - id: ${CUSTOMER}
    given_name: "${XSS}"
    family_name: Customer
    email_address: test-customer@example.com
    language_code: en
    phone_number: "+4997259173740"
    flags: [STAFF]
`;
// Waits of the browser for what the page does by itself; generous, as the
// machine is shared. Nothing is asserted about how long anything takes.
const WAIT = { timeout: 15000 };

let work;
let server;
let grpcClient;
let answers;
let base;
let browser;
let page;
let alerts = 0;

async function startServer() {
  const scenario = path.join(work, 'scenario.yaml');
  fs.writeFileSync(scenario, SCENARIO);
  server = spawn(BINARY, ['serve', '--listen', '127.0.0.1:0', '--ui-listen', '127.0.0.1:0',
    '--control-token', TOKEN, '--scenario', scenario, '--log-level', 'off'],
  { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: server.stdout });
  let grpcAddress;
  for await (const line of lines) {
    if (line.startsWith('listening on ')) grpcAddress = line.split(' ').pop();
    if (line.startsWith('dashboard on ')) {
      base = line.split(' ').pop().replace(/\/$/, '');
      break;
    }
  }
  assert.ok(grpcAddress && base, 'serve printed its addresses');
  grpcClient = spawn('/usr/bin/python3', [path.join(HERE, 'grpc_client.py'), GEN_DIR, grpcAddress],
    { stdio: ['pipe', 'pipe', 'inherit'] });
  answers = readline.createInterface({ input: grpcClient.stdout })[Symbol.asyncIterator]();
}

// One CustomerService call through gRPC; its code, message and response.
async function call(method, request) {
  grpcClient.stdin.write(JSON.stringify({ method, request, namespace: NS }) + '\n');
  const { value } = await answers.next();
  return JSON.parse(value);
}

// The JSON API with the token, for checking what the page did.
async function api(method, apiPath, body) {
  const headers = { 'x-fake-control-token': TOKEN };
  if (method !== 'GET') headers['x-customer-fake-csrf'] = '1';
  const response = await fetch(base + '/api/v1' + apiPath, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function shot(name) {
  await page.screenshot({ path: path.join(ARTIFACTS, name + '.png'), fullPage: true });
}

async function textOf(selector) {
  return page.$eval(selector, (node) => node.textContent);
}

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-test-'));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await startServer();
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  page.on('dialog', async (dialog) => {
    alerts += 1;
    await dialog.dismiss();
  });
});

after(async () => {
  if (browser) await browser.close();
  if (grpcClient) grpcClient.stdin.end();
  if (server) {
    server.kill('SIGTERM');
    const [code] = await once(server, 'exit');
    assert.equal(code, 0, 'serve exits 0 on SIGTERM');
  }
  fs.rmSync(work, { recursive: true, force: true });
});

test('without the token every page and endpoint answers 401', async () => {
  const response = await page.goto(base + '/');
  assert.equal(response.status(), 401);
  await page.waitForSelector('form[action="/login"]', WAIT);
  await shot('login');
  for (const p of ['/app.js', '/api/v1/namespaces', `/api/v1/namespaces/${NS}/export`]) {
    const r = await fetch(base + p);
    assert.equal(r.status, 401, p);
  }
  const wrong = await fetch(base + '/api/v1/namespaces', { headers: { 'x-fake-control-token': 'guess' } });
  assert.equal(wrong.status, 401);
  assert.deepEqual(await wrong.json(), {
    error: {
      code: 'UNAUTHENTICATED',
      reason: 'CONTROL_TOKEN_REQUIRED',
      message: 'the dashboard needs the control token: header x-fake-control-token or ' +
          'authorization: Bearer TOKEN, or log in at /login',
    },
  });
});

test('the login form sets the session and shows the namespaces', async () => {
  await page.type('#token', TOKEN);
  await Promise.all([page.waitForNavigation(WAIT), page.click('#login')]);
  assert.equal(await call('GetCustomer', { id: CUSTOMER }).then((a) => a.code), 'OK');
  await page.waitForSelector(`tr[data-ns="${NS}"]`, WAIT);
  const cells = await page.$$eval(`tr[data-ns="${NS}"] td`, (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(cells.slice(0, 4), [NS, '1', '0', '1']);
  await shot('namespaces');
});

test('calls appear in the journal without a reload, and a row opens to its request', async () => {
  await page.goto(`${base}/#/ns/${NS}/journal`);
  await page.waitForSelector('tr.call', WAIT);
  const before = await page.$$eval('tr.call', (rows) => rows.length);
  assert.equal(before, 1);
  const answer = await call('GetCustomer', { id: 'not-a-customer' });
  assert.equal(answer.code, 'NOT_FOUND');
  await page.waitForFunction(() => document.querySelectorAll('tr.call').length === 2, WAIT);
  // Newest first.
  assert.equal(await textOf('tr.call td.method'), 'GetCustomer');
  assert.equal(await textOf('tr.call td.code'), 'NOT_FOUND CUSTOMER_NOT_FOUND');
  await page.click('tr.call');
  await page.waitForSelector('tr.detail pre.request', WAIT);
  assert.deepEqual(JSON.parse(await textOf('tr.detail pre.request')), { id: 'not-a-customer' });
  const metadata = await textOf('tr.detail pre.metadata');
  assert.match(metadata, /x-fake-namespace: browser/);
  assert.doesNotMatch(metadata, /browser-test-token/);
  await shot('journal');
});

test('a customer named like markup shows as text', async () => {
  await page.goto(`${base}/#/ns/${NS}`);
  await page.waitForSelector('tr.customer', WAIT);
  assert.equal(await textOf('tr.customer td.given-name'), XSS);
  assert.equal(await page.$$eval('#customers img', (imgs) => imgs.length), 0);
  assert.equal(alerts, 0);
  await shot('namespace');
});

test('a rule added in the form makes the next gRPC call fail with its code', async () => {
  await page.$eval('#rule-yaml', (node) => { node.value = ''; });
  await page.type('#rule-yaml', 'id: outage\nmethod: GetCustomer\ntimes: 1\naction: {code: UNAVAILABLE, message: injected outage}');
  await page.click('#add-rule');
  await page.waitForFunction(() => document.querySelector('#rule-result').textContent === 'added rule outage', WAIT);
  await page.waitForSelector('tr.rule[data-id="outage"]', WAIT);
  const failed = await call('GetCustomer', { id: CUSTOMER });
  assert.deepEqual([failed.code, failed.message], ['UNAVAILABLE', 'injected outage']);
  assert.equal((await call('GetCustomer', { id: CUSTOMER })).code, 'OK');
});

test('an invalid rule shows the validation message and changes nothing', async () => {
  const rulesBefore = await api('GET', `/namespaces/${NS}/rules`);
  const invalid = 'method: GetCustomer\naction: {code: SOMETIMES}';
  const expected = await api('POST', '/namespaces/elsewhere/rules', { yaml: invalid });
  assert.equal(expected.status, 400);
  assert.equal(expected.body.error.reason, 'INVALID_FAULT_RULE');
  await page.$eval('#rule-yaml', (node) => { node.value = ''; });
  await page.type('#rule-yaml', invalid);
  await page.click('#add-rule');
  await page.waitForFunction(
    (text) => document.querySelector('#rule-result').textContent === text, WAIT, expected.body.error.message);
  assert.equal(await page.$eval('#rule-result', (node) => node.className), 'error');
  assert.deepEqual(await api('GET', `/namespaces/${NS}/rules`), rulesBefore);
});

test('the retry timeline draws one lane per request, attempts by code', async () => {
  await api('POST', `/namespaces/${NS}/rules`, {
    yaml: 'method: GetCustomer\ntimes: 2\naction: {code: UNAVAILABLE}',
  });
  for (let i = 0; i < 3; i += 1) await call('GetCustomer', { id: 'retry-me' });
  await page.goto(`${base}/#/ns/${NS}/timeline`);
  await page.waitForSelector('svg.timeline circle', WAIT);
  await page.waitForFunction(() => document.querySelectorAll('svg.timeline circle.fail').length >= 2, WAIT);
  const codes = await page.$$eval('svg.timeline circle', (dots) => dots.map((d) => d.getAttribute('data-code')));
  // Lanes: the customer's GetCustomer (OK, UNAVAILABLE, OK), the unknown id
  // (NOT_FOUND) and the retried one (UNAVAILABLE twice, then what the id
  // gets: NOT_FOUND).
  assert.deepEqual(codes, ['OK', 'UNAVAILABLE', 'OK', 'NOT_FOUND',
    'UNAVAILABLE', 'UNAVAILABLE', 'NOT_FOUND']);
  await shot('timeline');
  await api('DELETE', `/namespaces/${NS}/rules`);
});

test('export downloads YAML that validate accepts', async () => {
  await page.goto(`${base}/#/ns/${NS}`);
  await page.waitForSelector('#export', WAIT);
  const downloads = path.join(work, 'downloads');
  fs.mkdirSync(downloads);
  const cdp = await page.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads, eventsEnabled: true });
  const done = new Promise((resolve) => {
    cdp.on('Browser.downloadProgress', (event) => { if (event.state === 'completed') resolve(); });
  });
  await page.click('#export');
  await done;
  const file = path.join(downloads, `${NS}.yaml`);
  const yaml = fs.readFileSync(file, 'utf8');
  assert.match(yaml, /test-customer@example\.com/);
  const validate = spawnSync(BINARY, ['validate', file], { encoding: 'utf8' });
  assert.equal(validate.status, 0, validate.stderr);
});

test('reset empty empties the customers', async () => {
  await page.waitForSelector('tr.customer', WAIT);
  await page.click('#reset-empty');
  await page.waitForFunction(() => document.querySelector('#customers-info').textContent === 'no customers', WAIT);
  assert.equal(await page.$$eval('tr.customer', (rows) => rows.length), 0);
  assert.equal((await api('GET', `/namespaces/${NS}/customers`)).body.total, 0);
  assert.equal((await call('GetCustomer', { id: CUSTOMER })).code, 'NOT_FOUND');
});

test('a change without the CSRF header is refused, even logged in', async () => {
  const refused = await page.evaluate(async (ns) => {
    const response = await fetch(`/api/v1/namespaces/${ns}/reset`, { method: 'POST', body: '{}' });
    return { status: response.status, body: await response.json() };
  }, NS);
  assert.deepEqual(refused, {
    status: 403,
    body: {
      error: {
        code: 'PERMISSION_DENIED',
        reason: 'CSRF_HEADER_REQUIRED',
        message: 'POST needs the header x-customer-fake-csrf: 1 (a page of another site cannot send it)',
      },
    },
  });
  // The reset did not happen: still empty from the test before.
  assert.equal((await api('GET', `/namespaces/${NS}/customers`)).body.total, 0);
  assert.equal(alerts, 0);
});
