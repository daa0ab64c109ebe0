// The `oqsgw` command. Each command lives in its own file under commands/ and registers itself
// here; add a feature's command by adding a file and one line to REGISTRARS below.
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { fromRoot } from '../../vocabulary/paths.js';

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

type Registrar = () => Promise<(program: Command) => void>;

// Each file with the top-level commands it registers. Loading every command's modules (MQTT,
// SQLite, serial, TensorFlow, OpenCV ...) costs seconds on a busy box, so only the files of the
// command asked for are loaded; help, a version or an unknown command loads them all.
const REGISTRARS: [readonly string[], Registrar][] = [
  [['start', 'demo'], async () => (await import('./commands/start.js')).registerStartCommands],
  [['config'], async () => (await import('./commands/config.js')).registerConfigCommands],
  [['card', 'sim'], async () => (await import('./commands/card.js')).registerCardCommands],
  [['doctor'], async () => (await import('./commands/doctor.js')).registerDoctorCommand],
  [['codes'], async () => (await import('./commands/codes.js')).registerCodesCommand],
  [['face'], async () => (await import('./commands/face.js')).registerFaceCommands],
  [['sim'], async () => (await import('./commands/line.js')).registerLineCommands],
  [['sim'], async () => (await import('./commands/panel.js')).registerPanelCommands],
  [['fhir'], async () => (await import('./commands/fhir.js')).registerFhirCommand],
];

const asked = process.argv[2];
const known = REGISTRARS.some(([names]) => names.includes(asked ?? ''));
const needed = REGISTRARS.filter(([names]) => !known || names.includes(asked ?? ''));
// Registered in the table's order whatever loads first, so help lists commands the same way.
for (const register of await Promise.all(needed.map(([, load]) => load()))) register(program);

await program.parseAsync(process.argv);
