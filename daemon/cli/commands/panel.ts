// `oqsgw sim panel --port /dev/pts/N`: the reader panel's other end on a serial device, answering
// from a script of answers or from a person at the terminal (--interactive).
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CONSENT_ITEMS, type ConsentItem, type Consents } from '../../../vocabulary/consent.js';
import { PanelSimulator, type Patient } from '../../../drivers/panel/sim/panel-simulator.js';
import { ScriptedAnswers } from '../../../drivers/panel/sim/scripted-answers.js';
import type { SimPanelScript } from '../../../drivers/panel/sim/scripted-patient.js';
import { checkScript } from '../../../drivers/panel/sim/script-schema.js';
import { maskableTerminal, TerminalPatient } from '../../../drivers/panel/sim/terminal-patient.js';
import { group } from '../groups.js';

interface PanelOptions {
  port: string;
  baud: string;
  script?: string;
  identity?: 'face' | 'pin';
  pin?: string[];
  consent?: string;
  register?: 'register' | 'decline' | 'cancel';
  assist?: boolean;
  thinkMs: string;
  interactive?: boolean;
  language: 'ja' | 'en';
}

/** all-yes | all-no | cancel | drugInfo=y,medicalInfo=n,... */
function parseConsent(text: string): SimPanelScript['consent'] {
  if (text === 'all-yes' || text === 'all-no' || text === 'cancel') return text;
  const consents: Consents = {};
  for (const part of text.split(',')) {
    const [key, value] = part.split('=');
    if (!(CONSENT_ITEMS as readonly string[]).includes(key ?? '') || !/^(y|n|yes|no)$/.test(value ?? '')) {
      throw new Error(`--consent: '${part}' is not item=y|n (items: ${CONSENT_ITEMS.join(', ')})`);
    }
    consents[key as ConsentItem] = value!.startsWith('y');
  }
  return consents;
}

/** The script: a YAML/JSON file (or inline JSON) with the SimPanelScript fields, then the flags. */
function buildScript(options: PanelOptions): SimPanelScript {
  const base: SimPanelScript = options.script
    ? checkScript(parseYaml(options.script.trim().startsWith('{') ? options.script : readFileSync(options.script, 'utf8')))
    : {};
  for (const pin of options.pin ?? []) if (pin !== 'cancel' && !/^[0-9]{4}$/.test(pin)) throw new Error('--pin: 4 digits or cancel');
  return {
    ...base,
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.pin ? { pins: options.pin } : {}),
    ...(options.consent ? { consent: parseConsent(options.consent) } : {}),
    ...(options.register ? { registration: options.register } : {}),
    ...(options.assist ? { assisted: true } : {}),
  };
}

export function registerPanelCommands(program: Command): void {
  group(program, 'sim')
    .command('panel')
    .description("The reader panel's other end on a serial device (e.g. one side of a socat pty pair): shows screens, answers questions")
    .requiredOption('--port <path>', 'serial device, e.g. /dev/pts/3')
    .option('--baud <rate>', 'port speed', '115200')
    .option('--script <file|json>', 'answers: YAML/JSON file or inline JSON {identity, pins, consent, registration, assisted, hang}')
    .option('--identity <face|pin>', 'identity method the patient picks')
    .option('--pin <digits...>', "PINs typed, one per PIN question ('cancel' presses cancel); test cards only")
    .option('--consent <answers>', 'all-yes | all-no | cancel | drugInfo=y,checkupInfo=n,...')
    .option('--register <answer>', '保険証利用登録: register | decline | cancel')
    .option('--assist', 'staff press the assist key when a check-in begins')
    .option('--think-ms <ms>', 'how long the scripted patient takes to answer', '300')
    .option('--interactive', 'a person at this terminal plays the patient')
    .option('--language <ja|en>', 'first language of the terminal', 'ja')
    .action(async (options: PanelOptions) => {
      const print = (line: string): void => void process.stdout.write(`${line}\n`);
      let script: SimPanelScript;
      try {
        script = buildScript(options);
      } catch (error) {
        console.error(error instanceof Error ? error.message : String(error));
        process.exitCode = 2;
        return;
      }
      const terminal = options.interactive ? maskableTerminal() : null;
      const rl = terminal?.rl ?? null;
      const patient: Patient = terminal
        ? new TerminalPatient(terminal.rl, print, options.language, terminal.mask)
        : new ScriptedAnswers(script, undefined, Number(options.thinkMs));
      const simulator = new PanelSimulator({ path: options.port, baudRate: Number(options.baud), patient });
      const say = (t: { ja: string; en: string }): string => (options.language === 'ja' ? `${t.ja} (${t.en})` : `${t.en} (${t.ja})`);
      simulator.on('port', (open) => print(open ? `[port ${options.port} open]` : '[port gone; waiting for it to return]'));
      simulator.on('hello', (hello) => print(`[gateway connected, versions ${hello.versions.join(',')}]`));
      simulator.on('screen', (show) => {
        print(`\n[${show.screen}] ${say(show.title)}${show.detail ? ` — ${say(show.detail)}` : ''}`);
        if (show.screen === 'welcome' && script.assisted && !rl) simulator.pressAssist(true).catch(() => undefined);
      });
      simulator.on('ask', (ask) => !rl && print(`  ? ${ask.ask}`));
      simulator.on('withdraw', () => print('  (question withdrawn)'));
      await simulator.start();
      print(rl ? 'Playing the patient; c cancels a question; Ctrl-C quits.' : 'Scripted panel running; Ctrl-C quits.');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
        rl?.once('close', resolve);
      });
      rl?.close();
      await simulator.stop();
    });
}
