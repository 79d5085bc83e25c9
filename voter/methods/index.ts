/** The voted RPCs: what each one means to the gateway, and its versions. */
export { builtInMethods } from './built-in.js';
export { defineVotedMethod, versionModule, type AnyVotedMethod, type VersionModule, type VotedMethod } from './voted-method.js';
