// Passport data pages drawn for the MRZ reader's tests and benchmark: a TD3 machine-readable zone with check digits
// computed here (ICAO 9303, weights 7-3-1), set in a monospace face on a light page with a few printed lines above,
// rendered through sharp from SVG. Clean or degraded (skew, blur, noise, low resolution, JPEG), never a real person.
import sharp from 'sharp';

export interface Td3Data {
  /** Three-letter issuing state and nationality, e.g. CHN. */
  issuer: string;
  nationality: string;
  surname: string;
  givenNames: string;
  documentNumber: string;
  /** YYMMDD */
  birth: string;
  sex: 'M' | 'F' | '<';
  /** YYMMDD */
  expiry: string;
  personalNumber?: string;
}

const value = (c: string): number => (c === '<' ? 0 : /[0-9]/.test(c) ? Number(c) : c.charCodeAt(0) - 55);
export function checkDigit(field: string): string {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < field.length; i++) sum += value(field[i]!) * weights[i % 3]!;
  return String(sum % 10);
}

const pad = (text: string, length: number): string => (text + '<'.repeat(length)).slice(0, length);

/** The two 44-character lines of a passport's MRZ. */
export function td3Lines(d: Td3Data): [string, string] {
  const names = `${d.surname.replace(/ /g, '<')}<<${d.givenNames.replace(/ /g, '<')}`;
  const line1 = pad(`P<${d.issuer}${names}`, 44);
  const number = pad(d.documentNumber, 9);
  const personal = pad(d.personalNumber ?? '', 14);
  const body = `${number}${checkDigit(number)}${d.nationality}${d.birth}${checkDigit(d.birth)}${d.sex}${d.expiry}${checkDigit(d.expiry)}${personal}${checkDigit(personal)}`;
  const composite = `${number}${checkDigit(number)}${d.birth}${checkDigit(d.birth)}${d.expiry}${checkDigit(d.expiry)}${personal}${checkDigit(personal)}`;
  return [line1, `${body}${checkDigit(composite)}`];
}

export interface PageOptions {
  /** Page width in pixels (the MRZ spans ~90 % of it); default 1400. */
  width?: number;
  /** Degrees, clockwise. */
  skewDeg?: number;
  blurSigma?: number;
  /** 0..1: share of pixels salted with grey noise. */
  noise?: number;
  /** Encode as JPEG at this quality (default PNG). */
  jpegQuality?: number;
  /** Rotate the whole photo by a right angle (a photo taken sideways). */
  rotate?: 0 | 90 | 180 | 270;
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A SPECIMEN passport data page with the given MRZ lines at its foot, as image bytes. */
export async function passportPage(lines: readonly string[], options: PageOptions = {}): Promise<Buffer> {
  const width = options.width ?? 1400;
  const height = Math.round(width * 0.7);
  const fontSize = (width * 0.9) / 44 / 0.6; // a monospace advance is ~0.6 em
  const mrzTop = height - fontSize * 2.9;
  const text = lines
    .map((line, i) => `<text x="${width * 0.05}" y="${mrzTop + fontSize * 1.25 * (i + 1)}" font-family="DejaVu Sans Mono" font-size="${fontSize.toFixed(1)}" fill="#111">${escapeXml(line)}</text>`)
    .join('');
  const small = width / 60;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#efe9dc"/>
    <rect x="${width * 0.05}" y="${height * 0.12}" width="${width * 0.25}" height="${height * 0.45}" fill="#c9c2b4"/>
    <text x="${width * 0.35}" y="${height * 0.1}" font-family="DejaVu Sans" font-size="${small * 1.6}" fill="#333">PASSPORT  SPECIMEN</text>
    ${['Type P', 'Surname', 'Given names', 'Nationality', 'Date of birth', 'Sex', 'Date of expiry']
      .map((label, i) => `<text x="${width * 0.35}" y="${height * (0.18 + i * 0.065)}" font-family="DejaVu Sans" font-size="${small}" fill="#555">${label}</text>`)
      .join('')}
    <text x="${width * 0.62}" y="${height * 0.45}" font-family="DejaVu Sans" font-size="${small * 4}" fill="#d33" fill-opacity="0.35" transform="rotate(-20 ${width * 0.62} ${height * 0.45})">SPECIMEN</text>
    ${text}
  </svg>`;
  let image = sharp(Buffer.from(svg)).flatten({ background: '#efe9dc' });
  if (options.skewDeg) image = sharp(await image.png().toBuffer()).rotate(options.skewDeg, { background: '#efe9dc' });
  if (options.blurSigma) image = sharp(await image.png().toBuffer()).blur(options.blurSigma);
  if (options.noise) {
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < data.length; i += info.channels) {
      if (random() >= options.noise) continue;
      const grey = Math.floor(random() * 256);
      for (let c = 0; c < Math.min(3, info.channels); c++) data[i + c] = grey;
    }
    image = sharp(data, { raw: info });
  }
  if (options.rotate) image = sharp(await image.png().toBuffer()).rotate(options.rotate);
  return options.jpegQuality ? image.jpeg({ quality: options.jpegQuality }).toBuffer() : image.png().toBuffer();
}

export const specimenTd3: Td3Data = {
  issuer: 'CHN',
  nationality: 'CHN',
  surname: 'ZHANG',
  givenNames: 'WEI',
  documentNumber: 'E12345678',
  birth: '900115',
  sex: 'M',
  expiry: '320614',
};
