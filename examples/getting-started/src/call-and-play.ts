// Call a SIP URI with a User-to-User header, play a WAV file (16-bit mono), and hang up.
// Usage: call-and-play <sip-uri> <file.wav>
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createUserAgent, readWav, Resampler } from 'trunkline';

const [target, file] = process.argv.slice(2);
if (target === undefined || file === undefined) throw new TypeError('usage: call-and-play <sip-uri> <file.wav>');
const wav = readWav(await readFile(file));
// The call's audio runs at 16 kHz here; other WAV rates go through the resampler.
const pcm = wav.sampleRate === 16000 ? wav.samples : new Resampler({ fromRate: wav.sampleRate, toRate: 16000 }).process(wav.samples);

const ua = await createUserAgent({ transports: [{ protocol: 'udp', port: 0 }], media: { sampleRate: 16000 } });
const call = await ua.invite(target, { uui: { text: 'CASE-20481' }, timeoutMs: 30_000 });
console.log(`answered in ${call.metrics.setupMs?.toFixed(0)} ms, ${call.metrics.media?.codec}`);

void call.audio.write(pcm); // queued and paced out in real time
call.audio.mark('end'); // fires once everything written before it has been sent
await once(call, 'mark');
await call.hangup({ reason: 'SIP;cause=200;text="Call completed"' });
console.log(`played ${(pcm.length / 16).toFixed(0)} ms, sent ${call.metrics.media?.packetsSent} packets`);
await ua.close();
