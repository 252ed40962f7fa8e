// A Chinese name in Latin letters the way a PRC passport's MRZ writes it: pinyin without tones, ü as V, a surname
// read as a surname (单 SHAN, 曾 ZENG, 吕 LV). R11 compares a name entered in characters with the MRZ through it
// (electron/store/mrzCheck.ts), and the demo's specimen passports print their MRZ with it, so both spell alike.
import { pinyin } from 'pinyin-pro';

const hanzi = /[\u3400-\u9fff]/;

/** Whether a text holds Chinese characters. */
export const inChineseScript = (text: string): boolean => hanzi.test(text);

/** The upper-case syllables of a name in characters: 张伟 → ["ZHANG", "WEI"]. */
export function pinyinSyllables(name: string): string[] {
  return pinyin(name.replace(/\s+/g, ''), { toneType: 'none', type: 'array', surname: 'head', v: true }).map((s) => s.toUpperCase());
}

/** Two-character surnames; any other name's surname is its first character. */
const compoundSurnames = new Set(['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '夏侯', '令狐', '宇文', '长孙', '司徒', '端木', '南宫', '独孤', '轩辕']);

/** Surname and given names of a name in characters, as a passport writes them: 张伟 → ZHANG / WEI, 欧阳子轩 → OUYANG / ZIXUAN. */
export function pinyinName(name: string): { surname: string; given: string } {
  const compact = name.replace(/\s+/g, '');
  const syllables = pinyinSyllables(compact);
  const length = compoundSurnames.has(compact.slice(0, 2)) && syllables.length > 2 ? 2 : 1;
  return { surname: syllables.slice(0, length).join(''), given: syllables.slice(length).join('') };
}
