// VpcdHost against a stand-in vpcd (a TCP server here): the framing and control codes of the
// vsmartcard protocol, without pcscd.
import t, { type Test } from 'tap';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { VpcdHost } from '../../../../drivers/card/sim/vpcd-host.js';
import { FaultInjector } from '../../../../drivers/card/sim/faults.js';
import { virtualCard } from '../../../helpers/card-fixtures.js';

/** A fake vpcd: sends frames, collects the card's answers. */
async function fakeVpcd(t: Test) {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as { port: number }).port;
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  let buffer = Buffer.alloc(0);
  const frames: Buffer[] = [];
  const waiters: (() => void)[] = [];
  const connect = async () => {
    const [socket] = await accepted;
    t.teardown(() => socket.destroy());
    socket.on('data', (d: Buffer) => {
      buffer = Buffer.concat([buffer, d]);
      while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        frames.push(buffer.subarray(2, 2 + buffer.readUInt16BE(0)));
        buffer = buffer.subarray(2 + buffer.readUInt16BE(0));
        waiters.shift()?.();
      }
    });
    const send = (payload: Buffer) => { const h = Buffer.alloc(2); h.writeUInt16BE(payload.length); socket.write(Buffer.concat([h, payload])); };
    const ask = async (payload: Buffer): Promise<Buffer> => {
      const got = new Promise<void>((r) => waiters.push(r));
      send(payload);
      await got;
      return frames.at(-1)!;
    };
    return { socket, send, ask };
  };
  return { port, connect, frames };
}

t.test('power, ATR and APDUs in 2-byte length-prefixed frames', async (t) => {
  const vpcd = await fakeVpcd(t);
  const card = virtualCard('sato-hanako');
  const host = new VpcdHost(card, { port: vpcd.port });
  const connected = vpcd.connect();
  await host.insert();
  t.ok(host.inserted);
  const { send, ask } = await connected;
  send(Buffer.from([0x01])); // power on: no answer
  t.same((await ask(Buffer.from([0x04]))).toString('hex'), '3be000ff8131fe4514', 'ATR on request');
  t.equal((await ask(Buffer.from('00a4040c0ad392f000260100000001', 'hex'))).toString('hex'), '9000');
  t.equal((await ask(Buffer.from('00a4020c02000a', 'hex'))).toString('hex'), '9000');
  const head = await ask(Buffer.from('00b0000004', 'hex'));
  t.equal(head.subarray(0, 2).toString('hex'), '3082');
  t.equal(head.subarray(-2).toString('hex'), '9000');
  send(Buffer.from([0x02])); // reset: the AP is no longer selected
  t.equal((await ask(Buffer.from('00b0000004', 'hex'))).toString('hex'), '6986', 'no file selected after reset');
  t.equal(vpcd.frames.length, 5, 'control codes other than ATR get no answer');
  const closed = once(host, 'closed');
  host.remove();
  await closed;
  t.notOk(host.inserted);
});

t.test('a removal fault closes the connection instead of answering', async (t) => {
  const vpcd = await fakeVpcd(t);
  const host = new VpcdHost(virtualCard('sato-hanako'), { port: vpcd.port, faults: new FaultInjector('remove-mid-read') });
  const connected = vpcd.connect();
  await host.insert();
  const { socket, ask } = await connected;
  await ask(Buffer.from('00a4040c0ad392f000260100000001', 'hex'));
  await ask(Buffer.from('00a4020c02000a', 'hex'));
  await ask(Buffer.from('00b0000004', 'hex'));
  const ended = once(socket, 'close');
  socket.write(Buffer.from('000500b0000400', 'hex'));
  await ended;
  t.notOk(host.inserted);
});

t.test('no vpcd listening: insert() rejects', async (t) => {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r())); // now nothing listens there
  const host = new VpcdHost(virtualCard(), { port });
  await t.rejects(host.insert());
  t.notOk(host.inserted);
});
