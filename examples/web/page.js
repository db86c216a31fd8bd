// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The explorer page: picks or draws an image, turns the controls into settings, and shows the maps that
// worker.js computes. Only the newest settings are worked on: a change replaces the waiting requests, and
// a request of older settings that would still run a while is stopped together with its worker (a worker
// cannot be interrupted; a new one loads in about 0.1 s).
//
// window.explorer is for the browser tests (tests/web): `ready` resolves once the model and the test set
// are loaded, `idle()` once every queued map is shown (or the page has stopped), `main` holds the newest
// main map, and `stopped` says why the page gave up, if it did.
'use strict';

const imagesFile = 't10k-images-idx3-ubyte.gz';
const labelsFile = 't10k-labels-idx1-ubyte.gz';
const stripLength = 12;
const figureNoiseLevels = [0, 5, 10, 20, 30, 50];        // percent, as examples/paper_fig3_noise_level.cpp
const figureSampleSizes = [1, 5, 10, 20, 50, 100, 200];  // as examples/paper_fig4_sample_size.cpp
const autoFigureSeconds = 5;   // the figures are computed unasked when they would take less than this
const abandonAfterMs = 250;    // a stale request expected to run longer than this is stopped
const progressAfterMs = 300;   // the progress bar shows for requests that run longer than this
const maxWorkerFailures = 3;   // worker failures in a row before the page gives up
// smoothgrad-explain's defaults that differ by method: steps, and SmoothGrad off for some.
const methodSteps = {'blur-ig': 100, 'xrai': 100, 'guided-ig': 200};
const methodsWithoutSmoothGrad = ['xrai', 'grad-cam', 'occlusion', 'expected-gradients'];
const referenceCount = 100;    // expected gradients' reference set: the test set's last 100 images

const element = (id) => document.getElementById(id);

const state = {
    info: null,            // the model's description (explorer.cpp's describe)
    images: null,          // Fashion-MNIST test images: {count, height, width, pixels: Uint8Array}
    labels: null,          // Uint8Array
    imageIndex: 0,
    drawing: new Float32Array(28 * 28),
    source: 'test',        // 'test' or 'drawing'
    generation: 0,         // bumped by every change; results of older generations are dropped
    figureTasks: [],       // the figures' requests for the newest settings
    figuresQueued: false,  // whether they were queued for the newest settings
    loadedText: '',        // the status line once loaded
    referencesError: null, // why the worker refused expected gradients' reference set, if it did
};

let resolveReady, rejectReady;
const explorer = {
    ready: new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; }),
    main: null,            // {map, prediction, settings, imageIndex, source}
    stopped: null,         // the message with which the page gave up
    idle,
};
window.explorer = explorer;

// ---- the worker and its queue ------------------------------------------------------------------------

let worker = null, workerReady = false, workerFailures = 0;
let queue = [];          // requests not yet sent: {generation, pixels, settings, label, onResult}
let inFlight = null;     // the request the worker is on, with its id, start time and progress
let nextId = 1;
const idleWaiters = [];

function startWorker() {
    worker = new Worker('worker.js');
    workerReady = false;
    const own = worker;  // a replaced worker's last messages are ignored
    worker.onmessage = (event) => { if (own === worker) onWorkerMessage(event.data); };
    worker.onerror = (event) => {
        event.preventDefault();
        if (own === worker) workerFailed(`the worker failed: ${event.message || 'it could not be loaded'}`);
    };
    worker.postMessage({type: 'init'});
    sendReferences();
}

/// Gives the worker expected gradients' reference set, once the test set is loaded.
function sendReferences() {
    if (!state.images || !worker) return;
    const count = Math.min(referenceCount, state.images.count);
    const size = state.images.height * state.images.width;
    const pixels = new Float32Array(count * size);
    for (let k = 0; k < count; ++k) pixels.set(testImage(state.images.count - count + k), k * size);
    worker.postMessage({type: 'references', pixels, count});
}

/// Stops the worker, dropping its request, and starts a new one.
function replaceWorker() {
    worker.terminate();
    inFlight = null;
    startWorker();
}

/// A worker that failed (it could not load, or its module aborted) is replaced, its request dropped; after
/// maxWorkerFailures failures in a row the page stops: it says so, disables its controls and takes no
/// more work.
function workerFailed(text) {
    showError(text);
    workerFailures += 1;
    if (state.info === null || workerFailures >= maxWorkerFailures) {
        worker.terminate();
        inFlight = null;
        stop(text);
        return;
    }
    replaceWorker();
}

