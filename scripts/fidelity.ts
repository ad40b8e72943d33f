// Writes docs/fidelity.md and its figures from the statements of src/analysis/fidelity.ts
// (`npm run fidelity`); test/fidelity.test.ts asserts the same statements on shorter runs.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fidelityMarkdown, fidelityStatements } from '../src/analysis/fidelity.js';
import { fidelityFigures } from '../src/analysis/fidelity-figures.js';
import { loadCore } from '../src/wasm/loader.js';

const docs = (path: string) => fileURLToPath(new URL(`../docs/${path}`, import.meta.url));
const data = await fidelityStatements(await loadCore(), 'full');
writeFileSync(docs('fidelity.md'), fidelityMarkdown(data, 'npm run fidelity'));
for (const [name, svg] of Object.entries(fidelityFigures(data))) writeFileSync(docs(`figures/${name}.svg`), svg);
const failed = data.statements.filter((s) => !s.ok);
process.stdout.write(`docs/fidelity.md: ${data.statements.length} statements, ${failed.length} outside their tolerance\n`);
for (const s of failed) process.stdout.write(`  ${s.name}: predicted ${s.predicted}, measured ${s.measured}\n`);
