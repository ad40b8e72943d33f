#!/usr/bin/env node
// Entry point of the `timescales` command; the code lives in src/cli (compiled to dist/).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
