// Proves the layer boundaries are lint errors: each violation below must be reported, and the
// allowed imports beside them must not be. And that electron/'s production code has no import circle.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'verity/layers').map((m) => m.message);
}

describe('layer boundaries', () => {
  it.each([
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;"],
    ['renderer/src/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;"],
    ['renderer/src/x.ts', "import { readFileSync } from 'fs';\nexport const a = readFileSync;"],
    ['renderer/src/x.ts', "import { log } from '../../electron/api/log';\nexport const a = log;"],
    ['shared/x.ts', "import { createHash } from 'node:crypto';\nexport const a = createHash;"],
    ['shared/x.ts', "import { create } from 'zustand';\nexport const a = create;"],
    ['shared/x.ts', "import { log } from '../electron/api/log';\nexport const a = log;"],
    ['shared/contract/x.ts', "import { App } from '../../renderer/src/App';\nexport const a = App;"],
    ['electron/store/x.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['electron/api/x.ts', "export const load = () => import('electron');"],
    ['electron/imaging/x.ts', "import { useFrame } from '../../renderer/src/state/frame';\nexport const a = useFrame;"],
    ['electron/api/x.ts', "import { bindIpc } from '../main/ipc';\nexport const a = bindIpc;"],
    ['server/x.ts', "import { openWorkstation } from '../electron/api/workstation';\nexport const a = openWorkstation;"],
    ['electron/host/browser/x.ts', "import { join } from 'node:path';\nexport const a = join;"],
    // Test support is for tests only.
    ['electron/store/x.ts', "import { tempStore } from '../../tests/support/store';\nexport const a = tempStore;"],
    ['server/x.ts', "import { startTestServer } from '../tests/support/central';\nexport const a = startTestServer;"],
    ['scripts/x.ts', "import { tempFolder } from '../tests/support/tempFolder';\nexport const a = tempFolder;"],
    // The rooms of electron/: common imports only shared/.
    ['electron/common/x.ts', "import { openCaseStore } from '../store/open';\nexport const a = openCaseStore;"],
    ['electron/common/x.ts', "import { dispatch } from '../api/registry';\nexport const a = dispatch;"],
    // store and imaging: common and shared, not each other, sync or api.
    ['electron/store/x.ts', "import { createImagePipeline } from '../imaging';\nexport const a = createImagePipeline;"],
    ['electron/store/x.ts', "import { openWorkstation } from '../api/workstation';\nexport const a = openWorkstation;"],
    ['electron/imaging/x.ts', "import { openCaseStore } from '../store/open';\nexport const a = openCaseStore;"],
    ['electron/imaging/x.ts', "import { createSyncEngine } from '../sync/engine';\nexport const a = createSyncEngine;"],
    // sync: only types from store and imaging.
    ['electron/sync/x.ts', "import { openCaseStore } from '../store/open';\nexport const a = openCaseStore;"],
    ['electron/sync/x.ts', "import { createImagePipeline, type ImagePipeline } from '../imaging';\nexport type P = ImagePipeline;\nexport const a = createImagePipeline;"],
    ['electron/sync/x.ts', "export { openCaseStore } from '../store/caseStore';"],
    ['electron/sync/x.ts', "import '../imaging/worker';"],
    ['electron/sync/x.ts', "import { openWorkstation } from '../api/workstation';\nexport const a = openWorkstation;"],
    // api composes, but only the embedded central service's files may run server/.
    ['electron/api/x.ts', "import { startServer } from '../../server/app';\nexport const a = startServer;"],
    ['electron/api/x.ts', "import { startHost } from '../host/server';\nexport const a = startHost;"],
    // host binds a transport to api: no store, imaging, sync or server of its own.
    ['electron/host/x.ts', "import { createImagePipeline } from '../imaging';\nexport const a = createImagePipeline;"],
    ['electron/host/x.ts', "import { openCaseStore } from '../store/open';\nexport const a = openCaseStore;"],
    ['electron/host/x.ts', "import { createHandler } from '../../server/http';\nexport const a = createHandler;"],
    ['electron/main/x.ts', "import { startServer } from '../../server/app';\nexport const a = startServer;"],
    // A new folder of electron/ has no room until eslint/layers.js gives it one.
    ['electron/newroom/x.ts', "import { log } from '../common/log';\nexport const a = log;"],
  ])('%s: reports %j', async (file, code) => {
    expect(await layerErrors(file, code)).toHaveLength(1);
  });

  it.each([
    ['renderer/src/x.ts', "import type { WorkstationApi } from '../../shared/api';\nimport { create } from 'zustand';\nexport type A = WorkstationApi;\nexport const c = create;"],
    ['shared/x.ts', "import { z } from 'zod';\nimport { Application } from './domain';\nexport const a = [z, Application];"],
    ['electron/main/x.ts', "import { app } from 'electron';\nimport { log } from '../api/log';\nexport const a = [app, log];"],
    ['electron/preload/x.ts', "import { contextBridge } from 'electron';\nimport { createWorkstationApi } from '../../shared/workstationApi';\nexport const a = [contextBridge, createWorkstationApi];"],
    ['electron/store/x.ts', "import { join } from 'node:path';\nimport { DomainError } from '../../shared/errors';\nexport const a = [join, DomainError];"],
    ['electron/store/x.test.ts', "import { tempStore } from '../../tests/support/store';\nexport const a = tempStore;"],
    ['server/x.test.ts', "import { startTestServer } from '../tests/support/central';\nexport const a = startTestServer;"],
    ['bench/store/x.ts', "import { tempStore } from '../../tests/support/store';\nexport const a = tempStore;"],
    ['electron/common/x.ts', "import { createHash } from 'node:crypto';\nimport { DomainError } from '../../shared/errors';\nimport { log } from './log';\nexport const a = [createHash, DomainError, log];"],
    ['electron/store/x.ts', "import { log } from '../common/log';\nimport { workerScript } from '../common/workerScript';\nimport { openDatabase } from './database';\nexport const a = [log, workerScript, openDatabase];"],
    ['electron/imaging/x.ts', "import { deriveKey } from '../common/keys';\nimport { nodeHttpTransport } from '../common/http';\nimport { BlobStore } from './blobs';\nexport const a = [deriveKey, nodeHttpTransport, BlobStore];"],
    ['electron/sync/x.ts', "import type { CaseStore } from '../store/types';\nimport { type ImagePipeline } from '../imaging';\nimport { log } from '../common/log';\nexport type S = [CaseStore, ImagePipeline];\nexport const a = log;"],
    ['electron/sync/x.ts', "export type { CaseStore } from '../store/types';"],
    ['electron/sync/x.test.ts', "import { openCaseStore } from '../store/open';\nimport { createImagePipeline } from '../imaging';\nexport const a = [openCaseStore, createImagePipeline];"],
    ['electron/api/embeddedCentral.worker.ts', "import { startServer } from '../../server/app';\nexport const a = startServer;"],
    ['electron/api/x.ts', "import { openCaseStore } from '../store/open';\nimport { createImagePipeline } from '../imaging';\nimport { createSyncEngine } from '../sync/engine';\nimport { drawSpecimen } from '../../resources/specimens/draw';\nexport const a = [openCaseStore, createImagePipeline, createSyncEngine, drawSpecimen];"],
    ['electron/host/x.ts', "import { dispatch } from '../api/registry';\nimport { ExplicitKeyProvider } from '../common/keys';\nimport { readBodyWithin } from '../../shared/body';\nexport const a = [dispatch, ExplicitKeyProvider, readBodyWithin];"],
    ['electron/main/x.ts', "import { app } from 'electron';\nimport { fileVault } from '../sync/fileVault';\nimport { caseImageRequestFromPath } from '../api/imageRoute';\nexport const a = [app, fileVault, caseImageRequestFromPath];"],
    ['electron/newroom/x.ts', "import { DomainError } from '../../shared/errors';\nexport const a = DomainError;"],
  ])('%s: allows %j', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});

/** The relative imports of each production file of electron/ (tests, type-only imports included), resolved to files. */
function importGraph(): Map<string, string[]> {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'electron'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => /\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$/.test(f) && existsSync(resolve(root, f)));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = readFileSync(resolve(root, file), 'utf8');
    const targets: string[] = [];
    for (const match of source.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      const spec = match[1] ?? match[2]!;
      const base = resolve(root, dirname(file), spec);
      const found = [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, base].find((candidate) => existsSync(candidate) && /\.tsx?$/.test(candidate));
      if (found) targets.push(found.slice(root.length + 1));
    }
    graph.set(file, targets);
  }
  return graph;
}

/** One circle of imports, or null. */
function findCircle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === 'done') return null;
    if (state.get(file) === 'open') return [...path.slice(path.indexOf(file)), file];
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const circle = visit(next);
      if (circle) return circle;
    }
    path.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of graph.keys()) {
    const circle = visit(file);
    if (circle) return circle;
  }
  return null;
}

describe('import circles', () => {
  it('electron/ has none, type-only imports included', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(50);
    expect(findCircle(graph)).toBeNull();
  });

  it('the search finds one where there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(findCircle(graph)).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    expect(findCircle(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toBeNull();
  });
});
