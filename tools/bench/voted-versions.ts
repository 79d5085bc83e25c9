import { Client, credentials, status } from '@grpc/grpc-js';
import { unaryCall } from '../../client/index.js';
import { ComputeServiceService } from '../../voter/gen/nvote/v1/compute_service.js';

const DEADLINE_MS = 10_000;

/** The versions a gateway votes over for Sort or Statistics, in configuration order, from the report of one small call. */
export async function votedVersions(address: string, method: 'Sort' | 'Statistics'): Promise<string[]> {
  const client = new Client(address, credentials.createInsecure());
  try {
    const result =
      method === 'Sort'
        ? await unaryCall(client, ComputeServiceService.sort, { values: [2n, 1n] }, { deadlineMs: DEADLINE_MS })
        : await unaryCall(client, ComputeServiceService.statistics, { values: [1, 2, 4] }, { deadlineMs: DEADLINE_MS });
    if (result.report === undefined) throw new Error(`the gateway did not vote on a ${method} (${status[result.status]} ${result.details})`);
    return result.report.versions.map(version => version.version);
  } finally {
    client.close();
  }
}
