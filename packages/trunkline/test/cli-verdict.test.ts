import { describe, expect, it } from 'vitest';
import {
  describeError,
  describeUui,
  judgeCall,
  renderEchoBanner,
  renderEchoCallJson,
  renderEchoCallText,
  renderSummaryJson,
  renderSummaryText,
  renderVerdictJson,
  renderVerdictText,
  summarizeVerdicts,
  type CallFacts,
  type EchoCallSummary,
} from '../src/cli/index.js';

/** A TLS+SRTP echo call that went well. */
const GOOD: CallFacts = {
  target: 'sips:echo@127.0.0.1:5061',
  transport: 'tls',
  srtpOffered: 'mandatory',
  codecsOffered: ['PCMU', 'PCMA'],
  uuiHex: '04434153452D3230343831',
  timeoutMs: 30_000,
  plannedDurationMs: 5000,
  answerTimedOut: false,
  status: 200,
  reason: 'OK',
  warnings: [],
  setupMs: 45.2,
  codec: 'PCMU',
  srtpSuite: 'AES_CM_128_HMAC_SHA1_80',
  srtpAuthFailures: 0,
  packetsSent: 250,
  packetsReceived: 248,
  echo: { peak: 0.9994, lagMs: 121.25 },
  lossPercent: 0.8,
  jitterMs: 1.23,
  rttMs: 2.1,
  mos: 4.41,
  durationMs: 5020,
  endedBy: 'caller',
  byeStatus: 200,
  byeReason: 'OK',
  errors: [],
};

/** Nothing after the INVITE's final response. */
const UNANSWERED = {
  setupMs: null,
  codec: null,
  srtpSuite: null,
  packetsSent: 0,
  packetsReceived: 0,
  echo: null,
  lossPercent: null,
  jitterMs: null,
  rttMs: null,
  mos: null,
  durationMs: null,
  endedBy: null,
  byeStatus: null,
  byeReason: null,
} as const;

const PLAIN_UDP = { target: 'sip:echo@192.0.2.10', transport: 'udp', srtpOffered: 'off' } as const;

describe('judgeCall: PASS', () => {
  it('a TLS+SRTP echo call with every check ok', () => {
    const v = judgeCall(GOOD);
    expect(v.verdict).toBe('PASS');
    expect(v.reasons).toEqual([]);
    expect(v.answered).toBe(true);
    expect(v.srtpBothWays).toBe(true);
    expect(v.checks.map((c) => [c.name, c.ok])).toEqual([
      ['answer', true], ['codec', true], ['srtp', true], ['audio', true], ['echo', true], ['loss', true], ['jitter', true], ['bye', true], ['errors', true],
    ]);
    // Every measured fact is kept for the JSON output.
    expect(v).toMatchObject(GOOD);
  });

  it('plain RTP by choice, unmeasured loss and jitter, the peer hanging up after the test', () => {
    const v = judgeCall({ ...GOOD, ...PLAIN_UDP, srtpSuite: null, lossPercent: null, jitterMs: null, endedBy: 'peer', durationMs: 5100, byeStatus: null });
    expect(v.verdict).toBe('PASS');
    expect(v.srtpBothWays).toBeNull();
    expect(v.checks.find((c) => c.name === 'srtp')?.detail).toBe('off (plain RTP, as asked)');
  });
});

