// Specimen document images for the demo: ID-card-, passport-, licence- and business-licence-like layouts
// drawn as SVG and rendered by sharp, with the entered data printed on them and SPECIMEN across them.
// Never a real person's document: the portrait is a grey silhouette and every field comes from the caller.
// Text uses the DejaVu Sans font through fontconfig (Debian package fonts-dejavu-core); Latin script only.
import sharp from 'sharp';

export interface PersonSpecimen {
  kind: 'id_card' | 'passport' | 'drivers_license' | 'work_permit';
  side: 'front' | 'back';
  fullName: string;
  documentNumber: string;
  issuingLocation: string;
  /** YYYY-MM-DD */
  birthDate: string;
  expiryDate: string;
}

export interface EnterpriseSpecimen {
  kind: 'business_licence';
  enterpriseName: string;
  registeredAddress: string;
  businessRegistrationNumber: string;
  issuedDate: string;
}

export type Specimen = PersonSpecimen | EnterpriseSpecimen;

const FONT = "DejaVu Sans, Liberation Sans, WenQuanYi Micro Hei, sans-serif";

function esc(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function field(x: number, y: number, label: string, value: string, size = 26): string {
  return `<text x="${x}" y="${y}" font-family="${FONT}" font-size="14" fill="#5a6470">${esc(label.toUpperCase())}</text>
    <text x="${x}" y="${y + size + 4}" font-family="${FONT}" font-size="${size}" font-weight="bold" fill="#0b0e13">${esc(value)}</text>`;
}

function silhouette(x: number, y: number, w: number, h: number): string {
  const cx = x + w / 2;
  return `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="8" fill="#d9dee4" stroke="#9aa5b1"/>
    <circle cx="${cx}" cy="${y + h * 0.38}" r="${w * 0.22}" fill="#9aa5b1"/>
    <path d="M ${x + w * 0.14} ${y + h} Q ${cx} ${y + h * 0.5} ${x + w * 0.86} ${y + h} Z" fill="#9aa5b1"/>`;
}

function watermark(width: number, height: number): string {
  const angle = (-Math.atan2(height, width) * 180) / Math.PI;
  const size = Math.round(Math.min(width, height) * 0.2);
  return `<g transform="translate(${width / 2} ${height / 2}) rotate(${angle.toFixed(1)})" opacity="0.35">
      <text x="0" y="${size * 0.35}" text-anchor="middle" font-family="${FONT}" font-size="${size}" font-weight="bold"
        fill="#d0021b" letter-spacing="8">SPECIMEN</text></g>
    <text x="${width - 16}" y="${height - 12}" text-anchor="end" font-family="${FONT}" font-size="13" fill="#d0021b">SPECIMEN - NOT A REAL DOCUMENT - DEMO DATA</text>`;
}

function guilloche(width: number, height: number, colour: string): string {
  const lines: string[] = [];
  for (let i = 0; i < 14; i++) {
    const y = (height / 14) * i + 10;
    lines.push(`<path d="M 0 ${y} C ${width * 0.25} ${y - 30}, ${width * 0.75} ${y + 30}, ${width} ${y}" stroke="${colour}" stroke-width="1" fill="none" opacity="0.35"/>`);
  }
  return lines.join('');
}

const titles: Record<PersonSpecimen['kind'], string> = {
  id_card: 'IDENTITY CARD',
  passport: 'PASSPORT',
  drivers_license: 'DRIVING LICENCE',
  work_permit: 'WORK PERMIT',
};

function personSvg(s: PersonSpecimen): { svg: string; width: number; height: number } {
  const passport = s.kind === 'passport';
  const width = passport ? 880 : 856;
  const height = passport ? 620 : 540;
  const tint = { id_card: '#dbe7f5', passport: '#e6ddf3', drivers_license: '#dcefe2', work_permit: '#f3e6cf' }[s.kind];
  const band = { id_card: '#2f6db5', passport: '#5b3f8f', drivers_license: '#2e7d4f', work_permit: '#a86a12' }[s.kind];
  const header = `<rect width="${width}" height="${height}" rx="${passport ? 6 : 28}" fill="${tint}"/>
    ${guilloche(width, height, band)}
    <rect width="${width}" height="70" rx="${passport ? 6 : 28}" fill="${band}"/>
    <rect y="40" width="${width}" height="30" fill="${band}"/>
    <text x="30" y="47" font-family="${FONT}" font-size="28" font-weight="bold" fill="#fff">${esc(s.issuingLocation)} · ${titles[s.kind]}</text>`;
  let body: string;
  if (s.side === 'back') {
    const mrz = `${s.kind === 'passport' ? 'P' : 'I'}<${s.issuingLocation}${s.fullName.toUpperCase().replace(/[^A-Z]+/g, '<')}`.padEnd(44, '<').slice(0, 44);
    const mrz2 = `${s.documentNumber.replace(/[^A-Z0-9]/gi, '').toUpperCase()}<${s.birthDate.replace(/-/g, '').slice(2)}<${s.expiryDate.replace(/-/g, '').slice(2)}`.padEnd(44, '<').slice(0, 44);
    body = `${field(40, 120, 'Issuing authority', `Government of ${s.issuingLocation} (specimen)`)}
      ${field(40, 200, 'Date of expiry', s.expiryDate)}
      <rect x="30" y="${height - 150}" width="${width - 60}" height="100" fill="#e4e7eb" opacity="0.9"/>
      <text x="44" y="${height - 105}" font-family="DejaVu Sans Mono, monospace" font-size="26" fill="#111">${esc(mrz)}</text>
      <text x="44" y="${height - 66}" font-family="DejaVu Sans Mono, monospace" font-size="26" fill="#111">${esc(mrz2)}</text>`;
  } else {
    const photoW = passport ? 220 : 200;
    const photoH = passport ? 280 : 250;
    body = `${silhouette(36, 100, photoW, photoH)}
      ${field(photoW + 70, 110, 'Name', s.fullName, 30)}
      ${field(photoW + 70, 190, 'Document number', s.documentNumber)}
      ${field(photoW + 70, 260, 'Date of birth', s.birthDate)}
      ${field(photoW + 330, 260, 'Date of expiry', s.expiryDate)}
      ${field(photoW + 70, 330, 'Issued by', s.issuingLocation)}`;
  }
  return { svg: `${header}${body}${watermark(width, height)}`, width, height };
}

function enterpriseSvg(s: EnterpriseSpecimen): { svg: string; width: number; height: number } {
  const width = 800;
  const height = 1060;
  const address = wrap(s.registeredAddress, 46);
  const name = wrap(s.enterpriseName, 34);
  const svg = `<rect width="${width}" height="${height}" fill="#f1e7cc"/>
    <rect x="20" y="20" width="${width - 40}" height="${height - 40}" fill="none" stroke="#b8860b" stroke-width="10"/>
    <rect x="38" y="38" width="${width - 76}" height="${height - 76}" fill="none" stroke="#b8860b" stroke-width="2"/>
    <text x="${width / 2}" y="130" text-anchor="middle" font-family="${FONT}" font-size="46" font-weight="bold" fill="#8b1a1a">BUSINESS LICENCE</text>
    <text x="${width / 2}" y="175" text-anchor="middle" font-family="${FONT}" font-size="18" fill="#5a4a2a">Certificate of registration (specimen layout)</text>
    ${field(80, 250, 'Registration number', s.businessRegistrationNumber, 28)}
    <text x="80" y="350" font-family="${FONT}" font-size="14" fill="#5a6470">ENTERPRISE NAME</text>
    ${name.map((line, i) => `<text x="80" y="${386 + i * 36}" font-family="${FONT}" font-size="30" font-weight="bold" fill="#0b0e13">${esc(line)}</text>`).join('')}
    <text x="80" y="530" font-family="${FONT}" font-size="14" fill="#5a6470">REGISTERED ADDRESS</text>
    ${address.map((line, i) => `<text x="80" y="${560 + i * 30}" font-family="${FONT}" font-size="22" fill="#0b0e13">${esc(line)}</text>`).join('')}
    ${field(80, 700, 'Date of issue', s.issuedDate)}
    <circle cx="600" cy="860" r="110" fill="none" stroke="#c0392b" stroke-width="8" opacity="0.7"/>
    <text x="600" y="868" text-anchor="middle" font-family="${FONT}" font-size="22" font-weight="bold" fill="#c0392b" opacity="0.7">REGISTRY SEAL</text>
    ${watermark(width, height)}`;
  return { svg, width, height };
}

function wrap(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > columns) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.slice(0, 4);
}

/** Pixels per layout unit: an ID card comes out about 1700 px wide, like a phone photo cropped to the card. */
const SCALE = 2;

/** One specimen as a JPEG (quality 85, no metadata). */
export async function drawSpecimen(specimen: Specimen): Promise<Buffer> {
  const { svg, width, height } = specimen.kind === 'business_licence' ? enterpriseSvg(specimen) : personSvg(specimen);
  const document = `<svg xmlns="http://www.w3.org/2000/svg" width="${width * SCALE}" height="${height * SCALE}" viewBox="0 0 ${width} ${height}">${svg}</svg>`;
  return sharp(Buffer.from(document)).flatten({ background: '#ffffff' }).jpeg({ quality: 85, mozjpeg: false }).toBuffer();
}
