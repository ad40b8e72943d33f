// How long the tests wait for things that take wall-clock time. A budget bounds a hang and
// nothing else: it must hold on a loaded 2-core machine, where starting a browser, loading a
// page or running a child process takes up to ten times longer than on a quiet one, so each
// is set far above that. vitest.config.ts's test and hook timeouts hold one such wait and the
// rest of a test or hook.

/** One event in a page: a page loading, a click taking effect, a redraw. */
export const PAGE_MS = 60_000;

/** A run or a study in a page, from its start to its end. */
export const RUN_MS = 120_000;

/** A browser starting (puppeteer's own default, 30 s, is below what a loaded machine needs). */
export const LAUNCH_MS = 120_000;

/** A child process of the CLI, from spawn to exit (a synchronous spawn blocks vitest's own timeout). */
export const CHILD_MS = 120_000;
