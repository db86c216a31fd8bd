// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The explorer's Web Worker: it loads the WebAssembly module (explorer.js, explorer.wasm) and the shipped
// model, then explains one image per 'explain' message, so that the page stays responsive while it works.
//
// page -> worker: {type: 'explain', id, pixels: Float32Array, settings: {...}}   (settings: explorer.cpp)
//                 {type: 'references', pixels: Float32Array, count}: expected gradients' reference set
// worker -> page: {type: 'ready', info} once loaded; {type: 'progress', id, done, total} during SmoothGrad;
//                 {type: 'result', id, map, mapRgba, overlayRgba, prediction, milliseconds};
//                 {type: 'error', id, message, fatal}: fatal when the module itself failed (an abort, a
//                 trap) and must not be used again, rather than refused a request
'use strict';

importScripts('explorer.js');

const modelFile = 'fashion_mnist_cnn.safetensors';
let current = null;  // the id of the request being explained, for its progress messages

/// A request the module refused, with its message (explorer.cpp names what was wrong).
class RefusedError extends Error {}

/// Throws the module's message when one of its functions returned -1.
function check(module, status) {
    if (status !== 0) throw new RefusedError(module.UTF8ToString(module._explorer_error()));
}

/// Runs call(...pointers) with each of `arrays` (typed arrays) copied into the module's memory, freed
/// afterwards, and checks the status it returns.
function callWithCopies(module, arrays, call) {
    const pointers = [];
    try {
        for (const array of arrays) {
            const pointer = module._malloc(array.byteLength);
            pointers.push(pointer);
            module.HEAPU8.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), pointer);
        }
        check(module, call(...pointers));
    } finally {
        for (const pointer of pointers) module._free(pointer);
    }
}

const loaded = (async () => {
    const module = await createExplorer({
        onProgress: (done, total) => postMessage({type: 'progress', id: current, done, total}),
    });
    const response = await fetch(modelFile);
    if (!response.ok) throw new Error(`explorer: cannot load ${modelFile}: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    callWithCopies(module, [bytes], (pointer) => module._explorer_load_model(pointer, bytes.length));
    return {module, info: JSON.parse(module.UTF8ToString(module._explorer_model_info()))};
})();

function setReferences(module, message) {
    callWithCopies(module, [message.pixels],
                   (pixels) => module._explorer_set_references(pixels, message.pixels.length, message.count));
}

function explain(module, message) {
    const started = performance.now();
    const request = new TextEncoder().encode(`${JSON.stringify(message.settings)}\0`);  // a C string
    current = message.id;
    try {
        callWithCopies(module, [message.pixels, request],
                       (pixels, text) => module._explorer_explain(pixels, message.pixels.length, text));
    } finally {
        current = null;
    }
    // Copies, because the module's memory may move when it grows.
    const values = module._explorer_map_size();
    const map = new Float32Array(module.HEAPF32.buffer, module._explorer_map(), values).slice();
    const pictureBytes = module._explorer_rgba_size();
    const mapRgba = new Uint8ClampedArray(module.HEAPU8.buffer, module._explorer_map_rgba(), pictureBytes).slice();
    const overlayRgba = new Uint8ClampedArray(module.HEAPU8.buffer, module._explorer_overlay_rgba(), pictureBytes).slice();
    const prediction = JSON.parse(module.UTF8ToString(module._explorer_result()));
    const milliseconds = performance.now() - started;
    postMessage({type: 'result', id: message.id, map, mapRgba, overlayRgba, prediction, milliseconds},
                [map.buffer, mapRgba.buffer, overlayRgba.buffer]);
}

self.onmessage = async (event) => {
    const message = event.data;
    try {
        const {module, info} = await loaded;
        if (message.type === 'init') postMessage({type: 'ready', info});
        else if (message.type === 'explain') explain(module, message);
        else if (message.type === 'references') setReferences(module, message);
        else throw new Error(`explorer worker: unknown message type '${message.type}'`);
    } catch (error) {
        postMessage({type: 'error', id: message.type === 'references' ? 'references' : message.id,
                     message: error instanceof Error ? error.message : String(error),
                     fatal: !(error instanceof RefusedError)});
    }
};
