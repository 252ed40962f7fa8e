// Drawing the demo's document photos: SPECIMEN drawings (resources/specimens) laid on a desk and degraded as the
// seeded quality signals say. Its own module so that sharp is loaded into the app's process only to seed a demo.
// Drawing renders SVG, which libvips may do here: the image pipeline's loader block (untrusted bytes reach only
// the photo loaders) holds inside its imaging processes.
import sharp from 'sharp';
import { rawOf, renderSpecimen, sharpOf, type RawImage, type Specimen } from '../../resources/specimens/draw';
import { captureOf, photographed, type Capture } from '../../resources/specimens/capture';
import type { QualitySignals } from '../../shared/domain';
import type { SeedRecord } from '../store/seed';

function specimenFor(record: SeedRecord, documentIndex: number): Specimen {
  const identity = record.application.identity;
  if (identity.kind === 'enterprise') {
    return {
      kind: 'business_licence',
      enterpriseName: identity.enterpriseName,
      registeredAddress: identity.registeredAddress,
      businessRegistrationNumber: identity.businessRegistrationNumber,
      issuedDate: identity.establishedOn ?? record.application.submittedAt.slice(0, 10),
    };
  }
  return {
    kind: identity.documentType,
    side: documentIndex === 0 ? 'front' : 'back',
    fullName: identity.fullName,
    documentNumber: identity.documentNumber,
    issuingLocation: identity.issuingLocation,
    birthDate: identity.dateOfBirth ?? '1990-05-17',
    expiryDate: identity.expiryDate ?? '2034-05-16',
    ...(identity.sex ? { sex: identity.sex } : {}),
    ...(identity.nationality ? { nationality: identity.nationality } : {}),
  };
}

/**
 * Lays a flat specimen on a desk with a soft shadow, as a phone photo of a document looks. The desk and the shadow
 * are smooth, so they are drawn and blurred at a quarter of the size, scaled up, and the (opaque) document's rows are
 * copied onto them: no full-size blur and no full-size alpha compositing (that was most of a demo image's time).
 */
async function photograph(document: RawImage): Promise<RawImage> {
  const flat = document.info.channels === 3 ? document : await rawOf(sharpOf(document).removeAlpha());
  const { width, height } = flat.info;
  const margin = Math.round(Math.max(width, height) * 0.06);
  const canvas = { width: width + 2 * margin, height: height + 2 * margin };
  const q = (n: number) => Math.max(1, Math.round(n / 4));
  const small = await rawOf(
    sharp({ create: { width: q(canvas.width), height: q(canvas.height), channels: 3, background: { r: 62, g: 48, b: 38 } } })
      .composite([{ input: { create: { width: q(width), height: q(height), channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.9 } } }, left: q(margin + 12), top: q(margin + 18) }])
      .blur(14 / 4)
      .removeAlpha(),
  );
  // sharp resizes before it blurs whatever the order of calls: two steps, so the blur stays at a quarter of the size.
  const desk = await rawOf(sharpOf(small).resize(canvas.width, canvas.height, { kernel: 'linear' }));
  const row = width * 3;
  for (let y = 0; y < height; y++) flat.data.copy(desk.data, ((y + margin) * canvas.width + margin) * 3, y * row, (y + 1) * row);
  return desk;
}

/** Degrades a specimen the way the seeded quality signals describe, so R8 flags come from real pixels. */
async function degrade(flat: RawImage, seeded: QualitySignals | null | undefined): Promise<Buffer> {
  const image = sharpOf(await photograph(flat));
  // One JPEG encode per image: the steps before hand on raw pixels.
  if (seeded?.blurry) return image.blur(8).jpeg({ quality: 85 }).toBuffer();
  if (seeded?.underExposed) return image.linear(0.18, 0).jpeg({ quality: 85 }).toBuffer();
  if (seeded?.overExposed) return image.linear(0.3, 190).jpeg({ quality: 85 }).toBuffer();
  return image.jpeg({ quality: 88 }).toBuffer();
}

/**
 * A specimen as the demo photographs it: drawn, taken with `capture`'s effects (or flat), laid on a desk and degraded
 * as `seeded` says. Every variant the demo can draw comes from here (the MRZ reader's tests read them all).
 */
export async function specimenPhoto(specimen: Specimen, key: string, capture: Capture | null, seeded: QualitySignals | null | undefined): Promise<Buffer> {
  const flat = await renderSpecimen(specimen);
  return degrade(capture ? await photographed(flat, capture, key, specimen.kind === 'passport') : flat, seeded);
}

/** The photo of one of a demo record's documents. */
export function drawDocument(record: SeedRecord, documentIndex: number): Promise<Buffer> {
  const key = `${record.application.id}:${documentIndex}`;
  return specimenPhoto(specimenFor(record, documentIndex), key, captureOf(key), record.documents[documentIndex]?.quality);
}
