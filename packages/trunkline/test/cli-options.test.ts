import { describe, expect, it } from 'vitest';
import { CliUsageError, parseCommandLine, TOP_HELP, type CallOptions, type EchoOptions, type LoadOptions } from '../src/cli/index.js';
import { TrunklineError } from '@trunkline/errors';

const echo = (...args: string[]): EchoOptions => {
  const line = parseCommandLine(['echo', ...args]);
  if (line.command !== 'echo') throw new Error(`expected echo, got ${line.command}`);
  return line.options;
};
const call = (...args: string[]): CallOptions => {
  const line = parseCommandLine(['call', ...args]);
  if (line.command !== 'call') throw new Error(`expected call, got ${line.command}`);
  return line.options;
};
const load = (...args: string[]): LoadOptions => {
  const line = parseCommandLine(['load', ...args]);
  if (line.command !== 'load') throw new Error(`expected load, got ${line.command}`);
  return line.options;
};
const usageError = (argv: string[]): CliUsageError => {
  try {
    parseCommandLine(argv);
  } catch (e) {
    if (e instanceof CliUsageError) return e;
    throw e;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
};

describe('trunkline (top level)', () => {
  it.each([[[]], [['--help']], [['-h']], [['help']]])('%j prints the command list', (argv) => {
    expect(parseCommandLine(argv)).toEqual({ command: 'help', text: TOP_HELP });
  });

  it.each([
    ['unknown command', ['dial', 'sip:x@y'], /unknown command "dial": expected echo, call, load or bridge/],
    ['bridge without --ws', ['bridge'], /--ws URL is required/],
  ])('%s', (_, argv, message) => {
    const e = usageError(argv);
    expect(e).toBeInstanceOf(TrunklineError);
    expect(e.code).toBe('CLI_USAGE');
    expect(e.message).toMatch(message);
  });

  it.each(['echo', 'call', 'load'])('%s --help prints every flag of its table and its defaults', (command) => {
    const line = parseCommandLine([command, '--help']);
    expect(line.command).toBe('help');
    const text = (line as { text: string }).text;
    expect(text).toMatch(new RegExp(`^Usage: trunkline ${command}`));
    expect(text).toContain('-h, --help');
    expect(text).toContain('Examples:');
  });
});

describe('trunkline echo (issue 13 flags)', () => {
  it('defaults: UDP/TCP 5060, TLS 5061, all transports, SRTP optional, bounded calls', () => {
    expect(echo()).toEqual({
      transports: ['udp', 'tcp', 'tls'],
      port: 5060,
      tlsPort: 5061,
      bind: '0.0.0.0',
      publicAddress: undefined,
      rtpPorts: undefined,
      certFile: undefined,
      keyFile: undefined,
      stateDir: undefined,
      srtp: 'optional',
      allowSdesOverCleartext: false,
      allow: [],
      ringMs: 0,
      rejectStatus: undefined,
      maxCalls: undefined,
      maxDurationMs: 3_600_000,
      recordDir: undefined,
      json: false,
      metricsPort: undefined,
      callRecords: undefined,
      livePage: false,
      pcapFile: undefined,
      hep: undefined,
      drainTimeoutMs: 600_000,
    });
  });

  it('every flag', () => {
    expect(
      echo(
        '--transports', 'udp,tls', '-p', '5080', '--tls-port', '5443', '--bind', '::', '--public-address', 'Echo.Example.COM',
        '--rtp-ports', '30000-30999', '--cert', 'c.pem', '--key', 'k.pem', '--state-dir', '/tmp/s', '--srtp', 'MANDATORY',
        '--allow-sdes-over-cleartext', '--allow', '198.51.100.0/24,2001:db8::/32', '--allow', '203.0.113.7', '--ring-ms', '3000',
        '--reject', '486', '--max-calls', '50', '--max-duration', '5m', '--record', 'rec', '--json',
        '--metrics-port', '9464', '--call-records', '-', '--drain-timeout', '90s', '--pcap', 'sip.pcap', '--hep', '[2001:db8::9]:9060', '--live-page',
      ),
    ).toEqual({
      transports: ['udp', 'tls'],
      port: 5080,
      tlsPort: 5443,
      bind: '::',
      publicAddress: 'echo.example.com',
      rtpPorts: [30000, 30999],
      certFile: 'c.pem',
      keyFile: 'k.pem',
      stateDir: '/tmp/s',
      srtp: 'mandatory',
      allowSdesOverCleartext: true,
      allow: ['198.51.100.0/24', '2001:db8::/32', '203.0.113.7'],
      ringMs: 3000,
      rejectStatus: 486,
      maxCalls: 50,
      maxDurationMs: 300_000,
      recordDir: 'rec',
      json: true,
      metricsPort: 9464,
      callRecords: '-',
      livePage: true,
      pcapFile: 'sip.pcap',
      hep: { address: '2001:db8::9', port: 9060 },
      drainTimeoutMs: 90_000,
    });
  });

  it('port 0 (ephemeral) makes the TLS port ephemeral too', () => {
    expect(echo('--port', '0')).toMatchObject({ port: 0, tlsPort: 0 });
  });

  it.each([
    ['unknown flag', ['--prot', '5060'], /Unknown option '--prot'.*see trunkline echo --help/],
    ['missing value', ['--port'], /--port.*argument missing|argument missing.*--port/i],
    ['positional', ['5060'], /unexpected argument "5060"/],
    ['port out of range', ['--port', '70000'], /--port: must be from 0 to 65535, got 70000/],
    ['port not a number', ['--port', 'five'], /--port: expected a whole number, got "five"/],
    ['TLS on the TCP port', ['--tls-port', '5060'], /--tls-port 5060 is the TCP port too/],
    ['bad transport', ['--transports', 'udp,sctp'], /--transports: expected one of udp, tcp, tls; got "sctp"/],
    ['bad srtp', ['--srtp', 'required'], /--srtp: expected one of off, optional, mandatory; got "required"/],
    ['cert without key', ['--cert', 'c.pem'], /--cert and --key go together/],
    ['bad CIDR', ['--allow', '198.51.100.0/33'], /--allow: expected an address or CIDR prefix/],
    ['CIDR list by spaces', ['--allow', '10.0.0.0/8', '192.168.0.0/16'], /unexpected argument "192.168.0.0\/16"/],
    ['reject 200', ['--reject', '200'], /--reject: must be from 300 to 699, got 200/],
    ['ring too long', ['--ring-ms', '999999'], /--ring-ms: must be from 0 to 180000/],
    ['max duration unit', ['--max-duration', '5 days'], /--max-duration: expected seconds or a duration like 500ms/],
    ['odd RTP port', ['--rtp-ports', '20001-20999'], /--rtp-ports: MIN must be even/],
    ['bind a name', ['--bind', 'localhost'], /--bind: expected an IPv4 or IPv6 address/],
    ['public address garbage', ['--public-address', 'a b'], /--public-address: expected an IP address or host name/],
    ['max-calls 0', ['--max-calls', '0'], /--max-calls: must be from 1/],
  ])('%s → CLI_USAGE', (_, args, message) => {
    const e = usageError(['echo', ...args]);
    expect(e.command).toBe('echo');
    expect(e.message).toMatch(message);
  });
});

describe('trunkline call (issue 13 flags)', () => {
  it('the issue example', () => {
    const o = call('sips:echo@127.0.0.1:5061', '--uui', '04434153452D3230343831', '--srtp', 'mandatory', '--duration', '5', '--ca', 'ca.pem', '--transport', 'tls', '--json');
    expect(o).toMatchObject({
      uri: 'sips:echo@127.0.0.1:5061',
      srtp: 'mandatory',
      transport: 'tls',
      durationMs: 5000,
      timeoutMs: 30_000,
      caFile: 'ca.pem',
      insecure: false,
      json: true,
      repeat: 1,
      concurrency: 1,
      thresholds: { minCorrelation: 0.9, maxLossPercent: 5, maxJitterMs: 50 },
    });
    expect([...o.uui!.data]).toEqual([0x04, ...Buffer.from('CASE-20481')]);
  });

  it('UUI with parameters, repeat and concurrency, thresholds, timeouts with units', () => {
    const o = call(
      'sip:echo@192.0.2.10;transport=tcp', '--uui', '0401;encoding=hex;purpose=isdn-uui', '-n', '20', '-c', '4', '-t', '2500ms', '-d', '1m',
      '--min-correlation', '0.95', '--max-loss', '1.5', '--max-jitter', '30', '-k', '--srtp', 'off', '--port', '5070', '--public-address', '203.0.113.9',
    );
    expect(o).toMatchObject({ repeat: 20, concurrency: 4, timeoutMs: 2500, durationMs: 60_000, insecure: true, srtp: 'off', port: 5070, publicAddress: '203.0.113.9' });
    expect(o.uui).toMatchObject({ purpose: 'isdn-uui' });
    expect(o.thresholds).toEqual({ minCorrelation: 0.95, maxLossPercent: 1.5, maxJitterMs: 30 });
  });

  it('SRTP mandatory over cleartext needs --allow-sdes-over-cleartext (RFC 4568 §8.3)', () => {
    expect(usageError(['call', 'sip:echo@192.0.2.10', '--srtp', 'mandatory']).message).toMatch(/--srtp mandatory over udp would send the SRTP keys in cleartext/);
    expect(usageError(['call', 'sip:echo@192.0.2.10;transport=tcp', '--srtp', 'mandatory']).message).toMatch(/over tcp/);
    expect(call('sip:echo@192.0.2.10', '--srtp', 'mandatory', '--allow-sdes-over-cleartext').srtp).toBe('mandatory');
    expect(call('sip:echo@192.0.2.10', '--srtp', 'mandatory', '--transport', 'tls').transport).toBe('tls');
  });

  it.each([
    ['no URI', [], /missing the URI to call/],
    ['not a SIP URI', ['http://example.com'], /uri: expected a SIP URI like sip:echo@/],
    ['URI port out of range', ['sip:echo@192.0.2.1:99999'], /port 99999 is out of range/],
    ['two URIs', ['sip:a@b', 'sip:c@d'], /unexpected argument "sip:c@d"/],
    ['sips over udp', ['sips:echo@example.com', '--transport', 'udp'], /a sips: URI must be reached over TLS \(RFC 3261 §26.2.2\)/],
    ['UUI not hex', ['sip:a@b', '--uui', 'xyz'], /--uui: .*expected hex octets/],
    ['UUI odd length', ['sip:a@b', '--uui', '043'], /--uui: /],
    ['insecure and ca', ['sips:a@b', '-k', '--ca', 'x.pem'], /--insecure and --ca contradict each other/],
    ['concurrency above repeat', ['sip:a@b', '-c', '5'], /--concurrency 5 exceeds --repeat 1/],
    ['duration too short', ['sip:a@b', '-d', '0.5'], /--duration: must be from 1 s to 3600 s, got 0.5 s/],
    ['correlation above 1', ['sip:a@b', '--min-correlation', '1.5'], /--min-correlation: must be from 0 to 1/],
    ['repeat not a number', ['sip:a@b', '--repeat', 'ten'], /--repeat: expected a whole number/],
  ])('%s → CLI_USAGE', (_, args, message) => {
    const e = usageError(['call', ...args]);
    expect(e.command).toBe('call');
    expect(e.message).toMatch(message);
  });
});

describe('trunkline load (issue 14 flags)', () => {
  it('concurrency or rate, bounded in time and count', () => {
    expect(load('sip:echo@127.0.0.1', '-c', '200')).toMatchObject({ concurrency: 200, rate: undefined, durationMs: 60_000, holdMs: 10_000, rampMs: 0, srtp: 'off' });
    expect(load('sip:echo@127.0.0.1', '-r', '12.5', '--hold', '1s', '--max-calls', '1000', '--endpoint-pid', '4242', '--json')).toMatchObject({
      rate: 12.5,
      holdMs: 1000,
      maxCalls: 1000,
      endpointPid: 4242,
      json: true,
    });
  });

  it.each([
    ['neither', ['sip:a@b'], /exactly one of --concurrency N .* or --rate R/],
    ['both', ['sip:a@b', '-c', '1', '-r', '1'], /exactly one of/],
    ['no URI', ['-c', '1'], /missing the URI/],
  ])('%s → CLI_USAGE', (_, args, message) => {
    expect(usageError(['load', ...args]).message).toMatch(message);
  });
});
