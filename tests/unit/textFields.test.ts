// The class of "text a boundary accepted and PostgreSQL or a screen could not hold" (one NUL in a note stopped a
// workstation's sync): every string a boundary schema accepts, at any depth, must refuse NUL and other control
// characters, unpaired surrogates, and have a length bound. The schemas are walked, not listed, so a field added
// tomorrow with a bare z.string() fails here.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { channels } from '../../shared/api';
import { centralRoutes, type CentralRoute } from '../../shared/contract/central';
import { Settings } from '../../shared/contract/app';
import { CalendarFile } from '../../electron/api/calendar';
import { ProfilesFile } from '../../electron/api/session';
import { SessionTokens } from '../../electron/sync/client';
import { isLineText, lineText, multilineText, toLineText } from '../../shared/text';

interface Leaf {
  where: string;
  schema: z.ZodType;
}

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Every string schema reachable from `schema`, with the path that leads to it. */
function stringLeaves(schema: z.ZodType, where: string, out: Leaf[] = [], seen = new Set<z.ZodType>()): Leaf[] {
  if (seen.has(schema)) return out;
  seen.add(schema);
  const def = defOf(schema);
  const walk = (child: unknown, at: string) => stringLeaves(child as z.ZodType, at, out, seen);
  switch (def.type) {
    case 'string':
      out.push({ where, schema });
      break;
    case 'object':
      for (const [key, child] of Object.entries(def.shape as Record<string, z.ZodType>)) walk(child, `${where}.${key}`);
      if (def.catchall && defOf(def.catchall as z.ZodType).type !== 'never' && defOf(def.catchall as z.ZodType).type !== 'unknown') walk(def.catchall, `${where}.*`);
      break;
    case 'array':
      walk(def.element, `${where}[]`);
      break;
    case 'union':
      (def.options as z.ZodType[]).forEach((option, i) => walk(option, `${where}|${i}`));
      break;
    case 'intersection':
      walk(def.left, where);
      walk(def.right, where);
      break;
    case 'record':
      walk(def.keyType, `${where}{key}`);
      walk(def.valueType, `${where}{value}`);
      break;
    case 'tuple':
      (def.items as z.ZodType[]).forEach((item, i) => walk(item, `${where}[${i}]`));
      if (def.rest) walk(def.rest, `${where}[…]`);
      break;
    case 'pipe':
      walk(def.in, where);
      walk(def.out, where);
      break;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      walk(def.innerType, where);
      break;
    case 'lazy':
      walk((def.getter as () => z.ZodType)(), where);
      break;
    case 'literal':
    case 'enum':
    case 'number':
    case 'boolean':
    case 'null':
    case 'custom':
    case 'transform':
      break;
    default:
      throw new Error(`${where}: the walker does not know zod type ${def.type}; teach it`);
  }
  return out;
}

function boundaryLeaves(): Leaf[] {
  const leaves: Leaf[] = [];
  // Renderer → main: every channel's request (both transports validate with it in dispatch).
  for (const [name, def] of Object.entries(channels)) stringLeaves(def.request, `channel ${name} request`, leaves);
  // The central API both ways: what the server accepts, and what the workstation accepts from it.
  for (const route of centralRoutes as readonly CentralRoute[]) {
    const label = `${route.method.toUpperCase()} ${route.path}`;
    if (route.query) stringLeaves(route.query, `${label} query`, leaves);
    if (route.body) stringLeaves(route.body, `${label} body`, leaves);
    for (const [status, response] of Object.entries(route.responses)) {
      if (response && response !== 'binary') {
        for (const [i, line] of ('lines' in response ? response.lines : [response]).entries()) stringLeaves(line, `${label} ${status}${'lines' in response ? ` line ${i + 1}` : ''}`, leaves);
      }
    }
  }
  // Files the workstation reads back: settings, local profiles, the calendar, the central session's tokens.
  stringLeaves(Settings, 'settings.json', leaves);
  stringLeaves(ProfilesFile, 'people.json', leaves);
  stringLeaves(CalendarFile, 'calendar.json', leaves);
  stringLeaves(SessionTokens, 'session tokens', leaves);
  return leaves;
}

/** A length check, or a format (uuid, ISO datetime, a pattern), which bounds the length by its shape. */
const bounded = (schema: z.ZodType): boolean =>
  defOf(schema).format !== undefined ||
  ((defOf(schema).checks as { _zod: { def: { check: string } } }[] | undefined) ?? []).some((c) =>
    ['max_length', 'length_equals', 'string_format'].includes(c._zod.def.check),
  );

describe('every text field at every boundary', () => {
  const leaves = boundaryLeaves();

  it('finds the text fields (the walker reaches them)', () => {
    const where = leaves.map((l) => l.where);
    expect(where).toContain('channel case.decide request.internalNote');
    expect(where).toContain('POST /v1/applications body.identity|0.fullName');
    expect(where).toContain('POST /v1/mutations:batch body.mutations[]|0.applicantMessage');
    expect(leaves.length).toBeGreaterThan(60);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['an escape character', 'a\u001Bb'],
    ['DEL', 'a\u007Fb'],
    ['a C1 control', 'a\u0085b'],
    ['an unpaired high surrogate', 'a\uD800b'],
    ['an unpaired low surrogate', 'a\uDC00b'],
  ])('refuses %s everywhere', (_what, value) => {
    const accepting = leaves.filter((l) => l.schema.safeParse(value).success).map((l) => l.where);
    expect(accepting).toEqual([]);
  });

  it('bounds the length of every text field', () => {
    expect(leaves.filter((l) => !bounded(l.schema)).map((l) => l.where)).toEqual([]);
  });
});

describe('the text schemas', () => {
  it('let a line hold any script and emoji, but no line break; multi-line text holds tab and line feed only', () => {
    expect(lineText(50).safeParse('李 明 Élodie 😀').success).toBe(true);
    expect(lineText(50).safeParse('two\nlines').success).toBe(false);
    expect(multilineText(50).safeParse('two\nlines\tand a tab').success).toBe(true);
    expect(multilineText(50).safeParse('carriage\rreturn').success).toBe(false);
    expect(lineText(3).safeParse('four').success).toBe(false);
  });

  it('names the problem without echoing the value', () => {
    const result = lineText(50).safeParse('secret\u0000');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/control character/);
    expect(result.error?.issues[0]?.message).not.toContain('secret');
    expect(multilineText(50).safeParse('\uD83D').error?.issues[0]?.message).toMatch(/unpaired UTF-16 surrogate/);
  });

  it('makes text read from a file fit a line: controls dropped, broken surrogates replaced, cut on a code point', () => {
    expect(toLineText(' Canon\u0000\u0007 EOS ', 100)).toBe('Canon EOS');
    expect(toLineText('a\uD800b', 100)).toBe('a\uFFFDb');
    const cut = toLineText('ab😀', 3);
    expect(cut).toBe('ab');
    expect(isLineText(cut, 3)).toBe(true);
    expect(isLineText('a\u0000', 10)).toBe(false);
  });
});
