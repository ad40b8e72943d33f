// `timescales hermite <activation> --degree K`: the Hermite coefficients of an activation.
import { resolveActivation, type ActivationSpec } from '../hermite/activation.js';
import { project } from '../hermite/projection.js';
import { loadCore } from '../wasm/loader.js';
import { CliUsageError, type Command, parseOptions } from './command.js';

const USAGE = 'usage: timescales hermite <activation | JSON spec> --degree K [--shift b] [--scale c] [--json]';

const VALUED = ['--degree', '-k', '--shift', '--scale'];

/** Joins `--shift -0.3` into `--shift=-0.3`: parseArgs refuses values that start with a dash. */
function joinNegatives(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const next = args[i + 1];
    if (VALUED.includes(args[i]) && next !== undefined && /^-[\d.]/.test(next)) out.push(`${args[i]}=${args[++i]}`);
    else out.push(args[i]);
  }
  return out;
}

function parse(args: string[]) {
  try {
    return parseOptions('hermite', {
      args: joinNegatives(args),
      allowPositionals: true,
      options: {
        degree: { type: 'string', short: 'k' },
        shift: { type: 'string' },
        scale: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new CliUsageError(`${(e as Error).message.split('\n')[0]} ${USAGE}`);
  }
}

function number(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new CliUsageError(`--${option} must be a finite number (got ${JSON.stringify(text)})`);
  return v;
}

/** A name, or a JSON spec such as {"polynomial":[0,1,1]}; --shift/--scale apply to names and polynomials. */
function spec(text: string, shift: number | undefined, scale: number | undefined): ActivationSpec {
  let base: ActivationSpec = text;
  if (text.trimStart().startsWith('{')) {
    try {
      base = JSON.parse(text) as ActivationSpec;
    } catch {
      throw new CliUsageError(`cannot parse the activation spec as JSON: ${text}`);
    }
  }
  if (shift === undefined && scale === undefined) return base;
  const obj = typeof base === 'string' ? { name: base } : base;
  return { ...obj, ...(shift === undefined ? {} : { shift }), ...(scale === undefined ? {} : { scale }) } as ActivationSpec;
}

export const hermiteCommand: Command = {
  summary: 'Hermite coefficients f_0..f_K of an activation',
  help: `${USAGE}
Projects an activation on the normalized Hermite polynomials h_0..h_K.
  <activation>      relu, abs, tanh, erf, sigmoid, softplus, gelu, silu, identity, or a JSON
                    spec such as {"polynomial":[0,1,1]}, {"hermite":[1,1,1]} or
                    {"expr":"tanh(z) + 0.1*z^3"}
  -k, --degree K    the highest degree
  --shift b         use act(scale·z + shift)
  --scale c
  --json            one JSON line: activation, coefficients, norm2, errorBound, zeros
                    (degrees exactly 0 by parity or degree), unresolved (within the error of 0)`,
  async run(args) {
    const { values, positionals } = parse(args);
    if (positionals.length !== 1 || values.degree === undefined) throw new CliUsageError(USAGE);
    const K = number(values.degree, 'degree') as number;
    const activation = resolveActivation(spec(positionals[0], number(values.shift, 'shift'), number(values.scale, 'scale')));
    const { coefficients, norm2, errorBound, zeros, unresolved } = project(await loadCore(), activation, K);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ activation: activation.label, coefficients: Array.from(coefficients), norm2, errorBound, zeros, unresolved })}\n`);
      return 0;
    }
    const why = (k: number) => (zeros.includes(k) ? '  (exact: parity or degree)' : unresolved.includes(k) ? '  (within the error bound of 0)' : '');
    const rows = Array.from(coefficients, (c, k) => `${String(k).padStart(4)}  ${c >= 0 ? ' ' : ''}${c.toExponential(15)}${why(k)}`);
    process.stdout.write(`${activation.label}: σ = Σ_k σ_k h_k, ‖σ‖² = ${norm2}, error ≤ ${errorBound.toExponential(1)}\n` +
      `   k  σ_k\n${rows.join('\n')}\n`);
    return 0;
  },
};
