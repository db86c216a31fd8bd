// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The explorer page: picks or draws an image, turns the controls into settings, and shows the maps that
// worker.js computes. Work is queued so that only the newest settings are computed: a slider that moves
// while the worker is busy replaces the waiting request instead of piling up requests.
//
// window.explorer is for the browser tests (tests/web): `ready` resolves once the model is loaded,
// `idle()` once every queued map is shown, and `main` holds the newest main map and its prediction.
'use strict';

const imagesFile = 't10k-images-idx3-ubyte.gz';
const labelsFile = 't10k-labels-idx1-ubyte.gz';
const stripLength = 12;
const figureNoiseLevels = [0, 10, 20, 30, 40, 50];         // percent, as the paper's Fig. 3
const figureSampleSizes = [1, 5, 10, 20, 50, 100, 200];    // as the paper's Fig. 4

const autoFigureSeconds = 5;   // the figures are computed unasked when they take less than this
const restartAfterMs = 250;    // a stale request running longer than this is stopped by a new worker

const element = (id) => document.getElementById(id);

const state = {
    info: null,            // the model's description (explorer.cpp's describe)
    images: null,          // Fashion-MNIST test images: {count, height, width, pixels: Uint8Array}
    labels: null,          // Uint8Array
    imageIndex: 0,
    drawing: new Float32Array(28 * 28),
    source: 'test',        // 'test' or 'drawing'
    generation: 0,         // bumped by every change; results of older generations are dropped
    figureTasks: [],       // the figures' requests for the newest settings, until they are queued
};

let resolveReady, rejectReady;
const explorer = {
    ready: new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; }),
    main: null,            // {map, prediction, settings, imageIndex, source}
    idle,
};
window.explorer = explorer;

// ---- the worker and its queue ------------------------------------------------------------------------

let worker = null, workerReady = false;
let queue = [];          // tasks not yet sent: {generation, pixels, settings, onResult}
let inFlight = null;     // the task the worker is on, with its id and start time
let nextId = 1;
const idleWaiters = [];

function startWorker() {
    worker = new Worker('worker.js');
    workerReady = false;
    worker.onmessage = onWorkerMessage;
    worker.onerror = (event) => showError(`the worker failed: ${event.message}`);
    worker.postMessage({type: 'init'});
}

function idle() {
    return queue.length === 0 && inFlight === null ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
}

/// Replaces the waiting tasks by `tasks`. The worker cannot be interrupted, so a task of older settings
/// that has run for a while is stopped with its worker, and a new worker (the module and model load in
/// about 0.1 s) takes the new tasks.
function schedule(tasks) {
    queue = tasks;
    if (inFlight !== null && inFlight.generation !== state.generation && performance.now() - inFlight.started > restartAfterMs) {
        worker.terminate();
        inFlight = null;
        startWorker();
    }
    pump();
}

function pump() {
    if (inFlight !== null || !workerReady) return;
    if (queue.length === 0) {
        element('progress').hidden = true;
        while (idleWaiters.length > 0) idleWaiters.shift()();
        return;
    }
    inFlight = {...queue.shift(), id: nextId++, started: performance.now()};
    worker.postMessage({type: 'explain', id: inFlight.id, pixels: inFlight.pixels, settings: inFlight.settings});
}

function onWorkerMessage(event) {
    const message = event.data;
    if (message.type === 'ready') {
        workerReady = true;
        if (state.info === null) {
            state.info = message.info;
            modelLoaded();
        }
        pump();
        return;
    }
    if (message.type === 'progress') {
        if (inFlight && message.id === inFlight.id && inFlight.generation === state.generation) {
            const bar = element('progress');
            bar.hidden = message.total < 100;  // small jobs finish before a bar could be read
            bar.value = message.done / message.total;
        }
        return;
    }
    const task = inFlight;
    inFlight = null;
    if (message.type === 'error') {
        showError(message.message);
        if (state.info === null) rejectReady(new Error(message.message));
    } else if (task && task.generation === state.generation) {
        task.onResult(message);
    }
    pump();
}

