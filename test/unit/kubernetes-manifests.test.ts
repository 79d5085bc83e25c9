import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Service } from 'kubernetes-models/v1';
import { GATEWAY_CONFIG, manifests, manifestsYaml } from '../../tools/deploy/kubernetes-manifests.js';
import { resolveConfig } from '../../voter/config.js';
import { builtInMethods } from '../../voter/methods/built-in.js';

describe('the Kubernetes manifests', () => {
  it('are exactly what their typed source generates (npm run generate:kubernetes)', () => {
    expect(readFileSync(new URL('../../deploy/kubernetes/nvote.yaml', import.meta.url), 'utf8')).toBe(manifestsYaml());
  });

  it('validate against the Kubernetes schemas, and the validation is real', () => {
    for (const manifest of manifests()) expect(() => manifest.validate()).not.toThrow();
    expect(() => new Service({ metadata: { name: 'broken' }, spec: { ports: [{ port: 'grpc' as unknown as number }] } }).validate()).toThrow(/port must be integer/);
    const kinds = parseAllDocuments(manifestsYaml()).map(document => (document.toJS() as { kind: string }).kind);
    expect(kinds).toEqual(['ConfigMap', 'Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'ServiceMonitor', 'Deployment', 'Service']);
  });

  it('give the gateway a configuration it accepts, and probe health names it serves', () => {
    const config = resolveConfig(GATEWAY_CONFIG, builtInMethods);
    expect(config.methods.find(settings => settings.method.name === 'Sort')?.versions.map(version => version.id)).toContain('sort-python');
    interface Document {
      kind: string;
      metadata: { name: string };
      spec: { template: { spec: { containers: { readinessProbe: { grpc: { service: string } }; livenessProbe: { grpc: { service: string } } }[] } } };
    }
    const documents = parseAllDocuments(manifestsYaml()).map(document => document.toJS() as Document);
    const gateway = documents.find(document => document.kind === 'Deployment' && document.metadata.name === 'nvote');
    if (gateway === undefined) throw new Error('no gateway Deployment');
    const [container] = gateway.spec.template.spec.containers;
    expect(container?.readinessProbe.grpc.service).toBe('nvote.v1.ComputeService');
    expect(container?.livenessProbe.grpc.service).toBe('');
  });
});
