// The `oqsgw` command. Each command lives in its own file under commands/ and registers itself
// here; add a feature's command by adding a file and one line below.
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { fromRoot } from '../paths.js';
import { registerConfigCommands } from './commands/config.js';
import { registerCardCommands } from './commands/card.js';
import { registerFaceCommands } from './commands/face.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerStartCommands } from './commands/start.js';
import { registerLineCommands } from './commands/line.js';
import { registerPanelCommands } from './commands/panel.js';

const { version } = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string };

const program = new Command('oqsgw')
  .description('Eligibility gateway: My Number card + face match -> online eligibility check -> check-ins to the EHR over MQTT')
  .version(version)
  .showHelpAfterError('(run with --help for usage)');

registerStartCommands(program);
registerConfigCommands(program);
registerCardCommands(program);
registerFaceCommands(program);
registerDoctorCommand(program);
registerLineCommands(program);
registerPanelCommands(program);

await program.parseAsync(process.argv);
