import { describe, expect, it } from 'vitest';
import { TelephoneEventReceiver, TelephoneEventSender } from '../src/index.js';

describe('RFC 4733 §2.5.1 sender driven by the 20 ms pacer', () => {
  it('sends each digit as start/updates/3× end, pauses for audio between digits, and a receiver decodes "1#"', () => {
    const sender = new TelephoneEventSender({ toneSamples: 480, gapSamples: 320 });
    sender.enqueue('1#');
    const receiver = new TelephoneEventReceiver();
    const timeline: string[] = [];
    const digits: string[] = [];
    let ts = 0xffffff00; // crosses the 32-bit wrap on the way
    for (let tick = 0; tick < 30; tick++, ts = (ts + 160) >>> 0) {
      const frames = sender.tick(ts);
      if (frames.length === 0) {
        timeline.push('audio');
        continue;
      }
      for (const f of frames) {
        timeline.push(`${f.marker ? 'M' : ''}${f.payload.event}:${f.payload.duration}${f.payload.end ? 'E' : ''}`);
        for (const e of receiver.receive(f, f.payload)) digits.push(`${e.digit}/${e.durationSamples}`);
      }
    }
    expect(timeline.slice(0, 16)).toEqual([
      'M1:0', '1:160', '1:320', '1:480E', '1:480E', '1:480E', 'audio', 'audio', // 320-sample gap
      'M11:0', '11:160', '11:320', '11:480E', '11:480E', '11:480E', 'audio', 'audio',
    ]);
    expect(digits).toEqual(['1/480', '#/480']);
    expect(sender.busy).toBe(false);
  });

  it('rejects non-DTMF characters and an overfull queue', () => {
    const s = new TelephoneEventSender({ maxQueued: 2 });
    expect(() => s.enqueue('x')).toThrow(RangeError);
    expect(() => s.enqueue('123')).toThrow(RangeError);
  });
});
