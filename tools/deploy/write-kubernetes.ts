/** `npm run generate:kubernetes`: writes deploy/kubernetes/nvote.yaml from kubernetes-manifests.ts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { manifestsYaml } from './kubernetes-manifests.js';

const directory = new URL('../../deploy/kubernetes/', import.meta.url);
mkdirSync(directory, { recursive: true });
const target = new URL('nvote.yaml', directory);
writeFileSync(target, manifestsYaml());
console.log(`wrote ${target.pathname}`);
