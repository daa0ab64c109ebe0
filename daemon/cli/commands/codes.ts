// `oqsgw codes`: the result codes, from the one list the flow, panel and MQTT payloads use.
import type { Command } from 'commander';
import { RESULT_CODES, RESULT_CODE_LIST } from '../../../vocabulary/result-codes.js';

export function registerCodesCommand(program: Command): void {
  program
    .command('codes')
    .description('List every check-in result code with what the patient sees and what the desk should do')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      if (options.json) {
        console.log(JSON.stringify(RESULT_CODES, null, 2));
        return;
      }
      const width = Math.max(...RESULT_CODE_LIST.map((c) => c.length));
      for (const code of RESULT_CODE_LIST) {
        const info = RESULT_CODES[code];
        console.log(`${code.padEnd(width)}  ${info.en} / ${info.ja}${info.action === 'none' ? '' : `\n${' '.repeat(width)}  desk: ${info.action}`}`);
      }
    });
}
