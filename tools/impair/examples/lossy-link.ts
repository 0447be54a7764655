// A lossy, jittery link between two UDP sockets: 200 datagrams from A to B
// through a relay that drops 10 % and delays by 20 ± 5 ms. The seed makes the
// run repeatable: the same datagrams are dropped every time.
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { UdpImpairmentRelay } from '@trunkline/impair';

const b = createSocket('udp4');
b.bind(0, '127.0.0.1');
await once(b, 'listening');
const heard: number[] = [];
b.on('message', (m) => heard.push(m.readUInt8(0)));

const seed = 42;
await using relay = await UdpImpairmentRelay.open({
  seed,
  peerB: { address: '127.0.0.1', port: b.address().port },
  aToB: { loss: 0.1, delay: { fixedMs: 20, jitterMs: 5 } },
});
const a = createSocket('udp4');
for (let i = 0; i < 200; i++) {
  a.send(Uint8Array.of(i), relay.sideA.port, relay.sideA.address);
  await sleep(1);
}
await sleep(100); // the last ones are still on the "wire"
const c = relay.counters('aToB');
console.log(`seed ${seed}: ${c.received} in, ${c.dropped} dropped, ${c.forwarded} forwarded, max delay ${c.maxDelayMs.toFixed(0)} ms`);
console.log(`B heard ${heard.length}, in order: ${heard.every((x, i) => i === 0 || x > heard[i - 1]!)}`);
a.close();
b.close();
