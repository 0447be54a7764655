// A call through 30 % SIP loss each way, 5 % RTP loss towards the callee and
// 30 ms of RTP jitter back: the proxy sits between two user agents, the caller
// dials the proxy, retransmissions carry the call through.
import { SipImpairmentProxy } from '@trunkline/impair';
import { createUserAgent } from '@trunkline/user-agent';

const options = { transports: [{ protocol: 'udp', port: 0 }], media: { srtp: 'off' }, timers: { T1: 25, T2: 100 } } as const;
const callee = await createUserAgent(options);
callee.on('call', async (call) => {
  await call.answer();
  for await (const frame of call.audio) void call.audio.write(frame); // echo
});
const caller = await createUserAgent(options);
const seed = 7;
await using proxy = await SipImpairmentProxy.open({
  seed,
  target: { address: '127.0.0.1', port: callee.addresses[0]!.port },
  signalling: { aToB: { loss: 0.3 }, bToA: { loss: 0.3 } },
  media: { aToB: { loss: 0.05 }, bToA: { delay: { fixedMs: 50, jitterMs: 45, reorder: true } } },
});
const call = await caller.invite(`sip:echo@127.0.0.1:${proxy.address.port}`);
for await (const _frame of call.audio) if (call.metrics.durationMs! > 2000) break; // listen for 2 s
const m = call.metrics.media!;
console.log(`seed ${seed}: the call is ${call.state}; the caller hears jitter ${m.jitterMs > 10 ? 'above' : 'below'} 10 ms`);
await call.hangup();
const rtp = proxy.media[0]!.relay.counters('aToB');
console.log(`SIP lost on the way ${proxy.signalling.counters('aToB').dropped + proxy.signalling.counters('bToA').dropped} times; RTP to the callee ${rtp.dropped} lost of ${rtp.decisions}`);
await caller.close();
await callee.close();