function stop(text) {
    explorer.stopped = text;
    worker = null;
    workerReady = false;
    queue = [];
    rejectReady(new Error(text));
    for (const control of document.querySelectorAll('#settings :is(input, select), #inputs :is(input, button)'))
        control.disabled = true;
    element('status').textContent = `The explorer stopped: ${text}. Reload the page to start again.`;
    settleIdle();
}

function idle() {
    return explorer.stopped !== null || (queue.length === 0 && inFlight === null)
               ? Promise.resolve()
               : new Promise((resolve) => idleWaiters.push(resolve));
}

function settleIdle() {
    element('progress-box').hidden = true;
    while (idleWaiters.length > 0) idleWaiters.shift()();
}

function schedule(requests) {
    queue = requests;
    pump();
}

function pump() {
    if (inFlight !== null || !workerReady) return;
    if (queue.length === 0) {
        settleIdle();
        return;
    }
    inFlight = {...queue.shift(), id: nextId++, started: performance.now(), done: 0, total: 0};
    element('progress-box').hidden = true;  // until this request has run long enough to be watched
    element('progress').value = 0;
    worker.postMessage({type: 'explain', id: inFlight.id, pixels: inFlight.pixels, settings: inFlight.settings});
}

/// Runs every 100 ms: stops a stale request that would still run longer than abandonAfterMs (estimated
/// from its progress, or, without progress, as long again as it has run), and shows the progress of
/// requests that take long enough to watch.
function watch() {
    if (inFlight === null || explorer.stopped !== null) return;
    const elapsed = performance.now() - inFlight.started;
    if (inFlight.generation !== state.generation) {
        const remaining = inFlight.done > 0 ? (elapsed * (inFlight.total - inFlight.done)) / inFlight.done : elapsed;
        if (remaining > abandonAfterMs) replaceWorker();
        return;
    }
    if (elapsed > progressAfterMs) {
        element('progress-box').hidden = false;
        element('progress-label').textContent = inFlight.label;
        const bar = element('progress');
        if (inFlight.total > 0) bar.value = inFlight.done / inFlight.total;
        else bar.removeAttribute('value');  // no SmoothGrad: no steps to count
    }
}
setInterval(watch, 100);

function onWorkerMessage(message) {
    if (message.type === 'ready') {
        workerReady = true;
        if (state.info === null) {
            state.info = message.info;
            modelLoaded();
        }
        pump();
        return;
    }
    if (message.id === 'references') {
        if (message.fatal) workerFailed(message.message);
        else state.referencesError = message.message;  // shown when expected gradients is chosen
        return;
    }
    if (message.id === undefined || inFlight === null || message.id !== inFlight.id) {
        if (message.type === 'error') workerFailed(message.message);  // the worker could not start
        return;
    }
    if (message.type === 'progress') {
        inFlight.done = message.done;
        inFlight.total = message.total;
        return;
    }
    const request = inFlight;
    inFlight = null;
    if (message.type === 'error' && message.fatal) {
        workerFailed(message.message);
        return;
    }
    workerFailures = 0;
    if (message.type === 'error') showError(message.message);
    else if (request.generation === state.generation) {
        clearError();
        request.onResult(message);
    }
    pump();
}

function showError(text) {
    element('status').textContent = `Error: ${text}`;
    element('status').classList.add('error');
    console.error(`explorer: ${text}`);
}

function clearError() {
    if (!element('status').classList.contains('error')) return;
    element('status').classList.remove('error');
    element('status').textContent = state.loadedText;
}

// ---- images ------------------------------------------------------------------------------------------

