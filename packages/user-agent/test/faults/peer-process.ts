/**
 * The far end of `peer-killed.test.ts`, in a process of its own (run under
 * tsx): a user agent on UDP and TCP that answers every call and echoes it,
 * prints its ports as one JSON line, and exits by itself after 60 s should
 * the test never kill it.
 */
import { answerWithEcho, testAgent } from '../support/ua.js';

const ua = await testAgent({ transports: [{ protocol: 'udp', port: 0 }, { protocol: 'tcp', port: 0 }], timers: { T1: 25, T2: 400, T4: 500 } });
answerWithEcho(ua, 0);
process.stdout.write(`${JSON.stringify(Object.fromEntries(ua.addresses.map((a) => [a.protocol, a.port])))}\n`);
// Its sockets keep it alive until the kill; this bounds it if the kill never comes.
setTimeout(() => process.exit(0), 60_000);