function showError(text) {
    element('status').textContent = `Error: ${text}`;
    element('status').classList.add('error');
    console.error(`explorer: ${text}`);
}

// ---- images ------------------------------------------------------------------------------------------

/// The bytes of a gzip file, decompressed by the browser.
async function fetchGzip(file) {
    const response = await fetch(file);
    if (!response.ok) throw new Error(`cannot load ${file}: HTTP ${response.status}`);
    const stream = response.body.pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
}

/// An IDX file's dimensions and data (big-endian sizes after a magic number that gives their count).
function parseIdx(bytes, file) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 4 || view.getUint16(0) !== 0 || bytes[2] !== 0x08) throw new Error(`${file} is not an IDX file of bytes`);
    const dimensions = bytes[3];
    const sizes = Array.from({length: dimensions}, (_, k) => view.getUint32(4 + 4 * k));
    const data = bytes.subarray(4 + 4 * dimensions);
    if (data.length !== sizes.reduce((a, b) => a * b, 1)) throw new Error(`${file} is truncated`);
    return {sizes, data};
}

async function loadTestSet() {
    const [images, labels] = await Promise.all([fetchGzip(imagesFile), fetchGzip(labelsFile)]);
    const parsed = parseIdx(images, imagesFile);
    state.images = {count: parsed.sizes[0], height: parsed.sizes[1], width: parsed.sizes[2], pixels: parsed.data};
    state.labels = parseIdx(labels, labelsFile).data;
    element('image-index').max = String(state.images.count - 1);
}

/// Test image k as the model takes it: pixel / 255 (in double, rounded once to float, as
/// smoothgrad-explain computes it).
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

function renderImageStrip() {
    const strip = element('image-strip');
    strip.replaceChildren();
    if (!state.images) return;
    const first = Math.min(Math.max(state.imageIndex - (state.imageIndex % stripLength), 0), state.images.count - stripLength);
    for (let k = first; k < first + stripLength; ++k) {
        const canvas = document.createElement('canvas');
        canvas.width = state.images.width;
        canvas.height = state.images.height;
        paintGray(canvas, testImage(k));
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'thumbnail';
        button.setAttribute('role', 'option');
        button.setAttribute('aria-selected', String(state.source === 'test' && k === state.imageIndex));
        button.title = `test image ${k}: ${className(state.labels[k])}`;
        button.dataset.index = String(k);
        button.append(canvas);
        button.addEventListener('click', () => selectTestImage(k));
        strip.append(button);
    }
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
    });
    paintGray(canvas, state.drawing);
}

// ---- settings and results ----------------------------------------------------------------------------

