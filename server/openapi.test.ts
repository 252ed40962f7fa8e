// server/openapi.yaml is generated from shared/contract/central.ts; this fails while the committed file is stale.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { centralRoutes } from '../shared/contract/central';
import { openApiPath, renderOpenApiYaml } from './openapi';

describe('server/openapi.yaml', () => {
  it('is up to date with shared/contract/central.ts (regenerate with `npx tsx server/openapi.ts`)', () => {
    expect(readFileSync(openApiPath, 'utf8')).toBe(renderOpenApiYaml());
  });

  it('is OpenAPI 3.1 and lists every route with its security, request and response schemas', () => {
    const spec = parse(readFileSync(openApiPath, 'utf8')) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; security: unknown[]; requestBody?: unknown; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(spec.openapi).toBe('3.1.0');
    for (const route of centralRoutes) {
      const operation = spec.paths[route.path]?.[route.method];
      expect(operation?.operationId, `${route.method} ${route.path}`).toBe(route.operationId);
      expect(operation?.security).toEqual(route.roles === null ? [] : [{ bearer: [] }]);
      expect(Boolean(operation?.requestBody)).toBe('body' in route);
      for (const status of Object.keys(route.responses)) expect(operation?.responses[status], `${route.operationId} ${status}`).toBeDefined();
      if (route.roles !== null) {
        expect(operation?.responses['401']).toBeDefined();
        expect(operation?.responses['403']).toBeDefined();
      }
    }
    // Every $ref resolves.
    const text = JSON.stringify(spec);
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([A-Za-z0-9]+)"/g)) {
      expect(spec.components.schemas[name as string], name).toBeDefined();
    }
  });
});
