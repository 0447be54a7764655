#!/usr/bin/env node
/**
 * `trunkline echo | call | load`: the command-line programs.
 *
 * @module
 */
import { parseCommandLine, CliUsageError, USAGE_EXIT_CODE, renderEchoBanner, renderEchoCallJson, renderEchoCallText } from './cli/index.js';
import { renderSummaryJson, renderSummaryText, renderVerdictJson, renderVerdictText, summarizeVerdicts } from './cli/index.js';
import type { CallOptions, EchoOptions } from './cli/index.js';
import { startEchoEndpoint } from './echo/echo-endpoint.js';
import { runTestCall, runTestCalls } from './caller/test-call.js';

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
    case 'load':
      throw new CliUsageError('trunkline load is not available in this version', 'load');
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
