// The layer rule of ARCHITECTURE.md / STYLE.md, as a lint error (VS Code's habit): every import is
// resolved to the folder it lands in and checked against what the importing file's layer may use.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** The plain-Node rooms of electron/, for their tests: a test composes real parts across them (and a central service). */
const plainNodeTests = ['electron/common/', 'electron/store/', 'electron/imaging/', 'electron/sync/', 'electron/api/', 'electron/host/', 'shared/', 'server/', 'resources/'];
const api = ['electron/api/', 'electron/common/', 'electron/store/', 'electron/imaging/', 'electron/sync/', 'shared/', 'resources/'];

/**
 * Ordered: the first prefix that matches a file's path (relative to the repo root) names its layer. `internal`: the
 * folders its production code may import; `typesFrom`: folders it may import types from only (`import type`);
 * `tests`: what its *.test.ts files may import instead of `internal` (all may import tests/support/ too).
 */
const layers = [
  { prefix: 'electron/main/', name: 'electron/main', internal: ['electron/', 'shared/'], electron: true, node: true },
  { prefix: 'electron/preload/', name: 'electron/preload', internal: ['electron/preload/', 'shared/'], electron: true, node: false },
  { prefix: 'electron/host/browser/', name: 'browser transport', internal: ['electron/host/browser/', 'shared/'], electron: false, node: false },
  { prefix: 'electron/host/', name: 'electron/host', internal: ['electron/host/', 'electron/api/', 'electron/common/', 'shared/'], tests: plainNodeTests, electron: false, node: true },
  // Only the embedded central service's launcher and its worker thread run server/ inside the app.
  { prefix: 'electron/api/embeddedCentral', name: 'the embedded central service', internal: [...api, 'server/'], tests: plainNodeTests, electron: false, node: true },
  { prefix: 'electron/api/', name: 'electron/api', internal: api, tests: plainNodeTests, electron: false, node: true },
  { prefix: 'electron/sync/', name: 'electron/sync', internal: ['electron/sync/', 'electron/common/', 'shared/'], typesFrom: ['electron/store/', 'electron/imaging/'], tests: plainNodeTests, electron: false, node: true },
  { prefix: 'electron/store/', name: 'electron/store', internal: ['electron/store/', 'electron/common/', 'shared/'], tests: plainNodeTests, electron: false, node: true },
  { prefix: 'electron/imaging/', name: 'electron/imaging', internal: ['electron/imaging/', 'electron/common/', 'shared/'], tests: plainNodeTests, electron: false, node: true },
  { prefix: 'electron/common/', name: 'electron/common', internal: ['electron/common/', 'shared/'], tests: plainNodeTests, electron: false, node: true },
  // A new folder under electron/ gets the narrowest room until it is given a line above.
  { prefix: 'electron/', name: 'electron (a folder with no layer yet)', internal: ['shared/'], electron: false, node: true },
  { prefix: 'renderer/', name: 'renderer', internal: ['renderer/', 'shared/'], electron: false, node: false },
  { prefix: 'shared/', name: 'shared', internal: ['shared/'], electron: false, node: false, packages: ['zod', 'chinese-days', 'vitest', 'fast-check'] },
  { prefix: 'server/', name: 'server', internal: ['server/', 'shared/', 'resources/'], electron: false, node: true },
];

/** Test support lives here, and only tests (*.test.ts, tests/, bench/) may import it. */
const testSupport = 'tests/support/';

const isTypeOnly = (node) => {
  const kind = node.type === 'ImportDeclaration' ? 'importKind' : 'exportKind';
  if (node[kind] === 'type') return true;
  return (node.specifiers?.length ?? 0) > 0 && node.specifiers.every((s) => s[kind] === 'type');
};

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep the process layers and the rooms of electron/ apart (see ARCHITECTURE.md)' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      electron: "Only electron/main and electron/preload may import 'electron' ({{layer}} runs without it).",
      node: "{{layer}} code may not import the Node module '{{source}}'.",
      crossing: '{{layer}} may not import from {{target}}: it may use only {{allowed}}.',
      typesOnly: '{{layer}} may import only types from {{target}} (`import type`): electron/api composes them.',
      support: 'Production code may not import test support ({{target}}): only *.test.ts files, tests/ and bench/ may.',
      package: "shared/ is pure TypeScript: '{{source}}' is not one of its allowed packages ({{allowed}}).",
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const file = relative(root, context.filename).split(sep).join('/');
    const isTest = /\.test\.[cm]?[jt]sx?$/.test(file) || file.startsWith('tests/') || file.startsWith('bench/');
    const layer = layers.find((l) => file.startsWith(l.prefix));
    if (!layer && isTest) return {};
    const allowed = layer ? (isTest ? [...(layer.tests ?? layer.internal), testSupport] : layer.internal) : [];

    const check = (node, source) => {
      if (typeof source !== 'string') return;
      if (source.startsWith('.')) {
        const target = relative(root, resolve(dirname(context.filename), source)).split(sep).join('/') + '/';
        const shown = target.replace(/\/$/, '');
        if (target.startsWith(testSupport) && !isTest) {
          context.report({ node, messageId: 'support', data: { target: shown } });
          return;
        }
        if (!layer || allowed.some((p) => target.startsWith(p))) return;
        if (!isTest && layer.typesFrom?.some((p) => target.startsWith(p))) {
          if (!isTypeOnly(node)) context.report({ node, messageId: 'typesOnly', data: { layer: layer.name, target: shown } });
          return;
        }
        context.report({ node, messageId: 'crossing', data: { layer: layer.name, target: shown, allowed: allowed.join(', ') } });
        return;
      }
      if (!layer) return;
      if (source === 'electron' || source.startsWith('electron/')) {
        if (!layer.electron) context.report({ node, messageId: 'electron', data: { layer: layer.name } });
        return;
      }
      if (builtins.has(source)) {
        if (!layer.node) context.report({ node, messageId: 'node', data: { layer: layer.name, source } });
        return;
      }
      if (layer.packages) {
        const pkg = source.startsWith('@') ? source.split('/').slice(0, 2).join('/') : source.split('/')[0];
        if (!layer.packages.includes(pkg)) context.report({ node, messageId: 'package', data: { source, allowed: layer.packages.join(', ') } });
      }
    };

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') check(node, node.arguments[0].value);
      },
    };
  },
};

export default { rules: { layers: layersRule } };
