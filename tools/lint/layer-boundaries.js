// The import rules that keep the house readable in one direction (edge → pipeline → runners →
// vote → observers), enforced by ESLint: paths are resolved, so no spelling of an import slips past.
import { dirname, relative, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');

/** Where a repository path sits: `voter/<folder>` for a gateway folder, else its top folder. */
function zoneOf(path) {
  const parts = path.split('/');
  if (parts[0] === 'voter') return parts.length > 2 ? `voter/${parts[1]}` : 'voter';
  return parts[0];
}

function under(path, prefix) {
  return path === prefix || path.startsWith(`${prefix}/`);
}

const GRPC_ALLOWED = ['voter/grpc', 'voter/runners/remote', 'voter/healthcheck.ts', 'client', 'tools', 'test', 'bench'];

/** Every problem with one import, as messages (empty when it is allowed). */
function problemsOf(file, target, typeOnly) {
  const problems = [];
  const zone = zoneOf(file);
  const isGrpc = target.package?.startsWith('@grpc/') || (target.path !== undefined && under(target.path, 'voter/gen'));
  if (isGrpc && !GRPC_ALLOWED.some(prefix => under(file, prefix)) && !(typeOnly && under(file, 'voter/methods'))) {
    problems.push('only the gRPC edge (voter/grpc) and the remote runner import @grpc/* and generated code');
  }
  const path = target.path;
  if (path !== undefined && zone.startsWith('voter') && under(path, 'voter')) {
    const targetZone = zoneOf(path);
    if (targetZone !== zone && targetZone !== 'voter' && targetZone !== 'voter/gen' && !path.endsWith('/index.ts') && !path.endsWith('/index.js')) {
      problems.push(`import ${targetZone}/index.js, the folder's public entry, not ${path}`);
    }
  }
  if (zone === 'voter/pipeline') {
    const allowed = target.builtin || (path !== undefined && (under(path, 'voter/pipeline') || ['voter/runners/index.js', 'voter/vote/index.js', 'voter/errors.js'].includes(path)));
    if (!allowed) problems.push('the pipeline imports only its own folder, voter/runners, voter/vote and voter/errors: no faults, metrics or edge code');
  }
  if (zone === 'voter/vote') {
    const allowed = (path !== undefined && under(path, 'voter/vote')) || (typeOnly && path === 'versions/contract.js');
    if (!allowed) problems.push("voter/vote imports only itself and the contract's types: it is pure");
  }
  if (zone === 'tools' && !target.builtin && target.package === undefined) {
    const allowed =
      path !== undefined &&
      (under(path, 'tools') || under(path, 'client') || under(path, 'voter/gen') || (under(file, 'tools/bench') && under(path, 'versions')));
    if (!allowed) problems.push('tools import only generated code (voter/gen), client/ and their own folder: they talk to the gateway over gRPC');
  }
  if (zone === 'client' && !target.builtin) {
    const allowed = target.package?.startsWith('@grpc/') || (path !== undefined && (under(path, 'client') || under(path, 'voter/gen')));
    if (!allowed) problems.push('client/ imports only @grpc/*, generated code and itself');
  }
  return problems;
}

function targetOf(file, specifier) {
  if (specifier.startsWith('node:')) return { builtin: true };
  if (specifier.startsWith('.')) {
    const path = relative(ROOT, resolve(ROOT, dirname(file), specifier));
    return { path: path.replace(/\.ts$/, '.js') };
  }
  const parts = specifier.split('/');
  return { package: specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0] };
}

const rule = {
  meta: { type: 'problem', schema: [], docs: { description: 'layer and folder boundaries of nvote' } },
  create(context) {
    const file = relative(ROOT, context.filename);
    if (file.startsWith('..') || under(file, 'voter/gen')) return {};
    const check = (node, source, typeOnly) => {
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
      for (const message of problemsOf(file, targetOf(file, source.value), typeOnly)) context.report({ node, message });
    };
    const typeOnlyImport = node =>
      node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every(specifier => specifier.importKind === 'type'));
    return {
      ImportDeclaration: node => check(node, node.source, typeOnlyImport(node)),
      ExportNamedDeclaration: node => check(node, node.source, node.exportKind === 'type'),
      ExportAllDeclaration: node => check(node, node.source, node.exportKind === 'type'),
      ImportExpression: node => check(node, node.source, false),
    };
  },
};

export default { rules: { 'layer-boundaries': rule } };
