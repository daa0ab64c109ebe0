// mqtt.urls (issue 18): the nodes are tried in order, and the wait doubles after each round of
// every node failing, up to mqtt.reconnectMaxMilliseconds.
import t from 'tap';
import { nextAttempt } from '../../../../daemon/mqtt/connection.js';

t.test('two nodes: in turn, the wait doubling once per round, capped', async (t) => {
  let node = 0; // the first try (node A) failed
  const tries: string[] = [];
  for (let failed = 0; failed < 10; failed++) {
    const { next, delay } = nextAttempt(node, failed, 2, 200, 1000);
    tries.push(`${'AB'[next]}+${delay}`);
    node = next;
  }
  t.same(tries, ['B+200', 'A+200', 'B+400', 'A+400', 'B+800', 'A+800', 'B+1000', 'A+1000', 'B+1000', 'A+1000']);
});

t.test('after a loss the next node is tried first; one node alone backs off on every failure', async (t) => {
  t.same(nextAttempt(0, 0, 3, 2000, 30000), { next: 1, delay: 2000 }, 'node 1 lost: node 2 next');
  t.same(nextAttempt(2, 0, 3, 2000, 30000), { next: 0, delay: 2000 }, 'the last lost: back to the first');
  t.same([0, 1, 2, 3, 4, 30].map((failed) => nextAttempt(0, failed, 1, 2000, 30000)), [
    { next: 0, delay: 2000 }, { next: 0, delay: 4000 }, { next: 0, delay: 8000 }, { next: 0, delay: 16000 }, { next: 0, delay: 30000 }, { next: 0, delay: 30000 },
  ]);
});
