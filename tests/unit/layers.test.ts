// Proves the layer boundaries are lint errors: each violation below must be reported, and the
// allowed imports beside them must not be.
import { resolve } from 'node:path';
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
  ])('%s: allows %j', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});
