// Studies: grids of runs (spec.ts, plan.ts), run on worker threads into a resumable
// folder in Node (node.ts) or on Web Workers into memory in a browser (browser.ts).
export { study, writeTables, type StudyOptions, type StudyOutcome, type StudyProgress } from './node.js';
export { parseStudy, studyJsonSchema, studySchema, type StudyFile, type Axis } from './spec.js';
export { planStudy, type StudyPlan, type StudyAxis, type Cell } from './plan.js';
export { canonicalJSON, cellKey } from './canonical.js';
export { parseShard, type Shard } from './shard.js';
export { runCell, outcomeOf, type CellOutcome } from './cell.js';
export { StudyTables } from './tables.js';
export { tableHeader, tableFields, csvLine, parseCsv, type StudyRow } from './table.js';
export type { StudySummary, SeedGroup, EpsilonGroup } from './summary.js';
export { studyInBrowser, type BrowserStudy, type BrowserStudyOptions } from './browser.js';
