/** History-weighted voting: an observer keeps each version's reliability, the vote reads it as weights. */
export { createWeightedVoting, type WeightedMethod, type WeightedVoting, type WeightSnapshot } from './weighted-voting.js';
