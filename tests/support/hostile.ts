// Test support: hostile requests derived from a boundary's zod schema, for property-based tests (fast-check) of every
// transport (the central API, the workstation over IPC and over the browser host's HTTP). From the schema it makes a
// plain valid request (its skeleton, or an exemplar where refinements need a real value), then breaks it: wrong types,
// missing and extra fields, huge and deeply nested values, control characters, lone surrogates, path traversal, SQL
// metacharacters and prototype-pollution keys, one to three defects at paths the schema names.
import fc from 'fast-check';
import type { z } from 'zod';

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Strings a boundary must not trip over (often valid text: they must then be stored as text, never interpreted). */
export const hostileStrings = [
  "'; DROP TABLE people; --",
  "' OR '1'='1",
  '" OR ""="',
  '1; SELECT pg_sleep(10)',
  '\\',
  '%',
  '_',
  '$1',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '/dev/zero',
  'file:///etc/shadow',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${process.exit(1)}',
  '__proto__',
  'constructor',
] as const;

/** Text that no boundary may accept: control characters and broken UTF-16. */
export const brokenStrings = ['nul\u0000byte', 'bell\u0007', 'esc\u001b[2J', 'del\u007f', 'c1\u0085', 'cr\rlf', '\uD800lone-high', 'lone-low\uDC00', 'x\uDBFF'] as const;

/** Keys that pollute a prototype when an object is merged carelessly. */
export const pollutingKeys = ['__proto__', 'constructor', 'prototype'] as const;

/** A nesting of arrays `depth` deep (built iteratively: the test itself must not overflow its stack). */
export function deeplyNested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  // fast-check prints a counterexample recursively: this one is named instead.
  Object.defineProperty(value as object, fc.toStringMethod, { value: () => `deeplyNested(${depth})`, enumerable: false });
  return value;
}

/** An object whose own enumerable key is `key`, `__proto__` included (an assignment would set the prototype instead). */
export function withOwnKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...target };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

/** A value of the wrong kind for any field, or too big for any. */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 31), '', [], {}, [null], { length: 1 }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 20 }),
  fc.constantFrom<unknown>(...hostileStrings, ...brokenStrings),
  fc.constantFrom(100, 2_000).map(deeplyNested),
  fc.constantFrom(5_000, 70_000).map((n) => 'x'.repeat(n)),
  fc.constantFrom(...pollutingKeys).map((key) => withOwnKey({}, key, { polluted: true })),
  fc.array(fc.constantFrom<unknown>(1, 'a', null), { minLength: 300, maxLength: 300 }),
);

/** A plain valid value of `schema` where it has no refinement beyond lengths and formats; undefined for an optional field. */
export function skeletonOf(schema: z.ZodType): unknown {
  const def = defOf(schema);
  const checks = ((def.checks as { _zod: { def: Record<string, unknown> } }[] | undefined) ?? []).map((c) => c._zod.def);
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(def.shape as Record<string, z.ZodType>)) {
        const value = skeletonOf(child);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
    case 'string': {
      const format = (def.format as string | undefined) ?? (checks.find((c) => c.check === 'string_format')?.format as string | undefined);
      if (format === 'uuid' || format === 'guid') return '3f1c2a9e-8d4b-4c6e-9a1f-2b3c4d5e6f70';
      if (format === 'datetime') return '2026-11-24T02:00:00.000Z';
      if (format === 'date') return '2026-11-24';
      const min = Number(checks.find((c) => c.check === 'min_length')?.minimum ?? checks.find((c) => c.check === 'length_equals')?.length ?? 1);
      return 'a'.repeat(Math.max(1, min));
    }
    case 'number': {
      const min = checks.find((c) => c.check === 'greater_than');
      return min ? Number(min.value) + (min.inclusive ? 0 : 1) : 1;
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'literal':
      return (def.values as unknown[])[0];
    case 'enum':
      return Object.values(def.entries as Record<string, unknown>)[0];
    case 'array': {
      const min = Number(checks.find((c) => c.check === 'min_length')?.minimum ?? 0);
      return Array.from({ length: min }, () => skeletonOf(def.element as z.ZodType));
    }
    case 'union':
      return skeletonOf((def.options as z.ZodType[])[0] as z.ZodType);
    case 'record':
      return {};
    case 'optional':
    case 'default':
    case 'prefault':
      return undefined;
    case 'nullable':
      return null;
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return skeletonOf(def.innerType as z.ZodType);
    case 'pipe':
      return skeletonOf(def.in as z.ZodType);
    case 'lazy':
      return skeletonOf((def.getter as () => z.ZodType)());
    default:
      return undefined;
  }
}

