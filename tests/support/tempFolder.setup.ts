// Vitest setup file (vitest.config.ts): registered before the test file's own hooks, so it runs after all of them.
import { afterAll } from 'vitest';
import { removeTempFolders } from './tempFolder';

afterAll(removeTempFolders);
