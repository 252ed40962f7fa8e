// Writes a small set of specimen images to a folder, for fixtures and for looking at the layouts:
// `npx tsx resources/specimens/write.ts OUT_DIR`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { drawSpecimen, type Specimen } from './draw';

export const sampleSpecimens: Record<string, Specimen> = {
  'id-card-front': { kind: 'id_card', side: 'front', fullName: 'ZHANG Wei', documentNumber: '330106199001011234', issuingLocation: 'CN', birthDate: '1990-01-01', expiryDate: '2034-05-01' },
  'id-card-back': { kind: 'id_card', side: 'back', fullName: 'ZHANG Wei', documentNumber: '330106199001011234', issuingLocation: 'CN', birthDate: '1990-01-01', expiryDate: '2034-05-01' },
  'passport-page': { kind: 'passport', side: 'front', fullName: 'Anna Keller', documentNumber: 'C01X00T47', issuingLocation: 'DE', birthDate: '1985-03-12', expiryDate: '2031-02-01' },
  'drivers-license-front': { kind: 'drivers_license', side: 'front', fullName: 'CHEN Jing', documentNumber: 'D440301198806', issuingLocation: 'HK', birthDate: '1988-06-30', expiryDate: '2029-09-30' },
  'work-permit-front': { kind: 'work_permit', side: 'front', fullName: 'Lucas Martin', documentNumber: 'W2026000417', issuingLocation: 'SG', birthDate: '1992-11-02', expiryDate: '2027-11-01' },
  'business-licence': {
    kind: 'business_licence',
    enterpriseName: 'Hangzhou Bluewater Cloud Technology Co., Ltd.',
    registeredAddress: '88 Wenyi West Road, Xihu District, Hangzhou, Zhejiang',
    businessRegistrationNumber: '91330106MA2B3C4D5E',
    issuedDate: '2019-06-01',
  },
};

const out = process.argv[2];
if (out && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mkdirSync(out, { recursive: true });
  for (const [name, specimen] of Object.entries(sampleSpecimens)) {
    writeFileSync(join(out, `${name}.jpg`), await drawSpecimen(specimen));
  }
  console.log(`wrote ${Object.keys(sampleSpecimens).length} specimens to ${out}`);
}