type Path = (string | number)[];

/** Every object (with its own keys) and every leaf in `value`, by path. */
function placesIn(value: unknown, at: Path = [], out: { objects: Path[]; leaves: Path[]; keys: Path[] } = { objects: [], leaves: [], keys: [] }) {
  if (Array.isArray(value)) {
    out.leaves.push(at);
    value.forEach((item, i) => placesIn(item, [...at, i], out));
  } else if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    out.objects.push(at);
    if (at.length > 0) out.leaves.push(at);
    for (const [key, child] of Object.entries(value)) {
      out.keys.push([...at, key]);
      placesIn(child, [...at, key], out);
    }
  } else {
    out.leaves.push(at);
  }
  return out;
}

/** A shallow copy that keeps every own key, `__proto__` included. */
function shallow(value: object): Record<string | number, unknown> {
  if (Array.isArray(value)) return [...value] as unknown as Record<number, unknown>;
  let out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) out = withOwnKey(out, key, child);
  return out;
}

const isContainer = (value: unknown): value is object => value !== null && typeof value === 'object' && !ArrayBuffer.isView(value);

/**
 * `root` with the value at `path` changed by `change` (undefined: the key removed), copying only along the path (a
 * deeply nested value elsewhere is shared, not walked); unchanged when an earlier defect removed the path.
 */
function edit(root: unknown, path: Path, change: (old: unknown) => unknown): unknown {
  if (path.length === 0) return change(root);
  if (!isContainer(root)) return root;
  const [step, ...rest] = path as [string | number, ...Path];
  if (!Object.hasOwn(root, step)) return rest.length === 0 ? edit(root, [], (r) => setKey(r as object, step, change(undefined))) : root;
  return setKey(root, step, edit((root as Record<string | number, unknown>)[step], rest, change));
}

function setKey(node: object, key: string | number, value: unknown): unknown {
  const copy = shallow(node);
  if (value === undefined && !Array.isArray(copy)) delete copy[key];
  else Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

type Defect = (value: unknown) => unknown;

/** One defect at a place in `valid`, drawn from the kinds above. */
function defects(valid: unknown): fc.Arbitrary<Defect> {
  const places = placesIn(valid);
  const kinds: fc.Arbitrary<Defect>[] = [
    // The whole request of the wrong kind.
    wrongValue.map((wrong) => () => wrong),
  ];
  if (places.leaves.length > 0) {
    kinds.push(
      fc.tuple(fc.constantFrom(...places.leaves), wrongValue).map(([path, wrong]) => (v: unknown) => edit(v, path, () => wrong)),
      // A text field with broken or hostile text in it, or made huge.
      fc
        .tuple(fc.constantFrom(...places.leaves), fc.constantFrom<string>(...brokenStrings, ...hostileStrings, 'y'.repeat(100_000)), fc.boolean())
        .map(([path, text, append]) => (v: unknown) => edit(v, path, (old) => (append && typeof old === 'string' ? old + text : text))),
    );
  }
  if (places.keys.length > 0) {
    kinds.push(fc.constantFrom(...places.keys).map((path) => (v: unknown) => edit(v, path, () => undefined)));
  }
  if (places.objects.length > 0) {
    const extraKey = fc.oneof(fc.constantFrom<string>(...pollutingKeys, ...hostileStrings, 'extra', ''), fc.string({ minLength: 1, maxLength: 12 }));
    kinds.push(
      fc.tuple(fc.constantFrom(...places.objects), extraKey, wrongValue).map(([path, key, extra]) => (v: unknown) =>
        edit(v, path, (old) => withOwnKey((old ?? {}) as Record<string, unknown>, key, extra)),
      ),
    );
  }
  return fc.oneof(...kinds);
}

/**
 * Requests that `schema` refuses: `valid` (which it must accept) with one to three defects. Candidates the schema
 * happens to accept (a hostile string that is valid text in a free-text field) are left out here; a test that may
 * send valid input safely covers them itself.
 */
export function hostileRequests(schema: z.ZodType, valid: unknown): fc.Arbitrary<unknown> {
  if (!schema.safeParse(valid).success) throw new Error(`the valid request given for fuzzing is refused by its schema: ${JSON.stringify(valid).slice(0, 200)}`);
  return fc
    .array(defects(valid), { minLength: 1, maxLength: 3 })
    .map((list) => list.reduce<unknown>((value, defect) => defect(value), valid))
    .filter((candidate) => !schema.safeParse(candidate).success);
}

/** Object.prototype's own names: a polluted prototype shows here (checked before and after a fuzz run). */
export function prototypeNames(): string[] {
  return [...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertyNames(Array.prototype)].sort();
}
