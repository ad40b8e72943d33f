// The explorer's presets: the repository's example configs (the paper's runs), and a
// small run that finishes in a moment, for a first look. That one is also the page's
// defaults: a link's hash holds the fields that differ from it.
export const defaults = {
  model: 'meanfield',
  activation: 'relu',
  target: { hermite: [1, 1, 1] },
  epsilon: 1e-2,
  m: 10,
  seed: 1,
  init: { a: { law: 'normal', scale: 1 }, s: 'zero' },
  time: { start: 1e-8, end: 100, points: 100, spacing: 'log' },
  degrees: 2,
};

export const presets = [
  { label: 'Quick look: ReLU, m = 10, ε = 1e-2, 100 points', config: defaults },
  { label: 'Fig. 2: ReLU, m = 10, ε = 1e-3', url: '../examples/fig2-eps1e-3.json' },
  { label: 'Fig. 2: ReLU, m = 10, ε = 1e-6', url: '../examples/fig2-eps1e-6.json' },
  { label: 'Network GD: d = 1000, ε = 1e-3', url: '../examples/network-gd.json' },
  { label: 'Online SGD: d = 100, noise 0.1', url: '../examples/sgd-online.json' },
];

/** The config object of a preset (a copy). */
export async function presetConfig(preset) {
  if (preset.config) return structuredClone(preset.config);
  const res = await fetch(new URL(preset.url, import.meta.url));
  if (!res.ok) throw new Error(`cannot load ${preset.url}: HTTP ${res.status}`);
  return res.json();
}
