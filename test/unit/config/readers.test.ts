// `readers:` resolves to full per-reader configs in one place (config/readers.ts), and the
// combinations that would make two readers fight over one device are refused by name.
import t from 'tap';
import { parseConfig } from '../../../config/load.js';
import { resolveReaders } from '../../../config/readers.js';
import { startupProblems } from '../../../daemon/startup-checks.js';

const resolve = (yaml: string) => resolveReaders(parseConfig(yaml, 'test.yaml', '/srv/oqs'));

t.test('no readers: the one reader of today, readerId with the top-level sections as they are', async (t) => {
  const config = parseConfig('readerId: front-desk\ncard: { driver: pcsc, readerName: "ACS" }\n', 'test.yaml');
  const { readers, problems } = resolveReaders(config);
  t.same(problems, []);
  t.equal(readers.length, 1);
  t.equal(readers[0]!.id, 'front-desk');
  t.equal(readers[0]!.card, config.card, 'the same objects, not copies');
  t.equal(readers[0]!.panel, config.panel);
  t.equal(readers[0]!.face, config.face);
});

t.test('each entry is merged over the top-level sections, nested keys one by one', async (t) => {
  const { readers, problems } = resolve(`
card: { driver: pcsc, commandTimeoutMs: 7000, front: { source: files, timeLimitMs: 5000, files: [a.png] } }
panel: { driver: serial, baudRate: 9600 }
face: { driver: camera, source: files, model: fr512, simFrames: [x.png] }
readers:
  - id: entrance-1
    card: { readerName: "Virtual PCD 00 00", front: { files: [one.png] } }
    panel: { path: /dev/ttyUSB0 }
    face: { simFrames: [f1.png], simFrameIntervalMs: 50 }
  - id: entrance-2
    card: { readerName: "Virtual PCD 00 01", pkiDir: pki2 }
    panel: { path: /dev/ttyUSB1 }
`);
  t.same(problems, []);
  t.same(readers.map((r) => r.id), ['entrance-1', 'entrance-2']);
  const [a, b] = readers as [typeof readers[0], typeof readers[0]];
  t.equal(a.card.driver, 'pcsc');
  t.equal(a.card.commandTimeoutMs, 7000, 'top-level card key kept');
  t.equal(a.card.readerName, 'Virtual PCD 00 00');
  t.equal(a.card.front.timeLimitMs, 5000, 'nested top-level key kept');
  t.same(a.card.front.files, ['one.png'], 'a list is replaced, not appended');
  t.equal(a.panel.baudRate, 9600);
  t.equal(a.panel.path, '/dev/ttyUSB0');
  t.equal(a.face.model, 'fr512', 'the shared model');
  t.same(a.face.simFrames, ['f1.png']);
  t.equal(a.face.simFrameIntervalMs, 50);
  t.same(b.card.front.files, ['a.png']);
  t.equal(b.card.pkiDir, '/srv/oqs/pki2', "a reader's relative path resolves against the config file's folder");
  t.same(b.face.simFrames, ['x.png']);
  t.equal(b.panel.path, '/dev/ttyUSB1');
});

t.test('refused, each with a line naming the reader and the key', async (t) => {
  const cases: [string, string, RegExp][] = [
    ['duplicate id', `readers: [{ id: a }, { id: b }, { id: a }]`, /readers\[2\]\.id: "a" is already the id of readers\[0\]/],
    ['one pcsc reader name on two readers', `card: { driver: pcsc }
readers: [{ id: a, card: { readerName: "Virtual PCD 00 01" } }, { id: b, card: { readerName: "Virtual PCD 00 01" } }]`, /readers \(a, b\)\.card\.readerName: .*same PC\/SC reader/],
    ['a pcsc name inside another (matched by contains)', `card: { driver: pcsc }
readers: [{ id: a, card: { readerName: "Virtual PCD 00 0" } }, { id: b, card: { readerName: "Virtual PCD 00 01" } }]`, /readers \(a, b\)\.card\.readerName/],
    ['an empty pcsc name with several pcsc readers', `card: { driver: pcsc }
readers: [{ id: a, card: { readerName: "X 0" } }, { id: b }]`, /readers \(b\)\.card\.readerName: empty means "the first reader"/],
    ['one serial port on two readers', `panel: { driver: serial }
readers: [{ id: a, panel: { path: /dev/ttyS0 } }, { id: b, panel: { path: /dev/ttyS0 } }]`, /readers \(a, b\): both use the serial port \/dev\/ttyS0/],
    ['the default serial port on every reader', `panel: { driver: serial }
readers: [{ id: a }, { id: b }]`, /both use the serial port \/dev\/ttyUSB0/],
    ['one camera on two readers', `face: { driver: camera }
readers: [{ id: a, face: { device: /dev/video0 } }, { id: b, face: { device: /dev/video0 } }]`, /readers \(a, b\): both use the camera \/dev\/video0/],
    ["a face camera that is another reader's front camera", `face: { driver: camera }
readers: [{ id: a, face: { device: /dev/video2 } }, { id: b, face: { device: /dev/video3 }, card: { front: { source: v4l2, device: /dev/video2 } } }]`, /readers \(a, b\): both use the camera \/dev\/video2/],
    ['a shared face field set per reader', `readers: [{ id: a, face: { threshold: 0.3 } }]`, /readers\[0\]\.face\.threshold: the face model .* shared .* set face\.threshold at the top level/],
    ['the face driver set per reader', `readers: [{ id: a, face: { driver: camera } }]`, /readers\[0\]\.face\.driver: the face model/],
    ['a bad value in a reader section', `readers: [{ id: a, panel: { baudRate: 5 } }]`, /readers\[0\]\.panel\.baudRate: must be >= 1200/],
    ['an unknown key in a reader section', `readers: [{ id: a, card: { readrName: x } }]`, /readers\[0\]\.card\.readrName: unknown key/],
  ];
  for (const [name, yaml, pattern] of cases) {
    const config = parseConfig(yaml, 'test.yaml');
    const { problems } = resolveReaders(config);
    t.match(problems.join('\n'), pattern, name);
    t.match(startupProblems(config).join('\n'), pattern, `${name}: start and config check refuse it`);
  }
});

t.test('an id the topics cannot carry is refused by the schema', async (t) => {
  t.throws(() => parseConfig('readers: [{ id: "a/b" }]', 'test.yaml'), /readers\.0\.id/);
});

t.test('sim readers need nothing of their own but an id', async (t) => {
  const { readers, problems } = resolve('readers: [{ id: r1 }, { id: r2 }, { id: r3 }]');
  t.same(problems, []);
  t.same(readers.map((r) => r.card.driver + '/' + r.panel.driver + '/' + r.face.driver), ['sim/sim/sim', 'sim/sim/sim', 'sim/sim/sim']);
});
