/** The vote pipeline: a call through interceptors, to the runners, to the pure vote, to observers. */
export { createVotePipeline, type ContainedStage, type VotePipeline, type VotePipelineOptions } from './create-vote-pipeline.js';
export type { VoteCall, VoteCallInit } from './vote-call.js';
export type { VoteInterceptor, VoteNext } from './vote-interceptor.js';
export type { BallotJudge, VoteEvent, VoteObserver } from './vote-observer.js';
export { VoteFailure, type VersionRecord, type VoteEnd, type VoteRecord } from './vote-record.js';
export { DECIDE_WHEN_ALL_SETTLED, NOT_EVIDENCE, STANDING_DOWN } from './vote-roster.js';
export type { RetryPolicy } from './conduct-vote.js';
