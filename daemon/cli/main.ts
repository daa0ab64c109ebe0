// The `oqsgw` command. Each command lives in its own file under commands/ and registers itself
// here; add a feature's command by adding a file and one line below.
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { fromRoot } from '../../vocabulary/paths.js';
import { registerConfigCommands } from './commands/config.js';
import { registerCardCommands } from './commands/card.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerCodesCommand } from './commands/codes.js';
import { registerFaceCommands } from './commands/face.js';
import { registerStartCommands } from './commands/start.js';
import { registerLineCommands } from './commands/line.js';
import { registerPanelCommands } from './commands/panel.js';
import { registerFhirCommand } from './commands/fhir.js';

const { version } = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')) as { version: string };

// `oqsgw codes | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('oqsgw')
  .description('Eligibility gateway: My Number card + face match -> online eligibility check -> check-ins to the EHR over MQTT')
  .version(version)
  .showHelpAfterError('(run with --help for usage)');

registerStartCommands(program);
registerConfigCommands(program);
registerCardCommands(program);
registerDoctorCommand(program);
registerCodesCommand(program);
registerFaceCommands(program);
registerLineCommands(program);
registerPanelCommands(program);
registerFhirCommand(program);

await program.parseAsync(process.argv);
