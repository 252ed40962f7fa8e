// The layer rule of ARCHITECTURE.md / STYLE.md, as a lint error (VS Code's habit): every import is
// resolved to the folder it lands in and checked against what the importing file's layer may use.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Ordered: the first prefix that matches a file's path (relative to the repo root) names its layer. */
const layers = [
  { prefix: 'electron/main/', name: 'electron/main', internal: ['electron/', 'shared/'], electron: true, node: true },
  { prefix: 'electron/preload/', name: 'electron/preload', internal: ['electron/preload/', 'shared/'], electron: true, node: false },
  { prefix: 'electron/host/browser/', name: 'browser transport', internal: ['electron/host/browser/', 'shared/'], electron: false, node: false },
  { prefix: 'electron/', name: 'electron (plain Node)', internal: ['electron/common/', 'electron/api/', 'electron/store/', 'electron/imaging/', 'electron/sync/', 'electron/host/', 'shared/', 'server/', 'resources/'], electron: false, node: true },
  { prefix: 'renderer/', name: 'renderer', internal: ['renderer/', 'shared/'], electron: false, node: false },
  { prefix: 'shared/', name: 'shared', internal: ['shared/'], electron: false, node: false, packages: ['zod', 'chinese-days', 'vitest'] },
  { prefix: 'server/', name: 'server', internal: ['server/', 'shared/', 'resources/'], electron: false, node: true },
];

/** Test support lives here, and only tests (*.test.ts, tests/, bench/) may import it. */
const testSupport = 'tests/support/';

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep the process layers apart (see ARCHITECTURE.md)' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      electron: "Only electron/main and electron/preload may import 'electron' ({{layer}} runs without it).",
      node: "{{layer}} code may not import the Node module '{{source}}'.",
      crossing: '{{layer}} may not import from {{target}}: it may use only {{allowed}}.',
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
    const allowed = layer ? (isTest ? [...layer.internal, testSupport] : layer.internal) : [];

    const check = (node, source) => {
      if (typeof source !== 'string') return;
      if (source.startsWith('.')) {
        const target = relative(root, resolve(dirname(context.filename), source)).split(sep).join('/') + '/';
        const shown = target.replace(/\/$/, '');
        if (target.startsWith(testSupport) && !isTest) {
          context.report({ node, messageId: 'support', data: { target: shown } });
          return;
        }
        if (layer && !allowed.some((p) => target.startsWith(p))) {
          context.report({ node, messageId: 'crossing', data: { layer: layer.name, target: shown, allowed: allowed.join(', ') } });
        }
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
