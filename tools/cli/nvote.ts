#!/usr/bin/env node
/** The `nvote` command: the only file of the CLI that reads `process`. */
import { isatty } from 'node:tty';
import { runCallCommand } from './call-command.js';
import { runCampaignCommand } from './campaign-command.js';
import type { CliIo } from './cli-io.js';
import { runFaultsCommand } from './faults-command.js';
import { runReplayCommand } from './replay-command.js';
import { UsageError } from './usage-error.js';

const USAGE = `usage: nvote <command> [options]   (nvote <command> --help for its options)
  call METHOD [JSON | --file PATH | -]   call a voted RPC; print the answer and the vote report
  faults inject|list|clear ...           plant, list and clear faults on a gateway with fault injection
  campaign [options]                     run a fault-injection campaign and check every answer
  replay JOURNAL [--target HOST:PORT]    re-send a disagreement journal's inputs; say what is fixed, still or newly failing`;

const COMMANDS: Readonly<Record<string, (args: readonly string[], io: CliIo) => Promise<number>>> = {
  call: runCallCommand,
  faults: runFaultsCommand,
  campaign: runCampaignCommand,
  replay: runReplayCommand,
};

const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdinIsTTY: isatty(0),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

const [command, ...args] = process.argv.slice(2);
const run = command === undefined ? undefined : COMMANDS[command];
if (run !== undefined) {
  try {
    process.exitCode = await run(args, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const help = error.pointToHelp ? ` (nvote ${command} --help for usage)` : '';
    process.stderr.write(`nvote ${command}: ${error.message}${help}\n`);
    process.exitCode = 2;
  }
} else if (command === undefined || command === '--help' || command === '-h') {
  process.stdout.write(`${USAGE}\n`);
} else {
  process.stderr.write(`nvote: unknown command "${command}"\n${USAGE}\n`);
  process.exitCode = 2;
}
