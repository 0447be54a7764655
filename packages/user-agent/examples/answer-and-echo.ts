// Answer every call and send the caller's audio straight back; a second
// user agent calls it, plays one second of a 440 Hz tone and listens for it.
import { createUserAgent } from '@trunkline/user-agent';

const echo = await createUserAgent({ transports: [{ protocol: 'udp', port: 0 }] });
echo.on('call', async (call) => {
  console.log('call from', call.from.uri, 'with UUI', call.uui[0]?.text);
  await call.answer();
  for await (const frame of call.audio) void call.audio.write(frame); // the echo
});

const phone = await createUserAgent({ transports: [{ protocol: 'udp', port: 0 }] });
const call = await phone.invite(`sip:echo@127.0.0.1:${echo.addresses[0]!.port}`, { uui: { text: 'CASE-20481' } });
const tone = Int16Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
await call.audio.write(tone);
let loud = 0;
for await (const frame of call.audio) {
  if (frame.samples.some((s) => Math.abs(s) > 4000) && ++loud === 10) break; // 200 ms of our tone came back
}
console.log('echo heard:', loud === 10);
await call.hangup({ reason: 'SIP;cause=200;text="Call completed"' });
await phone.close();
await echo.close();
