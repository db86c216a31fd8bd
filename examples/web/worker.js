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

/// Copies `bytes` (a typed array) into the module's memory; the caller frees the returned pointer.
function copyIn(module, bytes) {
    const pointer = module._malloc(bytes.byteLength);
    module.HEAPU8.set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), pointer);
    return pointer;
}

const loaded = (async () => {
    const module = await createExplorer({
        onProgress: (done, total) => postMessage({type: 'progress', id: current, done, total}),
    });
    const response = await fetch(modelFile);
    if (!response.ok) throw new Error(`explorer: cannot load ${modelFile}: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const pointer = copyIn(module, bytes);
    try {
        check(module, module._explorer_load_model(pointer, bytes.length));
    } finally {
        module._free(pointer);
    }
    return {module, info: JSON.parse(module.UTF8ToString(module._explorer_model_info()))};
})();

function setReferences(module, message) {
    const pixels = copyIn(module, message.pixels);
    try {
        check(module, module._explorer_set_references(pixels, message.pixels.length, message.count));
    } finally {
        module._free(pixels);
    }
}

function explain(module, message) {
    const started = performance.now();
    const pixels = copyIn(module, message.pixels);
    const request = JSON.stringify(message.settings);
    const size = module.lengthBytesUTF8(request) + 1;
    const text = module._malloc(size);
    module.stringToUTF8(request, text, size);
    current = message.id;
    try {
        check(module, module._explorer_explain(pixels, message.pixels.length, text));
    } finally {
        current = null;
        module._free(text);
        module._free(pixels);
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
        postMessage({type: 'error', id: message.type === 'references' ? 'references' : message.id, message: error instanceof Error ? error.message : String(error),
                     fatal: !(error instanceof RefusedError)});
    }
};
