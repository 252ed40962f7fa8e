// What the repository holds and what the packaged app takes from packages: no tracked file over 2 MB (binaries such
// as fonts come from npm packages), and the PDF report's CJK font is where electron-builder copies it from and where
// the main process looks for it (electron/api/cjkFont.ts): an Electron package cannot be built here to see it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { cjkFontInPackage, installedCjkFont, packagedCjkFont } from '../../electron/api/cjkFont';

const root = resolve(import.meta.dirname, '../..');
const limit = 2 * 1024 * 1024;

describe('files the repository and the package hold', () => {
  it('tracks no file larger than 2 MB', () => {
    // Sizes of the index's blobs: what a commit of the work tree as staged would hold.
    const staged = execFileSync('git', ['ls-files', '-s', '-z'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const [meta, path] = line.split('\t') as [string, string];
        return { blob: meta.split(' ')[1]!, path };
      });
    const sizes = execFileSync('git', ['cat-file', '--batch-check=%(objectsize)'], { cwd: root, encoding: 'utf8', input: staged.map((s) => s.blob).join('\n') })
      .trim()
      .split('\n')
      .map(Number);
    expect(sizes).toHaveLength(staged.length);
    const large = staged.map((s, i) => `${s.path} (${sizes[i]} bytes)`).filter((_, i) => sizes[i]! > limit);
    expect(large).toEqual([]);
  });

  it('copies the CJK font from its package to where the packaged main process looks for it', () => {
    const config = parse(readFileSync(resolve(root, 'electron-builder.yml'), 'utf8')) as { extraResources: { from: string; to: string }[] };
    const font = config.extraResources.find((r) => r.to === `fonts/${packagedCjkFont}`);
    expect(font?.from).toBe(`node_modules/${cjkFontInPackage}`);
    expect(existsSync(resolve(root, font!.from))).toBe(true);
    // Real paths: node_modules may be a link (a git worktree's).
    expect(installedCjkFont()).toBe(realpathSync(resolve(root, font!.from)));
  });
});
