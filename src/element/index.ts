// <timescales-sim>: a live simulation in one tag. The build bundles this file, the library
// and the worker into dist/element.js (package subpath `timescales/element`), one ES module
// with no imports, which finds the Wasm builds beside itself (../build/) unless `wasm-base`
// names another folder.
//
//   <script type="module" src="…/dist/element.js"></script>
//   <timescales-sim m="10" epsilon="1e-3" activation="relu"></timescales-sim>
//
// The run starts when the element first comes into view (as distill's figures do) unless
// autoplay="false"; changing the config re-runs it. Every failure is shown inside the
// element and fired as an `error` event; nothing throws into the page.
import './early-start.js';
import * as z from 'zod';
import { parseConfig, type RunConfig } from '../config.js';
import { type FieldAttribute, elementConfig, FIELD_ATTRIBUTES } from './config.js';
import { draw, label, summary, Trace, type View } from './draw.js';
import { type ElementResult, type ErrorDetail, errorDetail } from './protocol.js';
import { prepare, RunError, type RunHandle, startRun } from './runner.js';

// Zod builds each object's parser with new Function on first use: costly for the few configs a
// page parses, and a violation report on pages whose Content-Security-Policy forbids eval.
z.config({ jitless: true });

export type { ElementResult, ErrorDetail, FrameData } from './protocol.js';
export { ELEMENT_DEFAULTS } from './config.js';
// The loader the element runs on, with its cache: a page that needs the core as well (for
// hermiteCoefficients, say) takes loadCore from here and shares the element's compiled build.
export { loadCore } from '../wasm/loader.js';

/** The `frame` event's detail. */
export interface FrameDetail {
  index: number;
  t: number;
  risk: number;
}

const STYLE = `
:host {
  display: block;
  position: relative;
  height: 320px;
  contain: content;
  color: var(--timescales-color, #222);
  background: var(--timescales-background, #fff);
  font: 13px var(--timescales-font, system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif);
  --grid: var(--timescales-grid, #eee);
  --axis: var(--timescales-axis, #888);
}
@media (prefers-color-scheme: dark) {
  :host {
    color: var(--timescales-color, #ddd);
    background: var(--timescales-background, #1b1b1b);
    --grid: var(--timescales-grid, #333);
    --axis: var(--timescales-axis, #777);
  }
}
:host([hidden]) { display: none; }
.plot { position: absolute; inset: 0; overflow: hidden; }
.plot svg { display: block; font-family: inherit; }
.plot text { fill: currentColor; }
.plot rect[fill="#fff"] { fill: var(--timescales-background, transparent); }
.plot line[stroke="#eee"], .plot rect[stroke="#ccc"] { stroke: var(--grid); }
.plot [stroke="#888"] { stroke: var(--axis); }
.error {
  position: absolute; inset: 0; margin: 0; padding: 1em; overflow: auto;
  color: var(--timescales-error, #b00020); white-space: pre-wrap;
}
.error[hidden] { display: none; }
.summary {
  position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap;
}`;

const reducedMotion = () => globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

/** One IntersectionObserver for every element of the page: each starts once, when it first shows. */
let observer: IntersectionObserver | null = null;
function observe(el: TimescalesSim): void {
  if (typeof IntersectionObserver !== 'function') {
    queueMicrotask(() => el.autostart());
    return;
  }
  observer ??= new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) {
        observer!.unobserve(entry.target);
        (entry.target as TimescalesSim).autostart();
      }
    }
  });
  observer.observe(el);
}

// In Node (a server render importing the package) there is no HTMLElement to extend.
const Base = (globalThis.HTMLElement ?? class {}) as typeof HTMLElement;

export class TimescalesSim extends Base {
  static readonly observedAttributes = ['config', ...FIELD_ATTRIBUTES, 'view', 'autoplay', 'wasm-base'];

