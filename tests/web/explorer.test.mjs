// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The browser explorer (examples/web) in headless Chromium, driven by puppeteer-core: the built page is
// served by `python3 -m http.server`, as README says to serve it, and used through its controls as a reader
// would. tests/web/CMakeLists.txt runs it with these variables:
//   SMOOTHGRAD_WEB_SITE        the built page's folder
//   SMOOTHGRAD_PYTHON          the Python that serves it
//   SMOOTHGRAD_CHROMIUM        the browser
//   SMOOTHGRAD_VANILLA_NPY     smoothgrad-explain's vanilla map of test image 0
//   SMOOTHGRAD_SMOOTHGRAD_NPY  its SmoothGrad map (n = 50, noise level 15 %, seed 0)
//   SMOOTHGRAD_SCREENSHOT      where the page's screenshot goes
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import {after, before, test} from 'node:test';

import puppeteer from 'puppeteer-core';

const variable = (name) => {
    const value = process.env[name];
    if (!value) throw new Error(`explorer.test.mjs: set ${name}`);
    return value;
};
const site = variable('SMOOTHGRAD_WEB_SITE');

/// A float32 little-endian .npy file's values (the format smoothgrad-explain --npy writes).
function readNpy(file) {
    const bytes = fs.readFileSync(file);
    assert.equal(bytes.subarray(0, 6).toString('latin1'), '\x93NUMPY', `${file} is not a .npy file`);
    const headerLength = bytes.readUInt16LE(8);
    const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
    assert.match(header, /'descr': '<f4'/, `${file} does not hold little-endian float32`);
    const data = bytes.subarray(10 + headerLength);
    return new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

/// max |a - b| / max |b|.
function relativeDifference(a, b) {
    assert.equal(a.length, b.length, 'the maps differ in size');
    let difference = 0, scale = 0;
    for (let i = 0; i < a.length; ++i) {
        difference = Math.max(difference, Math.abs(a[i] - b[i]));
        scale = Math.max(scale, Math.abs(b[i]));
    }
    assert.ok(scale > 0, 'the reference map is all zeros');
    return difference / scale;
}

let server, browser, page;
const problems = [];  // console errors, page errors and failed requests, over the whole session

/// Starts `python3 -m http.server` on a free loopback port in the site's folder; resolves to its port.
function serve() {
    server = spawn(variable('SMOOTHGRAD_PYTHON'), ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1'],
                   {cwd: site, stdio: ['ignore', 'pipe', 'pipe']});
    return new Promise((resolve, reject) => {
        let output = '';
        server.stdout.on('data', (chunk) => {
            output += chunk;
            const port = /port (\d+) \(/.exec(output);
            if (port) resolve(Number(port[1]));
        });
        server.stderr.on('data', (chunk) => { output += chunk; });  // its request log, read so that it never blocks
        server.on('exit', (code) => reject(new Error(`http.server exited with ${code}: ${output}`)));
        server.on('error', reject);
    });
}

before(async () => {
    const port = await serve();
    // The flags keep Chromium off the network, which this machine does not have (and root needs --no-sandbox).
    browser = await puppeteer.launch({
        executablePath: variable('SMOOTHGRAD_CHROMIUM'),
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
               '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    page = await browser.newPage();
    page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
        if (message.type() === 'warn') console.log(`# console warning: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
    await page.setViewport({width: 1280, height: 1000});
    await page.goto(`http://127.0.0.1:${port}/`, {waitUntil: 'load'});
    // A page that never gets ready fails here with its status line, not at the test's time limit.
    const ready = page.evaluate(() => window.explorer.ready.then(() => 'ready', (error) => `failed: ${error.message}`));
    let timer;
    const outcome = await Promise.race([ready, new Promise((resolve) => { timer = setTimeout(() => resolve('timed out'), 60000); })]);
    clearTimeout(timer);
    assert.equal(outcome, 'ready', `the page did not load (${outcome}): ${await page.$eval('#status', (e) => e.textContent)}`);
    await page.evaluate(() => window.explorer.idle());
});

after(async () => {
    await browser?.close();
    server?.kill();
});

/// Waits until every queued map is shown, and returns the main one.
async function mainResult() {
    await page.evaluate(() => window.explorer.idle());
    return page.evaluate(() => {
        const main = window.explorer.main;
        return {...main, map: Array.from(main.map)};
    });
}

async function setSmoothGrad(on) {
    if ((await page.$eval('#smooth', (box) => box.checked)) !== on) await page.click('#smooth');
}

test('the page loads the model and test image 0 without errors', async () => {
    assert.deepEqual(problems, []);
    assert.match(await page.$eval('#status', (e) => e.textContent), /^Model loaded/);
    const main = await mainResult();
    assert.equal(main.source, 'test');
    assert.equal(main.imageIndex, 0);
    assert.match(await page.$eval('#prediction', (e) => e.textContent), /^Predicted: Ankle boot, p = 0\.\d{3} \(true: Ankle boot\)$/);
});

test("test image 0's vanilla map equals smoothgrad-explain's to 1e-5", async () => {
    await page.select('#method', 'vanilla');
    await setSmoothGrad(false);
    const main = await mainResult();
    assert.equal(main.settings.smooth, false);
    const difference = relativeDifference(main.map, readNpy(variable('SMOOTHGRAD_VANILLA_NPY')));
    console.log(`# vanilla: max |browser - command line| / max |command line| = ${difference.toExponential(2)}`);
    assert.ok(difference <= 1e-5, `relative difference ${difference}`);
});

test("test image 0's SmoothGrad map (n = 50, 15 %, seed 0) equals smoothgrad-explain's to 1e-5", async () => {
    await setSmoothGrad(true);
    const main = await mainResult();
    assert.deepEqual([main.settings.smooth, main.settings.samples, main.settings.noise_level, main.settings.seed,
                      main.settings.aggregation], [true, 50, 0.15, 0, 'mean']);
    const difference = relativeDifference(main.map, readNpy(variable('SMOOTHGRAD_SMOOTHGRAD_NPY')));
    console.log(`# SmoothGrad: max |browser - command line| / max |command line| = ${difference.toExponential(2)}`);
    assert.ok(difference <= 1e-5, `relative difference ${difference}`);
});

/// Waits for the figures, asking for them where the page offers a button (on a slow machine).
async function figuresShown() {
    await mainResult();
    if (await page.$eval('#compute-figures', (button) => !button.hidden)) await page.click('#compute-figures');
    await mainResult();
    assert.equal(await page.$$eval('.figure-strip canvas.stale', (cells) => cells.length), 0, 'stale figures');
}

test('moving the noise-level slider changes the map and the figures', async () => {
    const before = await mainResult();
    await figuresShown();
    const figureBefore = await page.$eval('#samples-strip canvas', (c) => c.toDataURL());
    await page.focus('#noise-level');
    for (let k = 0; k < 10; ++k) await page.keyboard.press('ArrowRight');
    const afterMove = await mainResult();
    await figuresShown();
    assert.equal(await page.$eval('#noise-level-value', (e) => e.textContent), '25 %');
    assert.equal(afterMove.settings.noise_level, 0.25);
    assert.ok(relativeDifference(afterMove.map, before.map) > 1e-3, 'the map did not change');
    const figureAfter = await page.$eval('#samples-strip canvas', (c) => c.toDataURL());
    assert.notEqual(figureAfter, figureBefore, "the n = 1 figure did not change with the noise level");
});

test('drawing on the canvas gives a prediction and a map', async () => {
    const box = await (await page.$('#drawing')).boundingBox();
    // A vertical bar, as a pair of trousers would be drawn.
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
    await page.mouse.down();
    for (let step = 1; step <= 12; ++step)
        await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.15 + 0.06 * step));
    await page.mouse.up();
    const main = await mainResult();
    assert.equal(main.source, 'drawing');
    const probability = main.prediction.probabilities[main.prediction.predicted];
    assert.ok(probability > 0 && probability <= 1, `probability ${probability}`);
    assert.match(await page.$eval('#prediction', (e) => e.textContent), /^Predicted: [^,]+, p = [01]\.\d{3}$/);
    assert.ok(main.map.some((v) => v !== 0), 'the map of the drawing is all zeros');
});

test('every method gives a finite map of a test image', async () => {
    await page.click('#image-strip button[data-index="2"]');
    await setSmoothGrad(false);
    const methods = await page.$$eval('#method option', (options) => options.map((o) => o.value));
    assert.ok(methods.length >= 12, `only ${methods.length} methods`);
    for (const method of methods) {
        await page.select('#method', method);
        await setSmoothGrad(false);
        const main = await mainResult();
        assert.equal(main.settings.method, method);
        assert.equal(main.imageIndex, 2);
        assert.ok(main.map.every(Number.isFinite) && main.map.some((v) => v !== 0), `${method}: no map`);
    }
    assert.deepEqual(problems, []);
});

test("choosing a method sets smoothgrad-explain's defaults for it", async () => {
    const defaults = [['blur-ig', '100', true], ['xrai', '100', false], ['guided-ig', '200', true],
                      ['grad-cam', '50', false], ['occlusion', '50', false], ['expected-gradients', '50', false],
                      ['integrated-gradients', '50', true], ['vanilla', '50', true]];
    for (const [method, steps, smooth] of defaults) {
        await page.select('#method', method);
        assert.deepEqual([await page.$eval('#steps', (e) => e.value), await page.$eval('#smooth', (e) => e.checked)],
                         [steps, smooth], method);
    }
    assert.equal((await mainResult()).settings.method, 'vanilla');
});

test('a slow map shows its labelled progress, and gives way to new settings', async () => {
    await page.select('#method', 'xrai');
    await setSmoothGrad(true);
    await page.focus('#samples');
    await page.keyboard.press('End');
    assert.equal(await page.$eval('#samples-value', (e) => e.textContent), '200');
    // XRAI with n = 200 takes about a minute here; its progress shows once it has run 0.3 s.
    await page.waitForSelector('#progress-box:not([hidden])', {timeout: 10000});
    assert.equal(await page.$eval('#progress-label', (e) => e.textContent), 'Computing the map');
    await page.select('#method', 'vanilla');
    const main = await mainResult();
    assert.deepEqual([main.settings.method, main.settings.samples], ['vanilla', 200]);
    assert.ok(await page.$eval('#progress-box', (box) => box.hidden));
});

test('a stale map is dropped at once, and the new worker explains with expected gradients', async () => {
    // Guided IG's 200 steps with n = 200 take about 40 s here: the change 30 ms after it started must not
    // wait for it.
    await page.select('#method', 'guided-ig');
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = Date.now();
    await page.select('#method', 'vanilla');
    const main = await mainResult();
    assert.equal(main.settings.method, 'vanilla');
    assert.ok(Date.now() - started < 5000, `the vanilla map took ${Date.now() - started} ms`);
    await page.select('#method', 'expected-gradients');
    const expected = await mainResult();
    assert.equal(expected.settings.method, 'expected-gradients');
    assert.ok(expected.map.every(Number.isFinite) && expected.map.some((v) => v !== 0), 'no expected-gradients map');
    await page.select('#method', 'vanilla');
    await page.click('#samples-strip button:nth-child(5)');  // the figure of n = 50
    assert.equal((await mainResult()).settings.samples, 50);
    assert.deepEqual(problems, []);
});

test('the module refuses bad requests by name, and goes on working', async () => {
    const replies = await page.evaluate(async () => {
        const worker = new Worker('worker.js');
        const ask = (message) => new Promise((resolve) => {
            worker.onmessage = (event) => { if (event.data.type !== 'progress') resolve(event.data); };
            worker.postMessage(message);
        });
        const image = new Float32Array(784).fill(0.5);
        const replies = [];
        for (const settings of [{samples: 2.9}, {samples: 2 ** 31}, {seed: -1}, {noiselevel: 0.2}, {method: 'magic'}, {class: 10},
                                {steps: 0}, {noise_level: -0.1}, {aggregation: 'median'}])
            replies.push(await ask({type: 'explain', id: 1, pixels: image, settings: {method: 'vanilla', ...settings}}));
        replies.push(await ask({type: 'explain', id: 2, pixels: new Float32Array(10), settings: {}}));
        replies.push(await ask({type: 'explain', id: 4, pixels: image, settings: {method: 'expected-gradients'}}));
        replies.push(await ask({type: 'references', pixels: new Float32Array(10), count: 1}));
        replies.push(await ask({type: 'explain', id: 3, pixels: image, settings: {method: 'vanilla', smooth: true, samples: 5}}));
        worker.terminate();
        return replies.map((r) => ({type: r.type, message: r.message, fatal: r.fatal, map: r.map?.length}));
    });
    const expected = ["'samples' must be a whole number", "'samples' must be a whole number in \\[1, 2147483647\\]",
                      "'seed' must be a whole number", "unknown field 'noiselevel'",
                      "method must be vanilla, .*got 'magic'", 'class must be in \\[0, 10\\), got 10',
                      "'steps' must be a whole number in \\[1,", 'noise_level must be >= 0, got -0.1',
                      "aggregation must be mean, square or variance, got 'median'", 'the image has 10 values, the model takes 784',
                      'expected-gradients needs a reference set', 'the reference set has 10 values, 1 images'];
    expected.forEach((pattern, k) => {
        assert.equal(replies[k].type, 'error', `request ${k} was not refused`);
        assert.match(replies[k].message, new RegExp(`^explorer: ${pattern}`));
        assert.equal(replies[k].fatal, false);
    });
    assert.deepEqual(replies.at(-1), {type: 'result', map: 784});
});

test('the page is saved as a screenshot', async () => {
    await page.select('#method', 'vanilla');
    await page.click('#image-strip button[data-index="0"]');
    await setSmoothGrad(true);
    await page.focus('#noise-level');
    for (let k = 0; k < 10; ++k) await page.keyboard.press('ArrowLeft');
    assert.equal((await mainResult()).settings.noise_level, 0.15);
    const file = variable('SMOOTHGRAD_SCREENSHOT');
    await page.screenshot({path: file, fullPage: true});
    assert.ok(fs.statSync(file).size > 10000, `${file} is nearly empty`);
    console.log(`# screenshot: ${file}`);
    assert.deepEqual(problems, []);
});

/// Makes the page's current worker fail, as a worker whose script cannot load or whose module traps does.
const failWorker = () => page.evaluate(() => worker.dispatchEvent(new ErrorEvent('error', {message: 'simulated failure'})));

test('a failed worker is replaced and the page goes on', async () => {
    await failWorker();
    assert.match(await page.$eval('#status', (e) => e.textContent), /^Error: the worker failed: simulated failure/);
    await page.click('#seed', {clickCount: 3});
    await page.keyboard.type('7');
    await page.keyboard.press('Tab');
    const main = await mainResult();
    assert.equal(main.settings.seed, 7);
    assert.match(await page.$eval('#status', (e) => e.textContent), /^Model loaded/);
});

test('after three failures in a row the page stops and says so', async () => {
    for (let k = 0; k < 3; ++k) await failWorker();
    assert.match(await page.evaluate(() => window.explorer.stopped), /simulated failure/);
    assert.match(await page.$eval('#status', (e) => e.textContent), /^The explorer stopped/);
    assert.ok(await page.$eval('#method', (e) => e.disabled));
    await page.evaluate(() => window.explorer.idle());  // resolves: nothing is left to wait for
});
