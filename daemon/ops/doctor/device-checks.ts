// Doctor checks of the local hardware: pcscd and the card reader, the camera, face match (the card
// front source for 照合番号B), the serial panel.
// Simulated drivers pass with a note; real ones are looked at the way the service will use them.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type { GatewayConfig } from '../../../config/schema.js';
import { errorText, fail, ok, warn, type CheckResult } from './result.js';
import { FrontKeySource } from '../../../drivers/card/front/front-key-source.js';

const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';

interface PcscContext extends EventEmitter {
  close(): void;
}

/** Reader names pcscd knows, gathered for `waitMs` (readers are announced asynchronously). */
function listReaders(waitMs: number): Promise<string[]> {
  const require = createRequire(import.meta.url);
  const factory = require('@pokusew/pcsclite') as () => PcscContext;
  return new Promise((resolve, reject) => {
    const names: string[] = [];
    const pcsc = factory();
    const done = (error?: unknown) => {
      clearTimeout(timer);
      try { pcsc.close(); } catch { /* already closed */ }
      if (error) reject(error instanceof Error ? error : new Error(String(error))); else resolve(names);
    };
    const timer = setTimeout(() => done(), waitMs);
    pcsc.on('reader', (reader: { name: string; close(): void }) => names.push(reader.name));
    pcsc.on('error', (error: unknown) => done(error));
  });
}

export async function checkCard(config: GatewayConfig, socket = PCSCD_SOCKET): Promise<CheckResult> {
  if (config.card.driver === 'sim') return ok('card', 'simulated card reader (card.driver: sim)');
  if (!existsSync(socket)) {
    return fail('card', `pcscd is not running (${socket} missing)`, 'apt-get install pcscd; systemctl enable --now pcscd.socket');
  }
  let names: string[];
  try {
    names = await listReaders(1500);
  } catch (error) {
    return fail('card', `pcscd did not answer: ${errorText(error)}`, 'systemctl restart pcscd; journalctl -u pcscd');
  }
  const wanted = config.card.readerName;
  const match = names.find((n) => n.includes(wanted));
  if (names.length === 0) return fail('card', 'pcscd sees no card reader', 'check the reader\'s USB cable (lsusb), then: systemctl restart pcscd');
  if (!match) return fail('card', `no reader name contains "${wanted}" (pcscd sees: ${names.join(', ')})`, 'fix card.readerName in the config');
  return ok('card', `reader "${match}" via pcscd`);
}

function checkDeviceNode(check: string, path: string, what: string): CheckResult {
  if (!existsSync(path)) {
    return fail(check, `${what} ${path} not found`, `check the ${what}'s USB cable; ls -l /dev/oqs-* and udevadm info -n ${path}`);
  }
  try {
    if (!statSync(path).isCharacterDevice()) return fail(check, `${path} is not a device`, `point the config at the ${what}'s device node`);
    accessSync(path, constants.R_OK | constants.W_OK);
  } catch (error) {
    return fail(check, `${path}: ${errorText(error)}`, 'install the udev rules (systemd/60-oqs-gateway.rules) and run doctor as the oqs-gateway user');
  }
  return ok(check, `${what} ${path} present and accessible`);
}

export function checkCamera(config: GatewayConfig): CheckResult {
  if (config.face.driver === 'sim') return ok('camera', 'simulated camera (face.driver: sim)');
  // face.source 'files' plays image files as the camera (tests, calibration): no device to check.
  if ((config.face as { source?: string }).source === 'files') return ok('camera', 'camera frames played from files (face.source: files)');
  return checkDeviceNode('camera', config.face.device, 'camera');
}

/**
 * Whether face match is available with the configured parts, and if not why. With the simulated
 * card the virtual card opens its own photo; with a real reader 照合番号B must come from a picture
 * of the card front (card.front), else every patient goes to the PIN pad.
 */
export function checkFaceMatch(config: GatewayConfig): CheckResult {
  if (!config.flow.identityMethods.includes('face')) return ok('face match', "not offered (flow.identityMethods has no 'face')");
  if (config.card.driver === 'sim') return ok('face match', 'the simulated card opens its own photo (card.driver: sim)');
  const front = new FrontKeySource(config.card.front).available();
  if (!front.ok) return warn('face match', `not available with a real reader: ${front.detail}`, "set card.front.source: v4l2 and card.front.device to the document camera over the card tray; install libtesseract5 tesseract-ocr-jpn (scripts/apt-packages/card-front.txt)");
  if (config.face.driver === 'camera' && config.face.source === 'v4l2' && !existsSync(config.face.device)) return warn('face match', `the card front is ready (${front.detail}) but the face camera ${config.face.device} is missing`, 'connect the face camera or fix face.device');
  return ok('face match', `available: ${front.detail}`);
}

export function checkPanel(config: GatewayConfig): CheckResult {
  if (config.panel.driver === 'sim') return ok('panel', 'simulated reader panel (panel.driver: sim)');
  if (config.panel.driver === 'pty') {
    // The panel simulator on a socat pty pair: what it needs is socat, not a device node.
    const socat = ['/usr/bin/socat', '/bin/socat'].find((p) => existsSync(p));
    return socat
      ? ok('panel', `simulated panel on a socat pty pair (panel.driver: pty; ${socat})`)
      : fail('panel', 'panel.driver is pty but socat is not installed', 'apt-get install socat (or run scripts/setup.sh)');
  }
  return checkDeviceNode('panel', config.panel.path, 'serial panel');
}
