#!/usr/bin/env node
/**
 * `trunkline echo | call | load | bridge`: the command-line programs.
 *
 * @module
 */
import { parseCommandLine, CliUsageError, USAGE_EXIT_CODE, renderEchoBanner, renderEchoCallJson, renderEchoCallText } from './cli/index.js';
import { renderSummaryJson, renderSummaryText, renderVerdictJson, renderVerdictText, summarizeVerdicts } from './cli/index.js';
import type { BridgeOptions, CallOptions, EchoOptions, LoadOptions } from './cli/index.js';
import { renderBridgeCallJson, renderBridgeCallText, startBridgeEndpoint } from './bridge/bridge-endpoint.js';
import { startEchoEndpoint } from './echo/echo-endpoint.js';
import { runTestCall, runTestCalls } from './caller/test-call.js';
import { renderLoadProgress, renderLoadResult, runLoad } from './load/index.js';

/** How long SIGINT/SIGTERM waits for calls to end with BYE before exiting anyway. */
const SHUTDOWN_GRACE_MS = 5000;

async function echo(options: EchoOptions): Promise<number> {
  const endpoint = await startEchoEndpoint(options, {
    onCall: (s) => process.stdout.write(options.json ? renderEchoCallJson(s) : renderEchoCallText(s)),
    onError: (e) => process.stderr.write(`echo: ${e instanceof Error ? e.message : String(e)}\n`),
  });
  if (!options.json) process.stdout.write(renderEchoBanner(endpoint.banner));
  else process.stdout.write(`${JSON.stringify({ event: 'listening', ...endpoint.banner })}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      off();
      const force = setTimeout(resolve, SHUTDOWN_GRACE_MS);
      force.unref();
      void endpoint.close().finally(resolve);
    };
    // SIGUSR1 (or POST /drain on --metrics-port): new INVITEs get 503, exit 0 once the last call ended.
    const drain = (): void => void endpoint.drain();
    const off = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.off('SIGUSR1', drain);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.on('SIGUSR1', drain);
    void endpoint.closed.then(() => {
      off();
      resolve();
    });
  });
  return 0;
}

async function bridge(options: BridgeOptions): Promise<number> {
  const endpoint = await startBridgeEndpoint(options, {
    onCall: (s) => process.stdout.write(options.listener.json ? renderBridgeCallJson(s) : renderBridgeCallText(s)),
    onError: (e) => process.stderr.write(`bridge: ${e instanceof Error ? e.message : String(e)}\n`),
  });
  const listeners = endpoint.ua.addresses.map((a) => `${a.protocol} ${a.address}:${a.port}`);
  process.stdout.write(
    options.listener.json
      ? `${JSON.stringify({ event: 'listening', listeners: endpoint.ua.addresses, ws: options.wsUrl, codec: options.codec })}\n`
      : `trunkline bridge: SIP on ${listeners.join(', ')} → ${options.wsUrl} (${options.codec}); Ctrl-C to stop\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      const force = setTimeout(resolve, SHUTDOWN_GRACE_MS);
      force.unref();
      void endpoint.close().finally(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

const withNewline = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);

async function call(options: CallOptions): Promise<number> {
  if (options.repeat === 1) {
    const v = await runTestCall(options);
    process.stdout.write(withNewline(options.json ? renderVerdictJson(v) : renderVerdictText(v)));
    return v.verdict === 'PASS' ? 0 : 1;
  }
  const verdicts = await runTestCalls(options);
  const summary = summarizeVerdicts(verdicts);
  process.stdout.write(withNewline(options.json ? renderSummaryJson(summary) : renderSummaryText(summary)));
  return verdicts.every((v) => v.verdict === 'PASS') ? 0 : 1;
}

async function load(options: LoadOptions): Promise<number> {
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Progress goes to stderr (rewritten in place on a terminal), the result to stdout.
  const tty = process.stderr.isTTY;
  const result = await runLoad(options, {
    signal: stop.signal,
    onProgress: (p) => process.stderr.write(tty ? `\r\x1b[K${renderLoadProgress(p)}` : `${renderLoadProgress(p)}\n`),
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (tty) process.stderr.write('\n');
  process.stdout.write(options.json ? `${JSON.stringify(result)}\n` : renderLoadResult(result));
  return result.calls.failed === 0 ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const cli = parseCommandLine(argv);
  switch (cli.command) {
    case 'help':
      process.stdout.write(cli.text);
      return 0;
    case 'echo':
      return echo(cli.options);
    case 'call':
      return call(cli.options);
    case 'bridge':
      return bridge(cli.options);
    case 'load':
      return load(cli.options);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof CliUsageError) {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = USAGE_EXIT_CODE;
      return;
    }
    process.stderr.write(`trunkline: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  },
);
