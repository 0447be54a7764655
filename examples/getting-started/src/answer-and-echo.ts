// Answer every call, show its User-to-User data, and send the caller's audio back.
// SIP_PORT picks the port (default 5060; 0 = any free port).
import { createUserAgent } from 'trunkline';

const ua = await createUserAgent({
  transports: [{ protocol: 'udp', port: Number(process.env.SIP_PORT ?? 5060) }],
  media: { codecs: ['PCMU', 'PCMA'], srtp: 'optional', sampleRate: 16000 }, // 16 kHz PCM for speech recognition
});
console.log(`listening on udp port ${ua.addresses[0]!.port}`);

ua.on('call', async (call) => {
  console.log(`call from ${call.from.uri}, UUI ${call.uui[0]?.hex ?? 'none'}`);
  call.on('ended', (e) => console.log(`ended by ${e.by} (${e.reason}), ${e.metrics.media?.packetsReceived} packets in, MOS ${e.metrics.media?.mos?.toFixed(2)}`));
  await call.answer();
  for await (const frame of call.audio) void call.audio.write(frame); // 20 ms frames in, the same frames out
});

process.once('SIGINT', () => void ua.close());
process.once('SIGTERM', () => void ua.close());
