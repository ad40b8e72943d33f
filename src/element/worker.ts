// The Web Worker that every <timescales-sim> of a page shares. The build bundles this file
// into a string inside dist/element.js, which starts it from a Blob URL: a worker script
// must be same-origin, and the element may come from a CDN or sit inside an app's bundle.
// The page compiles each Wasm build once and posts the module; runs take turns on its core.
import { loadCore, type Core } from '../wasm/loader.js';
import { errorDetail, type FromWorker, runForElement, type ToWorker, transferables } from './protocol.js';

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
};

const cores = new Map<number, Promise<Core>>();
const running = new Map<number, AbortController>();

scope.onmessage = ({ data }) => {
  if (data.type === 'core') {
    cores.set(data.key, loadCore({ variant: data.variant, modules: { [data.variant]: data.module } }));
  } else if (data.type === 'stop') {
    running.get(data.id)?.abort();
  } else {
    const { id, key, config } = data;
    const controller = new AbortController();
    running.set(id, controller);
    const onFrame = (f: Parameters<Parameters<typeof runForElement>[2]>[0]) =>
      scope.postMessage({ type: 'frame', id, ...f }, transferables(f.components, f.a, f.s));
    cores.get(key)!
      .then((core) => runForElement(core, config, onFrame, controller.signal))
      .then((result) => scope.postMessage({ type: 'done', id, result }), (e: unknown) => scope.postMessage({ type: 'error', id, error: errorDetail(e) }))
      .finally(() => running.delete(id));
  }
};

scope.postMessage({ type: 'ready' });
