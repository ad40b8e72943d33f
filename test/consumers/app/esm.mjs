// Node, ESM: prints the check's result as JSON.
import { check } from './check.js';

process.stdout.write(JSON.stringify(await check()));
