#!/usr/bin/env node
/** The `nvote` command: `nvote call ...` and `nvote campaign ...`. */
import { runCallCommand } from './call-command.js';
import { runCampaignCommand } from './campaign-command.js';

const USAGE = `usage: nvote <command> [options]
  call METHOD 'JSON'   call a voted RPC and print the answer and the vote report
  campaign [options]   run a fault-injection campaign and check every answer (--help for options)`;

const [command, ...args] = process.argv.slice(2);
if (command === 'call') process.exitCode = await runCallCommand(args);
else if (command === 'campaign') process.exitCode = await runCampaignCommand(args, { stdout: process.stdout, stderr: process.stderr });
else if (command === undefined || command === '--help' || command === '-h') console.log(USAGE);
else {
  console.error(`unknown command "${command}"\n${USAGE}`);
  process.exitCode = 2;
}
