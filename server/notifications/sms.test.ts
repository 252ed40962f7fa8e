// SMS length limits, by property: GSM-7 (160 alone, 153 a part; extension characters cost two septets) and UCS-2
// (70 alone, 67 a part; a surrogate pair is never split), for English and Chinese text alike.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smsEncoding, smsLength, smsLimits, splitSms } from './sms';

const gsmChars = [...'@£$¥èéùìòÇ\nØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà^{}\\[~]|€'];
const gsmText = fc.array(fc.constantFrom(...gsmChars), { maxLength: 700 }).map((c) => c.join(''));
const chinese = fc.array(fc.constantFrom(...'您好实名认证已通过请查看控制台消息中心，。'), { maxLength: 400 }).map((c) => c.join(''));
// Any text: Chinese, emoji (surrogate pairs) and GSM characters mixed.
const anyText = fc.array(fc.oneof(fc.constantFrom(...gsmChars), fc.constantFrom('认', '证', '😀', '𠀋', '’')), { maxLength: 500 }).map((c) => c.join(''));

describe('splitSms', () => {
  it('loses nothing and keeps every part within its encoding’s limit', () => {
    fc.assert(
      fc.property(fc.oneof(gsmText, chinese, anyText), (text) => {
        const { encoding, parts } = splitSms(text);
        expect(parts.join('')).toBe(text);
        expect(encoding).toBe(smsEncoding(text));
        const limits = smsLimits[encoding];
        if (parts.length === 1) expect(smsLength(parts[0] ?? '', encoding)).toBeLessThanOrEqual(limits.single);
        else for (const part of parts) expect(smsLength(part, encoding)).toBeLessThanOrEqual(limits.part);
      }),
      { numRuns: 500 },
    );
  });

  it('sends one message exactly when the text fits one, and no more parts than needed', () => {
    fc.assert(
      fc.property(fc.oneof(gsmText, chinese, anyText), (text) => {
        const { encoding, parts } = splitSms(text);
        const length = smsLength(text, encoding);
        const limits = smsLimits[encoding];
        expect(parts.length === 1).toBe(length <= limits.single);
        // Greedy filling: every part but the last is full up to one character (a two-unit character may not fit).
        if (parts.length > 1) {
          expect(parts.length).toBeGreaterThanOrEqual(Math.ceil(length / limits.part));
          for (const part of parts.slice(0, -1)) expect(smsLength(part, encoding)).toBeGreaterThanOrEqual(limits.part - 1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never splits a surrogate pair or a GSM extension character', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const part of splitSms(text).parts) {
          // No lone surrogate at either end of a part.
          expect(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(part)).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('counts at the edges: 160/161 GSM-7, 70/71 Chinese, extension characters twice', () => {
    expect(splitSms('a'.repeat(160)).parts).toHaveLength(1);
    expect(splitSms('a'.repeat(161)).parts.map((p) => p.length)).toEqual([153, 8]);
    expect(splitSms('认'.repeat(70))).toEqual({ encoding: 'ucs2', parts: ['认'.repeat(70)] });
    expect(splitSms('认'.repeat(71)).parts.map((p) => p.length)).toEqual([67, 4]);
    // 80 euro signs are 160 septets: one message; 81 are two, 76 (152 septets) in the first part.
    expect(splitSms('€'.repeat(80)).parts).toHaveLength(1);
    expect(splitSms('€'.repeat(81)).parts.map((p) => p.length)).toEqual([76, 5]);
    // An emoji is two UTF-16 units and stays whole at the 67-unit boundary.
    expect(splitSms(`${'认'.repeat(66)}😀${'认'.repeat(10)}`).parts[0]).toBe('认'.repeat(66));
    // One character outside GSM-7 makes the whole text UCS-2.
    expect(smsEncoding('Your console’s message centre')).toBe('ucs2');
    expect(smsEncoding('Your console message centre')).toBe('gsm7');
  });
});
