// `timescales schema`: prints the run config's JSON Schema (for editors and validators).
import { configJsonSchema } from '../config.js';
import { CliUsageError, type Command } from './command.js';

export const schemaCommand: Command = {
  summary: 'print the JSON Schema of run configs',
  help: 'usage: timescales schema\nPrints the JSON Schema (draft 2020-12) of run configs, for editors and validators.',
  async run(args) {
    if (args.length) throw new CliUsageError('usage: timescales schema');
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  },
};
