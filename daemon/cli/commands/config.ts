// `oqsgw config check FILE` and `oqsgw config schema`.
import type { Command } from 'commander';
import { ConfigSchema } from '../../../config/schema.js';
import { loadConfig } from '../../../config/load.js';
import { ConfigError } from '../../../vocabulary/config-error.js';
import { exampleConfig } from '../../../config/example.js';
import { startupProblems } from '../../startup-checks.js';

/** What `oqsgw config check FILE` prints and whether it passes (exit 0 / 2). */
export function checkConfigFile(file: string): { ok: boolean; out: string[]; err: string[] } {
  const out: string[] = [];
  try {
    const notes: string[] = [];
    const loaded = loadConfig(file, (note) => notes.push(note));
    for (const note of notes) out.push(`${file}: note: ${note}`);
    // What `start` would refuse beyond the schema (files, keys, exposure): the very function it runs.
    const problems = startupProblems(loaded);
    if (problems.length > 0) throw new ConfigError(file, problems);
    out.push(`${file}: OK${notes.length > 0 ? ' (an older layout, read with the changes above)' : ''}`);
    return { ok: true, out, err: [] };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { ok: false, out, err: error.problems.map((problem) => `${file}: ${problem}`) };
  }
}

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('Check a config file or print the config schema');
  config
    .command('check')
    .argument('<file>', 'YAML config file')
    .description('Validate a config file; prints each problem with the key, the value and what is allowed')
    .action((file: string) => {
      const result = checkConfigFile(file);
      for (const line of result.out) console.log(line);
      for (const line of result.err) console.error(line);
      if (!result.ok) process.exitCode = 2;
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