/// A gzip file's bytes. A server may have decompressed it already (Content-Encoding: gzip), so the gzip
/// magic number decides.
async function fetchGzip(file) {
    const response = await fetch(file);
    if (!response.ok) throw new Error(`cannot load ${file}: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
}

/// An IDX file's dimensions and data (big-endian sizes after a magic number that gives their count).
function parseIdx(bytes, file) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 4 || view.getUint16(0) !== 0 || bytes[2] !== 0x08) throw new Error(`${file} is not an IDX file of bytes`);
    const dimensions = bytes[3];
    if (bytes.length < 4 + 4 * dimensions) throw new Error(`${file} is truncated`);
    const sizes = Array.from({length: dimensions}, (_, k) => view.getUint32(4 + 4 * k));
    const data = bytes.subarray(4 + 4 * dimensions);
    if (data.length !== sizes.reduce((a, b) => a * b, 1)) throw new Error(`${file} is truncated`);
    return {sizes, data};
}

async function loadTestSet() {
    const [images, labels] = await Promise.all([fetchGzip(imagesFile), fetchGzip(labelsFile)]);
    const parsed = parseIdx(images, imagesFile);
    const shape = state.info.input;
    if (parsed.sizes.length !== 3 || parsed.sizes[1] !== shape.height || parsed.sizes[2] !== shape.width || shape.channels !== 1)
        throw new Error(`${imagesFile} holds ${parsed.sizes.join('x')} images, the model takes ${shape.height}x${shape.width}x${shape.channels}`);
    const parsedLabels = parseIdx(labels, labelsFile);
    if (parsedLabels.sizes[0] !== parsed.sizes[0]) throw new Error(`${labelsFile} has ${parsedLabels.sizes[0]} labels for ${parsed.sizes[0]} images`);
    state.images = {count: parsed.sizes[0], height: parsed.sizes[1], width: parsed.sizes[2], pixels: parsed.data};
    state.labels = parsedLabels.data;
    element('image-index').max = String(state.images.count - 1);
}

/// Test image k as the model takes it: pixel / 255 rounded to float, which is what smoothgrad-explain's
/// pixel * (1 / 255), computed in double, rounds to.
function testImage(k) {
    const size = state.images.height * state.images.width;
    const values = new Float32Array(size);
    const bytes = state.images.pixels.subarray(k * size, (k + 1) * size);
    for (let i = 0; i < size; ++i) values[i] = bytes[i] / 255;
    return values;
}

function currentPixels() {
    return state.source === 'drawing' ? state.drawing.slice() : testImage(state.imageIndex);
}

/// Draws a one-channel image with values in [0, 1] on a canvas of its size.
function paintGray(canvas, values) {
    const picture = new ImageData(canvas.width, canvas.height);
    values.forEach((v, i) => {
        const g = Math.round(255 * Math.min(Math.max(v, 0), 1));
        picture.data.set([g, g, g, 255], 4 * i);
    });
    canvas.getContext('2d').putImageData(picture, 0, 0);
}

function paintRgba(canvas, rgba) {
    canvas.getContext('2d').putImageData(new ImageData(rgba, canvas.width, canvas.height), 0, 0);
}

function className(k) {
    return state.info.classes[k] ?? `class ${k}`;
}

/// The strip of test images around the chosen one. Its buttons are made again only when the window moves,
/// so that a picked thumbnail keeps the keyboard focus.
function renderImageStrip() {
    if (!state.images) return;
    const strip = element('image-strip');
    const first = Math.max(0, Math.min(state.imageIndex - (state.imageIndex % stripLength), state.images.count - stripLength));
    if (strip.dataset.first !== String(first)) {
        strip.dataset.first = String(first);
        strip.replaceChildren();
        for (let k = first; k < Math.min(first + stripLength, state.images.count); ++k) {
            const canvas = document.createElement('canvas');
            canvas.width = state.images.width;
            canvas.height = state.images.height;
            paintGray(canvas, testImage(k));
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'thumbnail';
            button.setAttribute('aria-label', `test image ${k}: ${className(state.labels[k])}`);
            button.title = button.getAttribute('aria-label');
            button.dataset.index = String(k);
            button.append(canvas);
            button.addEventListener('click', () => selectTestImage(k));
            strip.append(button);
        }
    }
    for (const button of strip.children)
        button.setAttribute('aria-pressed', String(state.source === 'test' && Number(button.dataset.index) === state.imageIndex));
}

function selectTestImage(k) {
    if (!state.images) return;
    state.imageIndex = Math.min(Math.max(Math.trunc(k) || 0, 0), state.images.count - 1);
    state.source = 'test';
    element('image-index').value = String(state.imageIndex);
    renderImageStrip();
    update();
}

// ---- drawing -----------------------------------------------------------------------------------------

function setUpDrawing() {
    const canvas = element('drawing');
    let drawing = false;
    const brush = (event) => {
        const box = canvas.getBoundingClientRect();
        const x = ((event.clientX - box.left) / box.width) * canvas.width;
        const y = ((event.clientY - box.top) / box.height) * canvas.height;
        // A soft round brush about two pixels wide, like a pen stroke in Fashion-MNIST's 28 x 28 pixels.
        for (let row = Math.floor(y - 2); row <= Math.ceil(y + 2); ++row) {
            for (let col = Math.floor(x - 2); col <= Math.ceil(x + 2); ++col) {
                if (row < 0 || col < 0 || row >= canvas.height || col >= canvas.width) continue;
                const distance = Math.hypot(col + 0.5 - x, row + 0.5 - y);
                const ink = Math.max(0, 1 - Math.max(0, distance - 0.8) / 1.2);
                const i = row * canvas.width + col;
                state.drawing[i] = Math.max(state.drawing[i], ink);
            }
        }
        paintGray(canvas, state.drawing);
    };
    canvas.addEventListener('pointerdown', (event) => {
        drawing = true;
        canvas.setPointerCapture(event.pointerId);
        brush(event);
    });
    canvas.addEventListener('pointermove', (event) => { if (drawing) brush(event); });
    const finish = () => {
        if (!drawing) return;
        drawing = false;
        state.source = 'drawing';
        renderImageStrip();
        update();
    };
    canvas.addEventListener('pointerup', finish);
    canvas.addEventListener('pointercancel', finish);
    element('clear-drawing').addEventListener('click', () => {
        state.drawing.fill(0);
        paintGray(canvas, state.drawing);
        if (state.source === 'drawing') update();
    });
    paintGray(canvas, state.drawing);
}

// ---- settings and results ----------------------------------------------------------------------------

/// A whole number from a number input, clamped to its min and max, and written back so that the input
/// shows what is used.
function wholeInput(id) {
    const input = element(id);
    const low = Number(input.min), high = Number(input.max || Number.MAX_SAFE_INTEGER);
    const value = Math.min(Math.max(Math.trunc(Number(input.value)) || low, low), high);
    if (String(value) !== input.value) input.value = String(value);
    return value;
}

function settings() {
    const targetClass = element('target-class').value;
    return {
        method: element('method').value,
        smooth: element('smooth').checked,
        noise_level: Number(element('noise-level').value) / 100,
        samples: Number(element('samples').value),
        aggregation: element('aggregation').value,
        seed: wholeInput('seed'),
        steps: wholeInput('steps'),
        draws: wholeInput('draws'),
        layer: Number(element('layer').value || 4),
        class: targetClass === '' ? null : Number(targetClass),
        signed: element('display').value === 'signed',
    };
}

function showControls(s) {
    element('noise-level-value').textContent = `${element('noise-level').value} %`;
    element('samples-value').textContent = element('samples').value;
    element('fig3-samples').textContent = String(s.samples);
    element('fig4-noise').textContent = `${element('noise-level').value} %`;
    element('steps-field').hidden = !['integrated-gradients', 'blur-ig', 'guided-ig', 'xrai'].includes(s.method);
    element('layer-field').hidden = !['grad-cam', 'guided-grad-cam'].includes(s.method);
    element('draws-field').hidden = s.method !== 'expected-gradients';
    for (const id of ['noise-level', 'samples', 'aggregation']) element(id).disabled = !s.smooth;
}

/// A new method takes smoothgrad-explain's defaults for it: its steps, and SmoothGrad on or off.
function methodChanged() {
    const method = element('method').value;
    element('steps').value = String(methodSteps[method] ?? 50);
    element('smooth').checked = !methodsWithoutSmoothGrad.includes(method);
    update();
}

let noiseCells = [], sampleCells = [];

/// A figure strip's cells: a button per value with its map, which takes that value when pressed.
function makeFigureStrip(id, values, label, onPick) {
    return values.map((value) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'figure-cell';
        button.setAttribute('aria-label', `use ${label(value)}`);
        const canvas = document.createElement('canvas');
        canvas.width = state.info.input.width;
        canvas.height = state.info.input.height;
        const caption = document.createElement('span');
        caption.textContent = label(value);
        button.append(canvas, caption);
        button.addEventListener('click', () => onPick(value));
        element(id).append(button);
        return canvas;
    });
}

function setUpFigures() {
    const pick = (id, value) => {
        element(id).value = String(value);
        element('smooth').checked = true;
        update();
    };
    noiseCells = makeFigureStrip('noise-strip', figureNoiseLevels, (v) => `${v} %`, (v) => pick('noise-level', v));
    sampleCells = makeFigureStrip('samples-strip', figureSampleSizes, (v) => `n = ${v}`, (v) => pick('samples', v));
    element('compute-figures').addEventListener('click', queueFigures);
}

function queueFigures() {
    if (state.figuresQueued || explorer.stopped !== null) return;
    state.figuresQueued = true;
    element('compute-figures').hidden = true;
    element('figures-note').textContent = 'Computing the figures\u2026';
    queue.push(...state.figureTasks);
    pump();
}

/// The figures' requests for `s`: SmoothGrad of the chosen method across noise levels at this n, and
/// across n at this noise level.
function figureTasks(generation, pixels, s) {
    const cells = [...figureNoiseLevels.map((v, k) => [noiseCells[k], {noise_level: v / 100}]),
                   ...figureSampleSizes.map((v, k) => [sampleCells[k], {samples: v}])];
    return cells.map(([canvas, changes], k) => ({
        generation, pixels, settings: {...s, smooth: true, ...changes}, label: 'Computing the figures',
        onResult: (result) => {
            paintRgba(canvas, result.mapRgba);
            canvas.classList.remove('stale');
            if (k === cells.length - 1) element('figures-note').textContent = '';
        },
    }));
}

/// After the main map: queues the figures when they are quick to compute, else offers a button with the
/// time they would take, estimated from the main map's.
function planFigures(s, result) {
    const perMap = result.milliseconds / (s.smooth ? s.samples : 1);
    const maps = figureNoiseLevels.length * s.samples + figureSampleSizes.reduce((a, b) => a + b, 0);
    const seconds = (perMap * maps) / 1000;
    if (seconds < autoFigureSeconds) {
        queueFigures();
    } else {
        const button = element('compute-figures');
        button.hidden = false;
        button.textContent = `Compute the figures (about ${Math.ceil(seconds)} s)`;
        element('figures-note').textContent = `${maps} maps of this method take a while.`;
    }
}

function update() {
    if (!state.info || explorer.stopped !== null) return;
    state.generation += 1;
    const generation = state.generation;
    const s = settings();
    showControls(s);
    if (s.method === 'expected-gradients' && state.referencesError) showError(state.referencesError);
    const pixels = currentPixels();
    paintGray(element('image'), pixels);
    for (const canvas of [...noiseCells, ...sampleCells]) canvas.classList.add('stale');
    element('compute-figures').hidden = true;
    element('figures-note').textContent = '';
    state.figureTasks = figureTasks(generation, pixels, s);
    state.figuresQueued = false;
    const source = state.source, imageIndex = state.imageIndex;
    schedule([{
        generation, pixels, settings: s, label: 'Computing the map',
        onResult: (result) => {
            paintRgba(element('map'), result.mapRgba);
            paintRgba(element('overlay'), result.overlayRgba);
            const p = result.prediction;
            const probability = p.probabilities[p.predicted];
            let text = `Predicted: ${className(p.predicted)}, p = ${probability.toFixed(3)}`;
            if (source === 'test') text += ` (true: ${className(state.labels[imageIndex])})`;
            if (p.explained !== p.predicted) text += `; map of ${className(p.explained)}`;
            // The prediction is of the image itself, so sliders do not change it: it is announced only anew.
            if (element('prediction').textContent !== text) element('prediction').textContent = text;
            element('timing').textContent = `computed in ${result.milliseconds.toFixed(0)} ms`;
            explorer.main = {map: result.map, prediction: p, settings: s, imageIndex, source};
            planFigures(s, result);
        },
    }]);
}

function modelLoaded() {
    const classes = element('target-class');
    state.info.classes.forEach((name, k) => classes.add(new Option(`${k}: ${name}`, String(k))));
    // Grad-CAM needs a layer with a height and a width; the second ReLU (14 x 14) by default, as in
    // scripts/demo.sh.
    const layers = element('layer');
    for (const layer of state.info.layers) {
        if (layer.height < 2) continue;
        const option = new Option(`${layer.index}: ${layer.spec} (${layer.height}\u00d7${layer.width}\u00d7${layer.channels})`, String(layer.index));
        option.selected = layer.index === 4;
        layers.add(option);
    }
    setUpFigures();
    const accuracy = state.info.metadata?.test_accuracy;
    state.loadedText = 'Model loaded: a CNN for Fashion-MNIST' +
        (accuracy ? `, ${(100 * Number(accuracy)).toFixed(1)} % test accuracy.` : '.');
    element('status').textContent = state.loadedText;
    loadTestSet().then(() => {
        sendReferences();
        const first = state.images.count - Math.min(referenceCount, state.images.count);
        element('references').textContent = `test images ${first}\u2013${state.images.count - 1}`;
        renderImageStrip();
        update();
        resolveReady();
    }, (error) => {
        showError(`${error.message}; draw an image instead`);
        state.source = 'drawing';
        update();
        resolveReady();
    });
}

function setUp() {
    element('method').addEventListener('change', methodChanged);
    for (const id of ['smooth', 'aggregation', 'target-class', 'display', 'layer'])
        element(id).addEventListener('change', update);
    for (const id of ['noise-level', 'samples']) element(id).addEventListener('input', update);
    for (const id of ['seed', 'steps', 'draws']) element(id).addEventListener('change', update);
    element('image-index').addEventListener('change', (event) => selectTestImage(Number(event.target.value)));
    element('previous-images').addEventListener('click', () => selectTestImage(state.imageIndex - stripLength));
    element('next-images').addEventListener('click', () => selectTestImage(state.imageIndex + stripLength));
    setUpDrawing();
    startWorker();
}

setUp();
