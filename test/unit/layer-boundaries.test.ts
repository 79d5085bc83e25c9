import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const eslint = new ESLint({ cwd: ROOT });

async function problemsOf(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  return (result?.messages ?? []).map(message => message.message);
}

/** Each rule of tools/lint/layer-boundaries.js refuses a file that breaks it, and only such a file. */
describe('lint keeps the layers apart', () => {
  it.each([
    ['voter/vote importing fault code', 'voter/vote/bad.ts', "import { FAULT_KINDS } from '../faults/index.js';\nexport const kinds = FAULT_KINDS;\n", 'voter/vote imports only itself'],
    ['voter/vote importing zod', 'voter/vote/bad.ts', "import { z } from 'zod';\nexport const schema = z.string();\n", 'voter/vote imports only itself'],
    ['voter/vote importing a gRPC client', 'voter/vote/bad.ts', "import { Client } from '@grpc/grpc-js';\nexport const client = Client;\n", 'only the gRPC edge'],
    ['the pipeline importing fault code', 'voter/pipeline/bad.ts', "import { FAULT_KINDS } from '../faults/index.js';\nexport const kinds = FAULT_KINDS;\n", 'the pipeline imports only'],
    ['the pipeline importing metrics', 'voter/pipeline/bad.ts', "import { createMetrics } from '../metrics/index.js';\nexport const metrics = createMetrics;\n", 'the pipeline imports only'],
    ['the pipeline importing the edge', 'voter/pipeline/bad.ts', "import { toServiceError } from '../grpc/index.js';\nexport const map = toServiceError;\n", 'the pipeline imports only'],
    ['a runner reaching generated code', 'voter/runners/worker/bad.ts', "import { SortRequest } from '../../gen/nvote/v1/compute_service.js';\nexport const codec = SortRequest;\n", 'only the gRPC edge'],
    ['metrics importing grpc-js', 'voter/metrics/bad.ts', "import { status } from '@grpc/grpc-js';\nexport const codes = status;\n", 'only the gRPC edge'],
    ['a method importing generated code at run time', 'voter/methods/bad.ts', "import { ComputeServiceService } from '../gen/nvote/v1/compute_service.js';\nexport const service = ComputeServiceService;\n", 'only the gRPC edge'],
    ['a folder reaching past another folder\u2019s entry', 'voter/health/bad.ts', "import { createWorkerRunner } from '../runners/worker/worker-runner.js';\nexport const create = createWorkerRunner;\n", "the folder's public entry"],
    ['a tool importing the gateway', 'tools/bad.ts', "import { createApp } from '../voter/app.js';\nexport const app = createApp;\n", 'tools import only generated code'],
    ['the client library importing the gateway', 'client/bad.ts', "import { NvoteError } from '../voter/errors.js';\nexport const error = NvoteError;\n", 'client/ imports only'],
  ])('refuses %s', async (_, file, code, message) => {
    const problems = await problemsOf(code, file);
    expect(problems.some(problem => problem.includes(message)), problems.join('; ')).toBe(true);
  });

  it.each([
    ['the pipeline using runners, vote and errors', 'voter/pipeline/ok.ts', "import type { VersionRunner } from '../runners/index.js';\nimport type { Voter } from '../vote/index.js';\nimport { NvoteError } from '../errors.js';\nexport const pair = (runner: VersionRunner, voter: Voter<unknown, unknown>) => [runner, voter, new NvoteError('INTERNAL', 'x')];\n"],
    ['the vote using the contract\u2019s types', 'voter/vote/ok.ts', "import type { SortValue } from '../../versions/contract.js';\nimport type { Ballot } from './ballot.js';\nexport type SortBallot = Ballot<SortValue>;\n"],
    ['the edge using grpc-js and generated code', 'voter/grpc/ok.ts', "import { status } from '@grpc/grpc-js';\nimport { SortRequest } from '../gen/nvote/v1/compute_service.js';\nexport const pair = [status, SortRequest];\n"],
    ['the remote runner using grpc-js', 'voter/runners/remote/ok.ts', "import { Client } from '@grpc/grpc-js';\nexport const client = Client;\n"],
    ['a method using generated types only', 'voter/methods/ok.ts', "import type { SortRequest } from '../gen/nvote/v1/compute_service.js';\nexport type Request = SortRequest;\n"],
    ['a fault plug-in using the pipeline\u2019s entry', 'voter/faults/ok.ts', "import type { VoteInterceptor } from '../pipeline/index.js';\nexport type Plug = VoteInterceptor;\n"],
  ])('accepts %s', async (_, file, code) => {
    expect(await problemsOf(code, file)).toEqual([]);
  });
});
