// `oqsgw config check FILE` and `oqsgw config schema`.
import type { Command } from 'commander';
import { ConfigSchema } from '../../../config/schema.js';
import { loadConfig } from '../../../config/load.js';
import { ConfigError } from '../../../vocabulary/config-error.js';
import { exampleConfig } from '../../../config/example.js';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('Check a config file or print the config schema');
  config
    .command('check')
    .argument('<file>', 'YAML config file')
    .description('Validate a config file; prints each problem with the key, the value and what is allowed')
    .action((file: string) => {
      try {
        const notes: string[] = [];
        loadConfig(file, (note) => notes.push(note));
        for (const note of notes) console.log(`${file}: note: ${note}`);
        console.log(`${file}: OK${notes.length > 0 ? ' (an older layout, read with the changes above)' : ''}`);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        for (const problem of error.problems) console.error(`${file}: ${problem}`);
        process.exitCode = 2;
      }
    });
  config
    .command('schema')
    .description('Print the JSON Schema of the config file (every key, its default and meaning)')
    .action(() => console.log(JSON.stringify(ConfigSchema, null, 2)));
  config
    .command('example')
    .description('Print a config file with every key, its default and what it means (config/example.yaml)')
    .action(() => {
      process.stdout.write(exampleConfig());
    });
}
