// Studies: grids of runs (spec.ts, plan.ts), run on Web Workers into memory in a browser
// (browser.ts); the Node runner on worker threads into a resumable folder (node.ts) is
// exported by the Node entry only (src/index.ts).
export { parseStudy, studyJsonSchema, studySchema, type StudyFile, type StudyInput, type Axis } from './spec.js';
export { planStudy, type StudyPlan, type StudyAxis, type Cell } from './plan.js';
export { cellKey } from './folder.js';
export type { CellOutcome, StudyRow } from './table.js';
export type { StudySummary, SeedGroup, EpsilonGroup, SeedMeanGroup, MGroup, SampleStats } from '../analysis/study-summary.js';
export { studyInBrowser, type BrowserStudy, type BrowserStudyOptions } from './browser.js';