describe('judgeCall: FAIL reasons a person can act on', () => {
  const cases: [string, Partial<CallFacts>, RegExp][] = [
    [
      '488 + Warning 302 to a plain offer (RFC 3261 §20.43)',
      { ...PLAIN_UDP, ...UNANSWERED, status: 488, reason: 'Not Acceptable Here', warnings: [{ code: 302, agent: 'host', text: 'Incompatible transport protocol' }] },
      /^peer requires SRTP; you offered plain RTP \(488 Not Acceptable Here; Warning: 302 host "Incompatible transport protocol"\): call again with --srtp mandatory/,
    ],
    [
      '488 + Warning 305 to a plain offer',
      { ...PLAIN_UDP, ...UNANSWERED, status: 488, reason: 'Not Acceptable Here', warnings: [{ code: 305, text: 'Incompatible media format' }] },
      /^peer requires SRTP or shares no codec; you offered plain RTP with PCMU, PCMA/,
    ],
    [
      '488 + Warning 301 to a plain offer',
      { ...PLAIN_UDP, ...UNANSWERED, status: 488, reason: 'Not Acceptable Here', warnings: [{ code: 301, text: 'Incompatible network address formats' }] },
      /^peer requires SRTP or shares no codec/,
    ],
    [
      '488 whose Warning text names SRTP, to an optional-SRTP offer',
      { ...PLAIN_UDP, srtpOffered: 'optional', ...UNANSWERED, status: 488, reason: 'Not Acceptable Here', warnings: [{ code: 399, text: 'SRTP required' }] },
      /^peer requires SRTP; you offered RTP\/AVP with optional keys/,
    ],
    [
      '488 + 302 to an SRTP-only offer',
      { ...UNANSWERED, status: 488, reason: 'Not Acceptable Here', warnings: [{ code: 302, text: 'RTP/SAVP not supported' }] },
      /^peer does not accept SRTP; you offered RTP\/SAVP only .*--srtp optional or --srtp off/,
    ],
    [
      '488 + 305 to an SRTP offer: no common codec',
      { srtpOffered: 'optional', ...UNANSWERED, status: 488, reason: 'Not Acceptable Here', warnings: [{ code: 305, text: 'Incompatible media format' }] },
      /^no common codec: the peer accepts none of PCMU, PCMA/,
    ],
    ['488 without Warning', { ...PLAIN_UDP, ...UNANSWERED, status: 488, reason: 'Not Acceptable Here' }, /refused our offer \(488 Not Acceptable Here\) without saying why: it may require SRTP \(you offered plain RTP\)/],
    ['no answer', { ...UNANSWERED, status: null, reason: null, answerTimedOut: true, timeoutMs: 8000 }, /^no answer within 8 s/],
    ['timeout then 487 after our CANCEL', { ...UNANSWERED, status: 487, reason: 'Request Terminated', answerTimedOut: true }, /^no answer within 30 s/],
    ['403', { ...UNANSWERED, status: 403, reason: 'Forbidden' }, /refused the call \(403 Forbidden\): check that our address is on its allow-list/],
    ['404', { ...UNANSWERED, status: 404, reason: 'Not Found' }, /no such user at the peer \(404 Not Found\): check the user part of sips:echo@127.0.0.1:5061/],
    ['401', { ...UNANSWERED, status: 401, reason: 'Unauthorized' }, /requires authentication/],
    ['486', { ...UNANSWERED, status: 486, reason: 'Busy Here' }, /callee is busy \(486 Busy Here\)/],
    ['503', { ...UNANSWERED, status: 503, reason: 'Service Unavailable' }, /unavailable or overloaded \(503 Service Unavailable\)/],
    ['302 redirect', { ...UNANSWERED, status: 302, reason: 'Moved Temporarily' }, /redirected .* does not follow redirects/],
    ['599', { ...UNANSWERED, status: 599, reason: null }, /^the call was rejected \(599\)$/],
    [
      'TLS: self-signed certificate, by name',
      { ...UNANSWERED, status: null, reason: null, errors: [{ phase: 'connect', code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }] },
      /^TLS: the peer's certificate is self-signed: trust it with --ca FILE .* --insecure \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/,
    ],
    [
      'TLS: wrong host name',
      { ...UNANSWERED, status: null, reason: null, errors: [{ phase: 'connect', code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames" }] },
      /does not name the host you called.*\(ERR_TLS_CERT_ALTNAME_INVALID\)/,
    ],
    ['connection refused', { ...UNANSWERED, status: null, reason: null, errors: [{ phase: 'connect', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }] }, /^nothing listens at the target/],
    ['unknown error code kept by name', { ...UNANSWERED, status: null, reason: null, errors: [{ phase: 'setup', code: 'ERR_WEIRD', message: 'odd' }] }, /^ERR_WEIRD: odd$/],
    ['nothing received', { packetsReceived: 0, echo: null }, /^audio one way only: nothing received \(250 packets sent\)/],
    ['nothing sent', { packetsSent: 0 }, /^audio one way only: nothing sent \(248 packets received\)/],
    ['no audio at all', { packetsSent: 0, packetsReceived: 0, echo: null }, /^no audio either way/],
    ['no echo', { echo: { peak: 0.03, lagMs: 12 } }, /^no echo: correlation 0.03 < 0.9: the peer sends audio, but not ours back$/],
    ['no echo, piece by piece either', { echo: { peak: 0.05, lagMs: 12, pieceMedian: 0.04 } }, /^no echo: correlation 0.05 < 0.9: the peer sends audio, but not ours back$/],
    ['echo not recorded', { echo: null }, /^no echo measured/],
    ['SRTP mandatory, answered plain', { srtpSuite: null }, /^SRTP was required but the call ran plain RTP/],
    [
      'SRTP agreed, nothing authenticates',
      { packetsReceived: 0, srtpAuthFailures: 240, echo: null },
      /^SRTP agreed \(AES_CM_128_HMAC_SHA1_80\) but none of the peer's 240 packets authenticated/,
    ],
    ['no codec', { codec: null }, /^no codec was agreed$/],
    ['loss', { lossPercent: 12.5 }, /^packet loss 12.5% > 5%$/],
    ['jitter', { jitterMs: 80 }, /^jitter 80.0 ms > 50 ms$/],
    ['BYE not answered', { byeStatus: null, byeReason: null }, /^our BYE was not answered$/],
    ['BYE 481', { byeStatus: 481, byeReason: 'Call/Transaction Does Not Exist' }, /^our BYE was answered 481 Call\/Transaction Does Not Exist: the peer had already lost the call$/],
    ['peer hung up early', { endedBy: 'peer', durationMs: 2100, byeStatus: null }, /^the peer hung up after 2.1 s, before the 5 s test ended$/],
    ['no BYE at all', { endedBy: null }, /did not end cleanly/],
    ['media error', { errors: [{ phase: 'media', code: 'MEDIA_TIMEOUT', message: 'no RTP for 30 s' }] }, /^media: MEDIA_TIMEOUT: no RTP for 30 s$/],
  ];

  it.each(cases)('%s', (_, change, reason) => {
    const v = judgeCall({ ...GOOD, ...change });
    expect(v.verdict).toBe('FAIL');
    expect(v.reasons.length).toBeGreaterThan(0);
    expect(v.reasons.some((r) => reason.test(r)), v.reasons.join('\n')).toBe(true);
  });

  it('a rejected call reports only the rejection; the other checks are not reached', () => {
    const v = judgeCall({ ...GOOD, ...UNANSWERED, status: 486, reason: 'Busy Here' });
    expect(v.reasons).toHaveLength(1);
    expect(v.checks.filter((c) => c.ok === null).map((c) => c.name)).toEqual(['codec', 'srtp', 'audio', 'echo', 'loss', 'jitter', 'bye']);
  });

  it('thresholds are options', () => {
    expect(judgeCall({ ...GOOD, echo: { peak: 0.93, lagMs: 100 } }, { minCorrelation: 0.95, maxLossPercent: 5, maxJitterMs: 50 }).reasons).toEqual([
      'no echo: correlation 0.93 < 0.95: the peer sends audio, but not ours back',
    ]);
    expect(judgeCall({ ...GOOD, lossPercent: 3 }, { minCorrelation: 0.9, maxLossPercent: 1, maxJitterMs: 50 }).verdict).toBe('FAIL');
  });

  it('describeError does not mistake Object.prototype names for codes', () => {
    expect(describeError('constructor', 'x')).toBe('constructor: x');
  });
});

describe('renderers', () => {
  it('verdict as text: PASS with every check', () => {
    expect(renderVerdictText(judgeCall(GOOD))).toBe(
      [
        'PASS sips:echo@127.0.0.1:5061 over tls, UUI 04434153452D3230343831',
        '  ok   answer  200 OK in 45 ms',
        '  ok   codec   PCMU',
        '  ok   srtp    AES_CM_128_HMAC_SHA1_80, both ways',
        '  ok   audio   250 packets sent, 248 received',
        '  ok   echo    correlation 0.999, round trip 121 ms',
        '  ok   loss    0.8% (limit 5%)',
        '  ok   jitter  1.2 ms (limit 50 ms)',
        '  ok   bye     200 OK',
        '  ok   errors  none',
        '       quality RTT 2 ms, MOS 4.41, duration 5.0 s',
        '',
      ].join('\n'),
    );
  });

  it('verdict as text: FAIL with the reason on the failed check, unreached checks on one line, hostile text escaped', () => {
    const v = judgeCall({ ...GOOD, ...PLAIN_UDP, ...UNANSWERED, uuiHex: null, status: 488, reason: 'Not \u001b[2JAcceptable', warnings: [] });
    const text = renderVerdictText(v);
    expect(text.split('\n')[0]).toBe('FAIL sip:echo@192.0.2.10 over udp');
    expect(text).toContain('  FAIL answer  the peer refused our offer (488 Not \\u001b[2JAcceptable) without saying why');
    expect(text).toContain('  --   not reached: codec, srtp, audio, echo, loss, jitter, bye\n');
    expect(text).not.toContain('\u001b');
  });

  it('verdict as JSON: one line, "verdict" first, every measured field', () => {
    const line = renderVerdictJson(judgeCall(GOOD));
    expect(line.endsWith('}\n')).toBe(true);
    expect(line.trimEnd()).not.toContain('\n');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)[0]).toBe('verdict');
    expect(parsed).toMatchObject({ verdict: 'PASS', reasons: [], setupMs: 45.2, srtpSuite: 'AES_CM_128_HMAC_SHA1_80', srtpBothWays: true, echo: { peak: 0.9994, lagMs: 121.25 }, byeStatus: 200 });
  });

  it('summary of --repeat: counts, failures by reason, nearest-rank percentiles', () => {
    const verdicts = [
      judgeCall({ ...GOOD, setupMs: 10, echo: { peak: 0.99, lagMs: 100 } }),
      judgeCall({ ...GOOD, setupMs: 30, echo: { peak: 0.995, lagMs: 140 } }),
      judgeCall({ ...GOOD, setupMs: 20, echo: { peak: 0.05, lagMs: 7 } }),
      judgeCall({ ...GOOD, ...UNANSWERED, status: 503, reason: 'Service Unavailable' }),
    ];
    const s = summarizeVerdicts(verdicts);
    expect(s).toMatchObject({ verdict: 'FAIL', calls: 4, passed: 2, failed: 2, setupMs: { p50: 20, p95: 30, max: 30 }, roundTripMs: { p50: 100, p95: 140, max: 140 }, minCorrelation: 0.05 });
    expect(s.failures.map((f) => f.calls)).toEqual([1, 1]);
    expect(renderSummaryText(s)).toMatch(/^FAIL 2\/4 calls passed\n  setup       p50 20 ms, p95 30 ms, max 30 ms\n/);
    expect(JSON.parse(renderSummaryJson(s))).toMatchObject({ verdict: 'FAIL', calls: 4 });
    expect(summarizeVerdicts([]).verdict).toBe('FAIL');
  });
});

describe('echo endpoint output', () => {
  const CALL: EchoCallSummary = {
    callId: 'a84b4c76e66710@pc33',
    from: '"Alice" <sip:alice@192.0.2.1>;tag=1928',
    to: '<sip:echo@127.0.0.1>',
    transport: 'tls',
    remote: '127.0.0.1:40412',
    uui: Uint8Array.from(Buffer.from('04434153452D3230343831', 'hex')),
    codec: 'PCMU',
    srtpSuite: 'AES_CM_128_HMAC_SHA1_80',
    setupMs: 12.34,
    durationMs: 5021,
    packetsReceived: 250,
    packetsSent: 249,
    lossPercent: 0,
    jitterMs: 1.12,
    rttMs: 2.04,
    mos: 4.409,
    oneWay: false,
    endReason: 'caller-bye',
  };

  it('one logfmt line per call, in the order of issue 13', () => {
    expect(renderEchoCallText(CALL)).toBe(
      'call=a84b4c76e66710@pc33 from="\\"Alice\\" <sip:alice@192.0.2.1>;tag=1928" to=<sip:echo@127.0.0.1> transport=tls remote=127.0.0.1:40412 ' +
        'uui=04434153452D3230343831 uui_text=CASE-20481 codec=PCMU srtp=AES_CM_128_HMAC_SHA1_80 setup=12ms duration=5.02s ' +
        'packets_in=250 packets_out=249 loss=0.00% jitter=1.1ms rtt=2ms mos=4.41 one_way=no end=caller-bye\n',
    );
  });

  it('an unanswered call without UUI or SRTP', () => {
    const line = renderEchoCallText({ ...CALL, uui: null, codec: null, srtpSuite: null, setupMs: null, durationMs: 0, packetsReceived: 0, packetsSent: 0, lossPercent: null, jitterMs: null, rttMs: null, mos: null, oneWay: true, endReason: 'rejected 486' });
    expect(line).toContain(' uui=- codec=- srtp=off setup=- duration=0.00s packets_in=0 packets_out=0 loss=- jitter=- rtt=- mos=- one_way=yes end="rejected 486"\n');
  });

  it('hostile header text cannot break the line or reach the terminal raw', () => {
    const hostile = { ...CALL, from: 'x\r\ncall=forged \u001b[31m\u009b', callId: '' };
    const line = renderEchoCallText(hostile);
    expect(line.split('\n')).toHaveLength(2);
    expect(line).toContain('call="" from="x\\r\\ncall=forged \\u001b[31m\\u009b"');
    expect(renderEchoCallJson(hostile)).not.toMatch(/[\u0000-\u001f\u007f-\u009f](?!$)/);
    expect(JSON.parse(renderEchoCallJson(hostile)).from).toBe(hostile.from);
  });

  it('JSON: the decoded UUI as hex and text, figures rounded', () => {
    expect(JSON.parse(renderEchoCallJson(CALL))).toEqual({
      callId: 'a84b4c76e66710@pc33',
      from: '"Alice" <sip:alice@192.0.2.1>;tag=1928',
      to: '<sip:echo@127.0.0.1>',
      transport: 'tls',
      remote: '127.0.0.1:40412',
      uui: { hex: '04434153452D3230343831', text: 'CASE-20481' },
      codec: 'PCMU',
      srtpSuite: 'AES_CM_128_HMAC_SHA1_80',
      setupMs: 12.3,
      durationMs: 5021,
      packetsReceived: 250,
      packetsSent: 249,
      lossPercent: 0,
      jitterMs: 1.1,
      rttMs: 2,
      mos: 4.41,
      oneWay: false,
      endReason: 'caller-bye',
    });
  });

  it.each([
    ['IA5 text (discriminator 0x04, RFC 7434)', '04434153452D3230343831', 'CASE-20481'],
    ['printable ASCII without discriminator', '48656C6C6F', 'Hello'],
    ['binary', '00FF10', null],
    ['IA5 discriminator, binary payload', '0401', null],
  ])('describeUui: %s', (_, hex, text) => {
    expect(describeUui(Uint8Array.from(Buffer.from(hex, 'hex')))).toEqual({ hex, text });
  });

  it('the banner says where it listens and how to call it', () => {
    const banner = renderEchoBanner({
      listeners: [
        { transport: 'udp', address: '0.0.0.0', port: 5060 },
        { transport: 'tcp', address: '0.0.0.0', port: 5060 },
        { transport: 'tls', address: '::', port: 5061 },
      ],
      host: '203.0.113.10',
      srtp: 'optional',
      certPath: '/var/lib/trunkline/tls-cert.pem',
      fingerprint256: 'AB:CD',
      certCreated: true,
    });
    expect(banner).toContain('  listening  tls [::]:5061\n');
    expect(banner).toContain('  tls cert   /var/lib/trunkline/tls-cert.pem (new, self-signed)\n');
    expect(banner).toContain('  trunkline call sip:echo@203.0.113.10:5060\n');
    expect(banner).toContain('  trunkline call sip:echo@203.0.113.10:5060;transport=tcp\n');
    expect(banner).toContain('  trunkline call sips:echo@203.0.113.10:5061 --srtp mandatory --ca /var/lib/trunkline/tls-cert.pem\n');
  });
});

describe('echo that slipped in time', () => {
  it('passes on the piece-by-piece median and says the whole correlation fell', () => {
    const v = judgeCall({ ...GOOD, echo: { peak: 0.66, lagMs: 20, pieceMedian: 0.998 } });
    expect(v.verdict).toBe('PASS');
    expect(v.checks.find((c) => c.name === 'echo')?.detail).toBe('correlation 0.998 piece by piece (0.66 whole: the echo slipped in time on the way), round trip 20 ms');
  });
});
