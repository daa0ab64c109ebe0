// `npm run bench`: runs every test/bench/*.bench.ts (or those named on the command line), prints
// each report as a table, then all of them as one JSON document with the machine they ran on.
import { readdirSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import type { BenchReport } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  kernel: release(),
  node: process.version,
};

const reports: BenchReport[] = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<BenchReport | BenchReport[]> };
  process.stderr.write(`bench: ${file} ...\n`);
  const result = await mod.default();
  for (const report of Array.isArray(result) ? result : [result]) {
    reports.push(report);
    console.log(`\n## ${report.name}${report.skipped ? ` (skipped: ${report.skipped})` : ''}\n${report.method}`);
    for (const f of report.figures) console.log(`  ${f.name.padEnd(44)} ${String(f.value).padStart(12)} ${f.unit}`);
  }
}
console.log('\n' + JSON.stringify({ machine, date: new Date().toISOString(), reports }, null, 2));
