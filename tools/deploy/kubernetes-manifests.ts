import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { stringify } from 'yaml';

// Every number here is explained in docs/deploy.md, with the measurement it comes from.
const GRPC_PORT = 50051;
const METRICS_PORT = 9464;
const REMOTE_PORT = 50061;
const LABELS = { 'app.kubernetes.io/name': 'nvote', 'app.kubernetes.io/component': 'gateway' };
const REMOTE_LABELS = { 'app.kubernetes.io/name': 'nvote', 'app.kubernetes.io/component': 'version-sort-python' };

/** The gateway's configuration: the built-in versions, and Sort's Python version as a remote one. */
export const GATEWAY_CONFIG = {
  listen: `0.0.0.0:${GRPC_PORT}`,
  metricsListen: `0.0.0.0:${METRICS_PORT}`,
  threadsPerVersion: 2,
  minThreadsPerVersion: 1,
  methods: {
    Sort: {
      versions: ['sort-merge', 'sort-heap', 'sort-radix', 'sort-typed-array', { id: 'sort-python', address: `nvote-sort-python:${REMOTE_PORT}` }],
    },
  },
};

export interface Manifest {
  validate(): void;
  toJSON(): unknown;
}

/** The manifests, as typed kubernetes-models objects (each validated against its schema). */
export function manifests(): Manifest[] {
  const config = new ConfigMap({
    metadata: { name: 'nvote-config', labels: LABELS },
    data: { 'nvote.json': `${JSON.stringify(GATEWAY_CONFIG, null, 2)}\n` },
  });
  const gateway = new Deployment({
    metadata: { name: 'nvote', labels: LABELS },
    spec: {
      replicas: 2,
      selector: { matchLabels: LABELS },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: LABELS },
        spec: {
          // The gateway drains for shutdownGraceMs (5 s) and exits within 2.5 s more.
          terminationGracePeriodSeconds: 15,
          containers: [
            {
              name: 'gateway',
              image: 'nvote:latest',
              ports: [
                { name: 'grpc', containerPort: GRPC_PORT },
                { name: 'metrics', containerPort: METRICS_PORT },
              ],
              env: [{ name: 'NVOTE_CONFIG', value: '/etc/nvote/nvote.json' }],
              volumeMounts: [{ name: 'config', mountPath: '/etc/nvote', readOnly: true }],
              resources: { requests: { cpu: '1', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } },
              // Loading 17 versions in their threads takes 0.2-2 s; a slow node gets a minute.
              startupProbe: { grpc: { port: GRPC_PORT, service: '' }, periodSeconds: 2, failureThreshold: 30 },
              // Ready while every method can form a majority: a pod whose versions fail leaves the Service.
              readinessProbe: { grpc: { port: GRPC_PORT, service: 'nvote.v1.ComputeService' }, periodSeconds: 5, failureThreshold: 2 },
              // Alive while the server answers at all: NOT_SERVING only when no method can vote, or while draining.
              livenessProbe: { grpc: { port: GRPC_PORT, service: '' }, periodSeconds: 10, failureThreshold: 6 },
              // The image's user `node` is uid 1000; a numeric uid lets the kubelet verify runAsNonRoot.
              securityContext: { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            },
          ],
          volumes: [{ name: 'config', configMap: { name: 'nvote-config' } }],
        },
      },
    },
  });
  const headless = new Service({
    metadata: { name: 'nvote', labels: LABELS },
    spec: {
      // Headless: DNS returns every ready pod, for clients' round_robin (deploy/client/service-config.json).
      clusterIP: 'None',
      selector: LABELS,
      ports: [
        { name: 'grpc', port: GRPC_PORT, targetPort: 'grpc' },
        { name: 'metrics', port: METRICS_PORT, targetPort: 'metrics' },
      ],
    },
  });
  const disruptionBudget = new PodDisruptionBudget({
    metadata: { name: 'nvote', labels: LABELS },
    spec: { minAvailable: 1, selector: { matchLabels: LABELS } },
  });
  const autoscaler = new HorizontalPodAutoscaler({
    metadata: { name: 'nvote', labels: LABELS },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nvote' },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  });
  const monitor = new ServiceMonitor({
    metadata: { name: 'nvote', labels: LABELS },
    spec: { selector: { matchLabels: LABELS }, endpoints: [{ port: 'metrics', interval: '15s', path: '/metrics' }] },
  });
  const remote = new Deployment({
    metadata: { name: 'nvote-sort-python', labels: REMOTE_LABELS },
    spec: {
      replicas: 2,
      selector: { matchLabels: REMOTE_LABELS },
      template: {
        metadata: { labels: REMOTE_LABELS },
        spec: {
          containers: [
            {
              name: 'sort-python',
              // docker build -f examples/python-sort/Dockerfile -t nvote-sort-python .
              image: 'nvote-sort-python:latest',
              ports: [{ name: 'grpc', containerPort: REMOTE_PORT }],
              resources: { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
              readinessProbe: { tcpSocket: { port: 'grpc' }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: 'grpc' }, periodSeconds: 10, failureThreshold: 6 },
              // The image's user `nobody` (65534) owns the example's folder, where run.sh keeps its stubs.
              securityContext: { runAsNonRoot: true, runAsUser: 65534, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  });
  const remoteService = new Service({
    metadata: { name: 'nvote-sort-python', labels: REMOTE_LABELS },
    spec: { selector: REMOTE_LABELS, ports: [{ name: 'grpc', port: REMOTE_PORT, targetPort: 'grpc' }] },
  });
  return [config, gateway, headless, disruptionBudget, autoscaler, monitor, remote, remoteService];
}

/** deploy/kubernetes/nvote.yaml: every manifest, validated, as one multi-document YAML file. */
export function manifestsYaml(): string {
  const all = manifests();
  for (const manifest of all) manifest.validate();
  return `# Generated by npm run generate:kubernetes from tools/deploy/kubernetes-manifests.ts; see docs/deploy.md.\n${all
    .map(manifest => stringify(manifest.toJSON(), { lineWidth: 0 }))
    .join('---\n')}`;
}
