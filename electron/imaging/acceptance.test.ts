// One acceptance policy (shared/imagePolicy.ts): what the central service's intake accepts, every workstation can
// show, in its preview and at 1:1. Both checks run here on every corpus file and on JPEGs whose entropy-coded data is damaged (libjpeg only
// warns about those, so a lenient decoder lets them through), and must come to the same verdict.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkImage } from '../../server/images';
import { ExplicitKeyProvider } from '../common/keys';
import { tempFolder } from '../../tests/support/tempFolder';
import { createImagePipeline, type ImagePipeline } from './index';
import { codeOf, corpusFile, entropyDamage, readManifest } from '../../tests/support/imaging';

let workstation: ImagePipeline;
beforeAll(() => {
  workstation = createImagePipeline({ blobDir: join(tempFolder('verity-acceptance-'), 'blobs'), keyProvider: new ExplicitKeyProvider(Buffer.alloc(32, 3)), workers: { size: 2 } });
});
afterAll(() => workstation.close());

const intakeVerdict = (bytes: Buffer) => codeOf(checkImage(bytes, 'document'));
/** The workstation's whole ingest (header checks, the decode its preview is made from), then its 1:1 rendition. */
const workstationVerdict = (bytes: Buffer) =>
  codeOf(workstation.ingest(bytes).then(({ sha256 }) => workstation.read({ sha256, variant: 'full' }, { canView: () => true })));

const entropySources = ['2569067123_aca715a2ee_o.jpg', 'quality/progressive.jpg', 'flowers.jpeg', 'quality/q-reference.jpg'];

describe('intake and workstation agree', () => {
  it('on every file of the corpus', async () => {
    const verdicts: string[] = [];
    for (const { file } of readManifest()) {
      const bytes = corpusFile(file);
      const [intake, ws] = await Promise.all([intakeVerdict(bytes), workstationVerdict(bytes)]);
      // HEIC is the one format a workstation decodes (a reviewer's own import) that intake does not take.
      const agreed = file.endsWith('.heic') ? intake === 'invalid_image' && ws === 'ok' : (intake === 'ok') === (ws === 'ok');
      verdicts.push(`${file}: intake ${intake}, workstation ${ws}${agreed ? '' : '  <-- disagree'}`);
    }
    expect(verdicts.filter((v) => v.endsWith('disagree')), verdicts.join('\n')).toEqual([]);
  }, 240_000);

  it('on JPEGs with corrupt entropy-coded data: both refuse them', async () => {
    const verdicts: string[] = [];
    for (const source of entropySources) {
      const original = corpusFile(source);
      expect([await intakeVerdict(original), await workstationVerdict(original)], source).toEqual(['ok', 'ok']);
      for (const [damage, make] of Object.entries(entropyDamage)) {
        const bytes = make(original);
        verdicts.push(`${source} with ${damage}: intake ${await intakeVerdict(bytes)}, workstation ${await workstationVerdict(bytes)}`);
      }
    }
    expect(verdicts).toEqual(
      entropySources.flatMap((source) => Object.keys(entropyDamage).map((damage) => `${source} with ${damage}: intake invalid_image, workstation image_corrupt`)),
    );
  }, 240_000);
});