function settings() {
    const targetClass = element('target-class').value;
    return {
        method: element('method').value,
        smooth: element('smooth').checked,
        noise_level: Number(element('noise-level').value) / 100,
        samples: Number(element('samples').value),
        aggregation: element('aggregation').value,
        seed: Math.max(0, Math.trunc(Number(element('seed').value)) || 0),
        steps: Math.max(1, Math.trunc(Number(element('steps').value)) || 1),
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
    const usesSteps = ['integrated-gradients', 'blur-ig', 'guided-ig', 'xrai'].includes(s.method);
    element('steps-field').hidden = !usesSteps;
    element('layer-field').hidden = !['grad-cam', 'guided-grad-cam'].includes(s.method);
    for (const id of ['noise-level', 'samples', 'aggregation']) element(id).disabled = !s.smooth;
}

/// A figure strip's cells: one canvas per value, clickable to take that value.
function makeFigureStrip(id, values, label, onPick) {
    return values.map((value) => {
        const figure = document.createElement('figure');
        const canvas = document.createElement('canvas');
        canvas.width = state.info.input.width;
        canvas.height = state.info.input.height;
        canvas.title = `use ${label(value)}`;
        canvas.addEventListener('click', () => onPick(value));
        const caption = document.createElement('figcaption');
        caption.textContent = label(value);
        figure.append(canvas, caption);
        element(id).append(figure);
        return canvas;
    });
}

let noiseCells = [], sampleCells = [];

function setUpFigures() {
    const pick = (id, value) => {
        element(id).value = String(value);
        element('smooth').checked = true;
        update();
    };
    noiseCells = makeFigureStrip('noise-strip', figureNoiseLevels, (v) => `${v} %`, (v) => pick('noise-level', v));
    sampleCells = makeFigureStrip('samples-strip', figureSampleSizes, (v) => `n = ${v}`, (v) => pick('samples', v));
    element('compute-figures').addEventListener('click', () => {
        element('compute-figures').hidden = true;
        element('figures-note').textContent = 'Computing the figures\u2026';
        queue.push(...state.figureTasks);
        pump();
    });
}

/// The figures' tasks for `s`: SmoothGrad of the chosen method across noise levels at this n, and across
/// n at this noise level.
function figureTasks(generation, pixels, s) {
    const cell = (canvas, changes) => ({
        generation, pixels, settings: {...s, smooth: true, ...changes},
        onResult: (result) => {
            paintRgba(canvas, result.mapRgba);
            canvas.classList.remove('stale');
        },
    });
    return [...figureNoiseLevels.map((v, k) => cell(noiseCells[k], {noise_level: v / 100})),
            ...figureSampleSizes.map((v, k) => cell(sampleCells[k], {samples: v}))];
}

/// After the main map: queues the figures when they are quick to compute, else offers a button with the
/// time they would take, estimated from the main map's.
function planFigures(s, result) {
    const perMap = result.milliseconds / (s.smooth ? s.samples : 1);
    const maps = figureNoiseLevels.length * s.samples + figureSampleSizes.reduce((a, b) => a + b, 0);
    const seconds = (perMap * maps) / 1000;
    const button = element('compute-figures');
    if (seconds < autoFigureSeconds) {
        button.hidden = true;
        element('figures-note').textContent = '';
        queue.push(...state.figureTasks);
    } else {
        button.hidden = false;
        button.textContent = `Compute the figures (about ${Math.ceil(seconds)} s)`;
        element('figures-note').textContent = `${maps} maps of this method take a while.`;
    }
}

function update() {
    if (!state.info) return;
    state.generation += 1;
    const generation = state.generation;
    const s = settings();
    showControls(s);
    const pixels = currentPixels();
    paintGray(element('image'), pixels);
    for (const canvas of [...noiseCells, ...sampleCells]) canvas.classList.add('stale');
    state.figureTasks = figureTasks(generation, pixels, s);
    const source = state.source, imageIndex = state.imageIndex;
    schedule([{
        generation, pixels, settings: s,
        onResult: (result) => {
            paintRgba(element('map'), result.mapRgba);
            paintRgba(element('overlay'), result.overlayRgba);
            const p = result.prediction;
            const probability = p.probabilities[p.predicted];
            let text = `Predicted: ${className(p.predicted)}, p = ${probability.toFixed(3)}`;
            if (source === 'test') text += ` (true: ${className(state.labels[imageIndex])})`;
            if (p.explained !== p.predicted) text += `; map of ${className(p.explained)}`;
            element('prediction').textContent = text;
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
    element('status').textContent = `Model loaded: a CNN for Fashion-MNIST` +
        (accuracy ? `, ${(100 * Number(accuracy)).toFixed(1)} % test accuracy.` : '.');
    loadTestSet().then(() => {
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
    for (const id of ['method', 'smooth', 'aggregation', 'target-class', 'display', 'layer'])
        element(id).addEventListener('change', update);
    for (const id of ['noise-level', 'samples']) element(id).addEventListener('input', update);
    for (const id of ['seed', 'steps']) element(id).addEventListener('change', update);
    element('image-index').addEventListener('change', (event) => selectTestImage(Number(event.target.value)));
    element('previous-images').addEventListener('click', () => selectTestImage(state.imageIndex - stripLength));
    element('next-images').addEventListener('click', () => selectTestImage(state.imageIndex + stripLength));
    setUpDrawing();
    startWorker();
}

setUp();