  #config: object | null = null;
  #wasmBase: string | null = null;
  #result: ElementResult | null = null;
  /** Set once a run was asked for: by coming into view, or by run(). */
  #started = false;
  #handle: RunHandle | null = null;
  /** Counts runs; a superseded run's frames and outcome are dropped. */
  #generation = 0;
  #trace = new Trace();
  #runConfig: RunConfig | null = null;
  #pendingRerun = false;
  #pendingDraw = false;
  #size = { width: 0, height: 0 };
  #plot!: HTMLDivElement;
  #error!: HTMLPreElement;
  #summary!: HTMLParagraphElement;
  #resize: ResizeObserver | null = null;

  /** The element's default role and name (a page's role or aria-label attributes win over them). */
  #internals: ElementInternals | null = null;

  constructor() {
    super();
    this.#internals = this.attachInternals?.() ?? null;
    if (this.#internals) {
      this.#internals.role = 'figure';
      this.#internals.ariaLabel = 'Simulation of a two-layer network learning';
    }
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>${STYLE}</style><div class="plot" part="plot" role="img"></div>`
      + '<pre class="error" part="error" role="alert" hidden></pre><p class="summary" part="summary" aria-live="polite"></p>';
    this.#plot = root.querySelector('.plot')!;
    this.#error = root.querySelector('.error')!;
    this.#summary = root.querySelector('.summary')!;
  }

  connectedCallback(): void {
    // A property set before this class was defined sits on the instance, hiding the accessor.
    for (const name of ['config', 'wasmBase', 'view'] as const) {
      if (Object.hasOwn(this, name)) {
        const value = this[name];
        delete (this as Partial<Record<typeof name, unknown>>)[name];
        (this as Record<typeof name, unknown>)[name] = value;
      }
    }
    this.#resize ??= typeof ResizeObserver === 'function' ? new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect;
      if (width !== this.#size.width || height !== this.#size.height) {
        this.#size = { width, height };
        this.#scheduleDraw();
      }
    }) : null;
    this.#resize?.observe(this);
    if (!this.#started && this.getAttribute('autoplay') !== 'false') {
      observe(this);
      // The worker and the Wasm compile start now, while the page lays out; a failure shows when the run starts.
      prepare(this.#wasmBase).catch(() => {});
    }
  }

  disconnectedCallback(): void {
    this.#resize?.disconnect();
    observer?.unobserve(this);
    // Removed, not moved (a move reconnects it in the same task): its run would only hold up the others.
    queueMicrotask(() => { if (!this.isConnected) this.stop(); });
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value) return;
    if (name === 'view') this.#scheduleDraw();
    else if (name === 'autoplay') {
      if (value === 'false') observer?.unobserve(this);
      else if (!this.#started && this.isConnected) observe(this);
    } else {
      if (name === 'wasm-base') this.#wasmBase = value;
      this.#configChanged();
    }
  }

  /** The config object, as run() takes it; it wins over the `config` attribute. */
  get config(): object | null {
    return this.#config;
  }

  set config(value: object | null) {
    this.#config = value;
    this.#configChanged();
  }

  /** The folder holding timescales.simd.wasm and timescales.scalar.wasm (default: ../build/ beside this module). */
  get wasmBase(): string | null {
    return this.#wasmBase;
  }

  set wasmBase(value: string | null) {
    if (value === null) this.removeAttribute('wasm-base');
    else this.setAttribute('wasm-base', value);
  }

  get view(): View {
    return this.getAttribute('view') === 'neurons' ? 'neurons' : 'risk';
  }

  set view(value: View) {
    this.setAttribute('view', value);
  }

  /** The last finished run's result (also the `done` event's detail). */
  get result(): ElementResult | null {
    return this.#result;
  }

  /** Called by the page's IntersectionObserver when the element first shows. */
  autostart(): void {
    if (!this.#started) this.run().catch(() => {});
  }

  /**
   * Runs the current config now, ending any run in progress. Resolves to the result
   * (partial, with retcode 'aborted', when stop() ends it); rejects with the error that
   * the `error` event reports.
   */
  run(): Promise<ElementResult> {
    this.#started = true;
    this.#pendingRerun = false; // this run covers config changes made earlier in the same task
    observer?.unobserve(this);
    this.#handle?.stop();
    this.#handle = null;
    const generation = ++this.#generation;
    let config: RunConfig;
    try {
      config = parseConfig(elementConfig({ property: this.#config, attributes: this.#attributes() }));
    } catch (e) {
      this.#fail(errorDetail(e));
      return Promise.reject(e);
    }
    this.#runConfig = config;
    this.#trace = new Trace();
    this.#error.hidden = true;
    this.#summary.textContent = 'Running…';
    this.#plot.setAttribute('aria-label', label(config));
    if (this.#internals) this.#internals.ariaLabel = label(config);
    const current = () => generation === this.#generation;
    const handle = startRun(config, this.#wasmBase, (f) => {
      if (!current()) return;
      this.#trace.add(f);
      this.dispatchEvent(new CustomEvent<FrameDetail>('frame', { detail: { index: f.index, t: f.t, risk: f.risk } }));
      this.#scheduleDraw();
    });
    this.#handle = handle;
    return handle.done.then((result) => {
      if (current()) {
        this.#handle = null;
        this.#result = result;
        this.#trace = Trace.of(result);
        this.#summary.textContent = summary(result);
        this.#scheduleDraw();
        this.dispatchEvent(new CustomEvent<ElementResult>('done', { detail: result }));
      }
      return result;
    }, (e: unknown) => {
      if (current()) {
        this.#handle = null;
        this.#fail(e instanceof RunError ? e.detail : errorDetail(e));
      }
      throw e;
    });
  }

  /** Ends the run in progress at its next output time; its promise resolves to the partial result. */
  stop(): void {
    this.#handle?.stop();
  }

  #attributes(): Partial<Record<'config' | FieldAttribute, string | null>> {
    const out: Partial<Record<'config' | FieldAttribute, string | null>> = { config: this.getAttribute('config') };
    for (const name of FIELD_ATTRIBUTES) out[name] = this.getAttribute(name);
    return out;
  }

  /**
   * A config change re-runs an element that has run: once per task, however many fields
   * changed, and not at all when run() is called in the same task.
   */
  #configChanged(): void {
    if (!this.#started || this.#pendingRerun) return;
    this.#pendingRerun = true;
    queueMicrotask(() => {
      if (this.#pendingRerun) this.run().catch(() => {});
    });
  }

  #fail(detail: ErrorDetail): void {
    this.#error.textContent = `${detail.name}: ${detail.message}`;
    this.#error.hidden = false;
    this.#plot.replaceChildren();
    this.#summary.textContent = '';
    this.dispatchEvent(new CustomEvent<ErrorDetail>('error', { detail: { message: detail.message, field: detail.field, name: detail.name } }));
  }

  #scheduleDraw(): void {
    if (this.#pendingDraw) return;
    this.#pendingDraw = true;
    requestAnimationFrame(() => {
      this.#pendingDraw = false;
      this.#draw();
    });
  }

  #draw(): void {
    const config = this.#runConfig;
    // Nothing to draw before the first frame: a re-run keeps the last plot until then.
    if (!config || !this.#error.hidden || !this.#trace.t.length) return;
    // Under reduced motion a run is not animated: its plot appears when it ends.
    if (this.#handle && reducedMotion()) return;
    const width = this.#size.width || this.clientWidth;
    const height = this.#size.height || this.clientHeight;
    if (!width || !height) return;
    this.#plot.innerHTML = draw(this.#trace, config, this.view, width, height);
  }
}

if (globalThis.customElements && !customElements.get('timescales-sim')) customElements.define('timescales-sim', TimescalesSim);

declare global {
  interface HTMLElementTagNameMap {
    'timescales-sim': TimescalesSim;
  }
}
