import { crossCorrelate, decodePcmu, encodePcmu, generateChirp } from '@trunkline/codecs';

// The test caller plays a 5 s exponential sweep across the telephone band...
const sent = generateChirp({ sampleRate: 8000, durationMs: 5000, f0: 300, f1: 3400, amplitude: 8000 });

// ...and the far end echoes it 120 ms later, at half the level, through PCMU.
const received = new Int16Array(sent.length + 2000);
for (let t = 0; t < sent.length; t++) received[t + 960] = sent[t]! / 2;
const heard = decodePcmu(encodePcmu(received));

// Where is the peak, and how alike are the two there (−1..1, level-independent)?
const { peak, lagMs } = crossCorrelate(sent, heard, { sampleRate: 8000, maxLagMs: 2000 });
console.log(`echo ${peak >= 0.9 ? 'heard' : 'missing'}: correlation ${peak.toFixed(3)}, round trip ${lagMs} ms`);
