// Specimen document images for the demo, drawn as SVG and rendered by sharp: the mainland's bilingual (Chinese and
// English) layouts of the resident identity card (both sides), the business licence and the work permit, a passport
// data page with a valid ICAO 9303 MRZ made from the entered data (mrz.ts), other cards and licences; the entered
// data printed on them and SPECIMEN across them. Never a real person's document: the portrait is a drawing picked
// from the name and every field comes from the caller or says "specimen". Fonts through fontconfig: DejaVu Sans
// (fonts-dejavu-core) for Latin, WenQuanYi Micro Hei (fonts-wqy-microhei) for Chinese.
import sharp, { type Sharp } from 'sharp';
import { icaoCode, passportMrz, splitName } from './mrz';
import { inChineseScript } from '../../electron/common/pinyin';
import { hashOf, specimenSex } from '../../shared/specimenPeople';

export interface PersonSpecimen {
  kind: 'id_card' | 'passport' | 'drivers_license' | 'work_permit';
  side: 'front' | 'back';
  fullName: string;
  documentNumber: string;
  issuingLocation: string;
  /** YYYY-MM-DD */
  birthDate: string;
  expiryDate: string;
  /** As entered; when absent, specimenSex picks one. */
  sex?: 'M' | 'F' | 'X';
  /** As entered (a location code); when absent, the issuing location's. */
  nationality?: string;
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


/**
 * A drawn portrait (an illustration, never a photo of anyone): head, hair, eyes, brows, nose, mouth and shoulders,
 * their shapes and colours picked from the name so each specimen person looks the same on every document.
 */
function portrait(x: number, y: number, w: number, h: number, seed: string): string {
  const r = hashOf(seed);
  const pick = <T>(list: readonly T[], shift: number): T => list[(r >>> shift) % list.length] as T;
  const skin = pick(['#f1c9a5', '#e8b48f', '#d9a07a', '#c68863', '#f5d5b8'], 0);
  const hair = pick(['#1c1a19', '#2e2118', '#4a3326', '#6b4a2b', '#3b3b3b'], 3);
  const shirt = pick(['#2f4f6f', '#5b6770', '#7a2e2e', '#2e5e4e', '#e9ecef'], 6);
  const long = (r >>> 9) % 3 === 0;
  const cx = x + w / 2;
  const headW = w * (0.26 + ((r >>> 11) % 5) * 0.008);
  const headH = h * 0.25;
  const cy = y + h * 0.42;
  const eyeY = cy - headH * 0.05;
  const eyeDx = headW * 0.38;
  const mouthW = headW * (0.3 + ((r >>> 14) % 4) * 0.03);
  return `<g>
    <rect x="${x}" y="${y}" width="${w}" height="${h}" fill="#eef1f4"/>
    ${long ? `<path d="M ${cx - headW * 1.15} ${cy + headH * 1.5} Q ${cx - headW * 1.3} ${cy - headH * 1.2} ${cx} ${cy - headH * 1.18} Q ${cx + headW * 1.3} ${cy - headH * 1.2} ${cx + headW * 1.15} ${cy + headH * 1.5} Z" fill="${hair}"/>` : ''}
    <path d="M ${x + w * 0.06} ${y + h} C ${x + w * 0.1} ${y + h * 0.78}, ${cx - headW * 0.9} ${y + h * 0.72}, ${cx} ${y + h * 0.72} C ${cx + headW * 0.9} ${y + h * 0.72}, ${x + w * 0.9} ${y + h * 0.78}, ${x + w * 0.94} ${y + h} Z" fill="${shirt}"/>
    <rect x="${cx - headW * 0.32}" y="${cy + headH * 0.7}" width="${headW * 0.64}" height="${headH * 0.55}" fill="${skin}"/>
    <ellipse cx="${cx - headW}" cy="${eyeY + headH * 0.15}" rx="${headW * 0.12}" ry="${headH * 0.18}" fill="${skin}"/>
    <ellipse cx="${cx + headW}" cy="${eyeY + headH * 0.15}" rx="${headW * 0.12}" ry="${headH * 0.18}" fill="${skin}"/>
    <ellipse cx="${cx}" cy="${cy}" rx="${headW}" ry="${headH}" fill="${skin}"/>
    <path d="M ${cx - headW * 1.02} ${cy - headH * 0.15} Q ${cx - headW * 1.05} ${cy - headH * 1.15} ${cx} ${cy - headH * 1.1} Q ${cx + headW * 1.05} ${cy - headH * 1.15} ${cx + headW * 1.02} ${cy - headH * 0.15} Q ${cx + headW * 0.7} ${cy - headH * (0.62 + ((r >>> 17) % 3) * 0.06)} ${cx} ${cy - headH * 0.66} Q ${cx - headW * 0.7} ${cy - headH * 0.55} ${cx - headW * 1.02} ${cy - headH * 0.15} Z" fill="${hair}"/>
    <path d="M ${cx - eyeDx - headW * 0.2} ${eyeY - headH * 0.2} q ${headW * 0.2} ${-headH * 0.08} ${headW * 0.4} 0" stroke="${hair}" stroke-width="${headW * 0.07}" fill="none" stroke-linecap="round"/>
    <path d="M ${cx + eyeDx - headW * 0.2} ${eyeY - headH * 0.2} q ${headW * 0.2} ${-headH * 0.08} ${headW * 0.4} 0" stroke="${hair}" stroke-width="${headW * 0.07}" fill="none" stroke-linecap="round"/>
    <ellipse cx="${cx - eyeDx}" cy="${eyeY}" rx="${headW * 0.15}" ry="${headH * 0.06}" fill="#fff"/>
    <ellipse cx="${cx + eyeDx}" cy="${eyeY}" rx="${headW * 0.15}" ry="${headH * 0.06}" fill="#fff"/>
    <circle cx="${cx - eyeDx}" cy="${eyeY}" r="${headH * 0.05}" fill="#2a1d15"/>
    <circle cx="${cx + eyeDx}" cy="${eyeY}" r="${headH * 0.05}" fill="#2a1d15"/>
    <path d="M ${cx} ${eyeY + headH * 0.05} q ${-headW * 0.1} ${headH * 0.28} ${-headW * 0.02} ${headH * 0.33} q ${headW * 0.1} ${headH * 0.03} ${headW * 0.14} ${-headH * 0.02}" stroke="#8a5a44" stroke-width="${headW * 0.035}" fill="none" stroke-linecap="round"/>
    <path d="M ${cx - mouthW / 2} ${cy + headH * 0.5} q ${mouthW / 2} ${headH * 0.1} ${mouthW} 0" stroke="#9c4a45" stroke-width="${headW * 0.06}" fill="none" stroke-linecap="round"/>
  </g>`;
}

function watermark(width: number, height: number): string {
  const angle = (-Math.atan2(height, width) * 180) / Math.PI;
  const size = Math.round(Math.min(width, height) * 0.2);
  return `<g transform="translate(${width / 2} ${height / 2}) rotate(${angle.toFixed(1)})" opacity="0.35">
      <text x="0" y="${size * 0.35}" text-anchor="middle" font-family="${FONT}" font-size="${size}" font-weight="bold"
        fill="#d0021b" letter-spacing="8">SPECIMEN</text></g>
    <text x="${width - 16}" y="${height - 12}" text-anchor="end" font-family="${FONT}" font-size="13" fill="#d0021b">样本 SPECIMEN - NOT A REAL DOCUMENT - DEMO DATA</text>`;
}

function guilloche(width: number, height: number, colour: string): string {
  const lines: string[] = [];
  for (let i = 0; i < 14; i++) {
    const y = (height / 14) * i + 10;
    lines.push(`<path d="M 0 ${y} C ${width * 0.25} ${y - 30}, ${width * 0.75} ${y + 30}, ${width} ${y}" stroke="${colour}" stroke-width="1" fill="none" opacity="0.35"/>`);
  }
  for (let i = 0; i < 6; i++) {
    const r = Math.min(width, height) * (0.12 + i * 0.05);
    lines.push(`<circle cx="${width * 0.72}" cy="${height * 0.55}" r="${r}" stroke="${colour}" stroke-width="0.8" fill="none" opacity="0.18"/>`);
  }
  return lines.join('');
}

/** A label in Chinese over its English, small, and the value below (the bilingual layout of mainland documents). */
function bilingual(x: number, y: number, zh: string, en: string, value: string, size = 24, colour = '#2f6db5'): string {
  return `<text x="${x}" y="${y}" font-family="${FONT}" font-size="14" fill="${colour}">${esc(zh)} <tspan font-size="12">${esc(en)}</tspan></text>
    <text x="${x}" y="${y + size + 6}" font-family="${FONT}" font-size="${size}" font-weight="bold" fill="#0b0e13">${esc(value)}</text>`;
}

/** A generic national emblem for specimens: a gold ring with red field and stars (not any state's real emblem). */
function emblem(cx: number, cy: number, r: number): string {
  const star = (x: number, y: number, s: number) => {
    const points = Array.from({ length: 10 }, (_, i) => {
      const a = -Math.PI / 2 + (i * Math.PI) / 5;
      const len = i % 2 === 0 ? s : s * 0.4;
      return `${(x + len * Math.cos(a)).toFixed(1)},${(y + len * Math.sin(a)).toFixed(1)}`;
    });
    return `<polygon points="${points.join(' ')}" fill="#f6c700"/>`;
  };
  return `<circle cx="${cx}" cy="${cy}" r="${r}" fill="#c8102e" stroke="#d4a017" stroke-width="${r * 0.12}"/>
    ${star(cx, cy - r * 0.1, r * 0.38)}
    ${[-0.55, -0.2, 0.2, 0.55].map((d) => star(cx + r * d, cy + r * 0.5 - Math.abs(d) * r * 0.4, r * 0.12)).join('')}`;
}

/** The demo's pinyin names in characters, for the Chinese side of a bilingual document (unknown names print as entered). */
const hanzi: Record<string, string> = {
  ZHANG: '张', WANG: '王', LI: '李', LIU: '刘', CHEN: '陈', YANG: '杨', HUANG: '黄', ZHAO: '赵', WU: '吴', ZHOU: '周',
  XU: '徐', SUN: '孙', MA: '马', ZHU: '朱', HU: '胡', GUO: '郭', HE: '何', LIN: '林', LUO: '罗', GAO: '高',
  Wei: '伟', Fang: '芳', Na: '娜', Min: '敏', Jing: '静', Lei: '磊', Qiang: '强', Yan: '燕', Jun: '军', Yong: '勇',
  Jie: '杰', Tao: '涛', Ming: '明', Chao: '超', 'Xiu Ying': '秀英', Hui: '慧', Lan: '兰', Ping: '平', Gang: '刚', Hong: '红',
};

function chineseName(fullName: string): string | null {
  const { surname, given } = splitName(fullName);
  const s = hanzi[surname];
  const g = hanzi[given];
  return s && g ? s + g : null;
}

/** The sex a specimen prints: the entered one, else specimenSex; the same on every document. */
export function sexOf(s: PersonSpecimen): 'M' | 'F' | 'X' {
  return s.sex ?? specimenSex(s);
}

const sexText = { M: '男 M', F: '女 F', X: '— X' } as const;
const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** 01 JAN 1990, as a passport prints dates. */
const passportDate = (iso: string) => `${iso.slice(8, 10)} ${months[Number(iso.slice(5, 7)) - 1] ?? '---'} ${iso.slice(0, 4)}`;
const dotted = (iso: string) => iso.replace(/-/g, '.');
/** Ten years before expiry: when a specimen's document was issued. */
const issuedFrom = (expiry: string) => `${Number(expiry.slice(0, 4)) - 10}${expiry.slice(4)}`;

/** The PRC resident identity card: the personal side (photo, number) and the emblem side (authority, validity). */
function prcIdCard(s: PersonSpecimen): { svg: string; width: number; height: number } {
  const width = 856;
  const height = 540;
  const base = `<defs><linearGradient id="idbg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#e4eef6"/><stop offset="0.6" stop-color="#f3f0e4"/><stop offset="1" stop-color="#dfe9f2"/></linearGradient></defs>
    <rect width="${width}" height="${height}" rx="28" fill="url(#idbg)"/>${guilloche(width, height, '#4f86b8')}`;
  if (s.side === 'back') {
    const svg = `${base}
      ${emblem(130, 130, 78)}
      <text x="250" y="110" font-family="${FONT}" font-size="40" font-weight="bold" fill="#0b0e13" letter-spacing="6">中华人民共和国</text>
      <text x="250" y="190" font-family="${FONT}" font-size="62" font-weight="bold" fill="#0b0e13" letter-spacing="14">居民身份证</text>
      <text x="254" y="228" font-family="${FONT}" font-size="20" fill="#2f6db5" letter-spacing="3">RESIDENT IDENTITY CARD</text>
      <text x="150" y="370" font-family="${FONT}" font-size="20" fill="#2f6db5">签发机关 <tspan font-size="14">Issuing authority</tspan></text>
      <text x="390" y="372" font-family="${FONT}" font-size="26" fill="#0b0e13">杭州市公安局西湖分局（样本）</text>
      <text x="150" y="440" font-family="${FONT}" font-size="20" fill="#2f6db5">有效期限 <tspan font-size="14">Period of validity</tspan></text>
      <text x="390" y="442" font-family="DejaVu Sans Mono, monospace" font-size="28" fill="#0b0e13">${esc(dotted(issuedFrom(s.expiryDate)))}-${esc(dotted(s.expiryDate))}</text>`;
    return { svg, width, height };
  }
  const sex = sexOf(s);
  const zh = chineseName(s.fullName);
  const [year, month, day] = s.birthDate.split('-');
  const label = (y: number, zhText: string, en: string) =>
    `<text x="40" y="${y}" font-family="${FONT}" font-size="19" fill="#2f6db5">${esc(zhText)}</text><text x="40" y="${y + 17}" font-family="${FONT}" font-size="12" fill="#2f6db5">${esc(en)}</text>`;
  const value = (x: number, y: number, text: string, size = 26) => `<text x="${x}" y="${y}" font-family="${FONT}" font-size="${size}" fill="#0b0e13">${esc(text)}</text>`;
  const svg = `${base}
    ${label(118, '姓名', 'Name')}${value(140, 132, zh ? `${zh}  ${s.fullName}` : s.fullName, 30)}
    ${label(190, '性别', 'Sex')}${value(140, 204, sexText[sex])}
    <text x="300" y="190" font-family="${FONT}" font-size="19" fill="#2f6db5">民族</text><text x="300" y="207" font-family="${FONT}" font-size="12" fill="#2f6db5">Ethnicity</text>${value(370, 204, '汉 Han')}
    ${label(262, '出生', 'Born')}${value(140, 276, `${year} 年 ${Number(month)} 月 ${Number(day)} 日`)}
    ${label(334, '住址', 'Address')}${value(140, 346, '浙江省杭州市西湖区示例路 1 号', 24)}${value(140, 378, '1 Specimen Road, Xihu District, Hangzhou', 18)}
    ${portrait(600, 80, 210, 270, s.fullName)}
    <text x="40" y="470" font-family="${FONT}" font-size="19" fill="#2f6db5">公民身份号码</text><text x="40" y="487" font-family="${FONT}" font-size="12" fill="#2f6db5">Citizen ID number</text>
    <text x="250" y="484" font-family="DejaVu Sans Mono, monospace" font-size="36" font-weight="bold" fill="#0b0e13" letter-spacing="3">${esc(s.documentNumber)}</text>`;
  return { svg, width, height };
}

/** A passport data page (TD3) with its machine-readable zone; the People's Republic of China's layout for CN. */
function passportPage(s: PersonSpecimen): { svg: string; width: number; height: number; over: string } {
  const width = 880;
  const height = 620;
  const sex = sexOf(s);
  const state = icaoCode(s.issuingLocation);
  const nationality = icaoCode(s.nationality ?? s.issuingLocation);
  const mainland = state === 'CHN';
  const { surname, given } = splitName(s.fullName);
  const zh = inChineseScript(s.fullName) ? s.fullName.replace(/\s+/g, '') : chineseName(s.fullName);
  const [line1, line2] = passportMrz({ ...s, sex });
  const title = mainland ? '中华人民共和国  护照 <tspan font-size="18">PEOPLE\'S REPUBLIC OF CHINA · PASSPORT</tspan>' : `护照 <tspan font-size="18">PASSPORT · ${esc(s.issuingLocation)}</tspan>`;
  const svg = `<rect width="${width}" height="${height}" rx="6" fill="#efe8f6"/>${guilloche(width, height, '#7a5aa8')}
    <rect width="${width}" height="64" fill="#5b3f8f"/>
    <text x="28" y="44" font-family="${FONT}" font-size="28" font-weight="bold" fill="#fff">${title}</text>
    ${portrait(32, 92, 220, 280, s.fullName)}
    ${bilingual(280, 92, '类型', 'Type', 'P', 22, '#5b3f8f')}
    ${bilingual(400, 92, '国家码', 'Country code', state.replace(/<+$/, ''), 22, '#5b3f8f')}
    ${bilingual(580, 92, '护照号', 'Passport No.', s.documentNumber, 22, '#5b3f8f')}
    ${bilingual(280, 148, '姓名', 'Name', `${surname.toUpperCase()}, ${given.toUpperCase()}${zh ? `  ${zh}` : ''}`, 26, '#5b3f8f')}
    ${bilingual(280, 210, '性别', 'Sex', sexText[sex], 22, '#5b3f8f')}
    ${bilingual(400, 210, '国籍', 'Nationality', nationality === 'CHN' ? '中国 CHINESE' : nationality.replace(/<+$/, ''), 22, '#5b3f8f')}
    ${bilingual(620, 210, '出生日期', 'Date of birth', passportDate(s.birthDate), 22, '#5b3f8f')}
    ${bilingual(280, 266, '签发日期', 'Date of issue', passportDate(issuedFrom(s.expiryDate)), 22, '#5b3f8f')}
    ${bilingual(520, 266, '有效期至', 'Date of expiry', passportDate(s.expiryDate), 22, '#5b3f8f')}
    ${bilingual(280, 322, '签发机关', 'Authority', mainland ? '国家移民管理局 NIA (specimen)' : `${s.issuingLocation} (specimen)`, 22, '#5b3f8f')}`;
  // The machine-readable zone goes over the watermark: on a real page nothing crosses it (R11 reads it).
  const over = `<rect x="0" y="${height - 150}" width="${width}" height="150" fill="#f7f4fa"/>
    <text x="30" y="${height - 88}" font-family="DejaVu Sans Mono, monospace" font-size="29" fill="#111" textLength="${width - 60}" lengthAdjust="spacing">${esc(line1)}</text>
    <text x="30" y="${height - 38}" font-family="DejaVu Sans Mono, monospace" font-size="29" fill="#111" textLength="${width - 60}" lengthAdjust="spacing">${esc(line2)}</text>`;
  return { svg, width, height, over };
}

const titles: Record<Exclude<PersonSpecimen['kind'], 'passport'>, [zh: string, en: string]> = {
  id_card: ['身份证', 'IDENTITY CARD'],
  drivers_license: ['驾驶证', 'DRIVING LICENCE'],
  work_permit: ['工作许可证', "FOREIGNER'S WORK PERMIT"],
};

/** Identity cards other than the mainland's, driving licences and residence/work permits: bilingual, with a portrait. */
function cardSvg(s: PersonSpecimen): { svg: string; width: number; height: number } {
  const width = 856;
  const height = 540;
  const kind = s.kind === 'passport' ? 'id_card' : s.kind;
  const tint = { id_card: '#dbe7f5', drivers_license: '#dcefe2', work_permit: '#f3e6cf' }[kind];
  const band = { id_card: '#2f6db5', drivers_license: '#2e7d4f', work_permit: '#a86a12' }[kind];
  const [zhTitle, enTitle] = titles[kind];
  const prc = s.issuingLocation === 'CN';
  const header = `<rect width="${width}" height="${height}" rx="28" fill="${tint}"/>
    ${guilloche(width, height, band)}
    <rect width="${width}" height="76" rx="28" fill="${band}"/>
    <rect y="40" width="${width}" height="36" fill="${band}"/>
    <text x="30" y="38" font-family="${FONT}" font-size="26" font-weight="bold" fill="#fff">${prc ? '中华人民共和国' : esc(s.issuingLocation)} ${esc(zhTitle)}</text>
    <text x="30" y="64" font-family="${FONT}" font-size="18" fill="#fff">${esc(enTitle)}${prc ? " · PEOPLE'S REPUBLIC OF CHINA" : ` · ${esc(s.issuingLocation)}`}</text>`;
  let body: string;
  if (s.side === 'back') {
    body = `${bilingual(40, 130, '签发机关', 'Issuing authority', `${prc ? '中华人民共和国' : s.issuingLocation} (specimen)`)}
      ${bilingual(40, 210, '有效期限', 'Period of validity', `${dotted(issuedFrom(s.expiryDate))} - ${dotted(s.expiryDate)}`)}
      ${bilingual(40, 290, '证件号码', 'Document No.', s.documentNumber)}`;
  } else {
    const sex = sexOf(s);
    body = `${portrait(36, 100, 200, 250, s.fullName)}
      ${bilingual(270, 110, '姓名', 'Name', s.fullName, 30, band)}
      ${bilingual(270, 180, '证件号码', 'Document No.', s.documentNumber, 24, band)}
      ${bilingual(270, 245, '出生日期', 'Date of birth', s.birthDate, 24, band)}
      ${bilingual(560, 245, '有效期至', 'Date of expiry', s.expiryDate, 24, band)}
      ${bilingual(270, 310, '性别', 'Sex', sexText[sex], 24, band)}
      ${bilingual(560, 310, kind === 'work_permit' ? '国籍' : '签发地', kind === 'work_permit' ? 'Nationality' : 'Issued in', s.issuingLocation, 24, band)}`;
  }
  return { svg: `${header}${body}`, width, height };
}

function personSvg(s: PersonSpecimen): { svg: string; width: number; height: number } {
  const drawn: { svg: string; width: number; height: number; over?: string } =
    s.kind === 'passport' ? passportPage(s) : s.kind === 'id_card' && s.issuingLocation === 'CN' ? prcIdCard(s) : cardSvg(s);
  return { width: drawn.width, height: drawn.height, svg: drawn.svg + watermark(drawn.width, drawn.height) + (drawn.over ?? '') };
}

/** A block pattern standing in for the licence's QR code (deterministic from the number; it encodes nothing). */
function codeBlock(x: number, y: number, size: number, seed: string): string {
  const cells = 21;
  const cell = size / cells;
  const squares: string[] = [];
  let r = hashOf(seed);
  const finder = (cx: number, cy: number) =>
    `<rect x="${x + cx * cell}" y="${y + cy * cell}" width="${7 * cell}" height="${7 * cell}" fill="#111"/><rect x="${x + (cx + 1) * cell}" y="${y + (cy + 1) * cell}" width="${5 * cell}" height="${5 * cell}" fill="#fff"/><rect x="${x + (cx + 2) * cell}" y="${y + (cy + 2) * cell}" width="${3 * cell}" height="${3 * cell}" fill="#111"/>`;
  for (let i = 0; i < cells; i++) {
    for (let j = 0; j < cells; j++) {
      if ((i < 8 && j < 8) || (i < 8 && j > 12) || (i > 12 && j < 8)) continue;
      r = Math.imul(r ^ (r >>> 15), 2246822507) >>> 0;
      if (r % 2 === 0) squares.push(`<rect x="${(x + i * cell).toFixed(1)}" y="${(y + j * cell).toFixed(1)}" width="${cell.toFixed(1)}" height="${cell.toFixed(1)}" fill="#111"/>`);
    }
  }
  return `<rect x="${x - 6}" y="${y - 6}" width="${size + 12}" height="${size + 12}" fill="#fff"/>${squares.join('')}${finder(0, 0)}${finder(14, 0)}${finder(0, 14)}`;
}

/** The business licence (营业执照) in the mainland's landscape layout: emblem, title, credit code, fields, seal. */
function enterpriseSvg(s: EnterpriseSpecimen): { svg: string; width: number; height: number } {
  const width = 1200;
  const height = 850;
  const address = wrap(s.registeredAddress, 30);
  const name = wrap(s.enterpriseName, 30);
  const row = (x: number, y: number, zh: string, en: string, lines: readonly string[], size = 22) =>
    `<text x="${x}" y="${y}" font-family="${FONT}" font-size="19" fill="#6b4f1d">${esc(zh)}</text><text x="${x}" y="${y + 16}" font-family="${FONT}" font-size="11" fill="#6b4f1d">${esc(en)}</text>
    ${lines.map((line, i) => `<text x="${x + 150}" y="${y + 4 + i * (size + 8)}" font-family="${FONT}" font-size="${size}" fill="#0b0e13">${esc(line)}</text>`).join('')}`;
  const svg = `<rect width="${width}" height="${height}" fill="#f6efd9"/>
    <rect x="18" y="18" width="${width - 36}" height="${height - 36}" fill="none" stroke="#b8860b" stroke-width="12"/>
    <rect x="40" y="40" width="${width - 80}" height="${height - 80}" fill="none" stroke="#c9a44a" stroke-width="2" stroke-dasharray="10 4"/>
    ${emblem(width / 2, 120, 56)}
    <text x="${width / 2}" y="250" text-anchor="middle" font-family="${FONT}" font-size="72" font-weight="bold" fill="#8b1a1a" letter-spacing="30">营业执照</text>
    <text x="${width / 2}" y="288" text-anchor="middle" font-family="${FONT}" font-size="22" fill="#6b4f1d" letter-spacing="4">BUSINESS LICENCE (副本 DUPLICATE)</text>
    <text x="80" y="120" font-family="${FONT}" font-size="19" fill="#6b4f1d">统一社会信用代码</text>
    <text x="80" y="138" font-family="${FONT}" font-size="11" fill="#6b4f1d">Unified social credit code</text>
    <text x="80" y="176" font-family="DejaVu Sans Mono, monospace" font-size="30" font-weight="bold" fill="#0b0e13">${esc(s.businessRegistrationNumber)}</text>
    ${codeBlock(width - 230, 70, 150, s.businessRegistrationNumber)}
    <text x="${width - 155}" y="248" text-anchor="middle" font-family="${FONT}" font-size="12" fill="#6b4f1d">扫描查询 Scan to check (specimen)</text>
    ${row(80, 350, '名称', 'Name', name, 24)}
    ${row(80, 440, '类型', 'Type', ['有限责任公司 Limited liability company'])}
    ${row(80, 500, '法定代表人', 'Legal representative', ['SPECIMEN 样本'])}
    ${row(80, 560, '经营范围', 'Business scope', ['技术开发、技术服务（样本）', 'Technology services (specimen)'], 20)}
    ${row(680, 350, '注册资本', 'Registered capital', ['壹佰万元整 RMB 1,000,000'])}
    ${row(680, 410, '成立日期', 'Date of establishment', [s.issuedDate])}
    ${row(680, 470, '营业期限', 'Term of operation', ['长期 Long-term'])}
    ${row(680, 530, '住所', 'Domicile', address, 20)}
    <g opacity="0.78">
      <circle cx="${width - 230}" cy="${height - 170}" r="92" fill="none" stroke="#d0021b" stroke-width="6"/>
      <polygon points="${width - 230},${height - 215} ${width - 218},${height - 180} ${width - 182},${height - 180} ${width - 211},${height - 158} ${width - 200},${height - 123} ${width - 230},${height - 144} ${width - 260},${height - 123} ${width - 249},${height - 158} ${width - 278},${height - 180} ${width - 242},${height - 180}" fill="#d0021b"/>
      <text x="${width - 230}" y="${height - 95}" text-anchor="middle" font-family="${FONT}" font-size="18" fill="#d0021b">登记机关（样本）</text>
    </g>
    <text x="${width - 420}" y="${height - 70}" font-family="${FONT}" font-size="18" fill="#6b4f1d">登记机关 Registration authority · ${esc(s.issuedDate)}</text>
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

/** One specimen as the SVG document sharp renders. */
export function specimenSvg(specimen: Specimen): string {
  const { svg, width, height } = specimen.kind === 'business_licence' ? enterpriseSvg(specimen) : personSvg(specimen);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width * SCALE}" height="${height * SCALE}" viewBox="0 0 ${width} ${height}">${svg}</svg>`;
}

/** Decoded pixels passed between drawing steps: each step works on them, and only the last one encodes a JPEG. */
export interface RawImage {
  data: Buffer;
  info: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

/** Raw pixels of a sharp pipeline's result. */
export async function rawOf(image: Sharp): Promise<RawImage> {
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { data, info: { width: info.width, height: info.height, channels: info.channels } };
}

/** A sharp pipeline starting from raw pixels. */
export const sharpOf = (image: RawImage): Sharp => sharp(image.data, { raw: image.info });

/** A JPEG (no metadata) of raw pixels. */
export const jpegOf = (image: RawImage, quality = 85): Promise<Buffer> => sharpOf(image).jpeg({ quality, mozjpeg: false }).toBuffer();

/** One specimen rendered, as raw RGB pixels (for steps that follow, such as capture.ts). */
export function renderSpecimen(specimen: Specimen): Promise<RawImage> {
  return rawOf(sharp(Buffer.from(specimenSvg(specimen))).flatten({ background: '#ffffff' }));
}

/** One specimen as a JPEG (quality 85, no metadata). */
export async function drawSpecimen(specimen: Specimen): Promise<Buffer> {
  return sharp(Buffer.from(specimenSvg(specimen))).flatten({ background: '#ffffff' }).jpeg({ quality: 85, mozjpeg: false }).toBuffer();
}
