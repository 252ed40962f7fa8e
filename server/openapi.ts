// Generates server/openapi.yaml (OpenAPI 3.1) from the zod schemas of shared/contract/central.ts.
// Run `tsx server/openapi.ts` after changing the contract; openapi.test.ts fails while the file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { z } from 'zod';
import { Application, Identity } from '../shared/domain';
import {
  ApplicationEnvelope,
  CentralError,
  centralRoutes,
  Change,
  CentralFacts,
  DecisionRecord,
  decisionsExportMediaType,
  DocumentRef,
  MutationResult,
  Review,
  StrictJudgedOn,
  type CentralRoute,
} from '../shared/contract/central';

export const openApiPath = fileURLToPath(new URL('./openapi.yaml', import.meta.url));

type JsonSchema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function componentName(route: CentralRoute, part: 'Request' | 'Query' | `Response${number}` | `Response${number}Line${number}`): string {
  const base = route.operationId.charAt(0).toUpperCase() + route.operationId.slice(1);
  return `${base}${part}`;
}

function strip(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  void _schema;
  void _id;
  return rest;
}

export function buildOpenApiDocument(): Record<string, unknown> {
  // Responses: shared parts become named components, referenced wherever they occur.
  const responses = z.registry<{ id: string }>();
  const shared: Record<string, z.ZodType> = {
    Error: CentralError,
    Application,
    Identity,
    DocumentRef,
    CentralFacts,
    ApplicationEnvelope,
    Change,
    MutationResult,
    Review,
    JudgedOn: StrictJudgedOn,
    DecisionRecord,
  };
  for (const [id, schema] of Object.entries(shared)) responses.add(schema, { id });
  // Requests are converted as input (defaults optional), so they live in a registry of their own.
  const requests = z.registry<{ id: string }>();

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of centralRoutes as readonly CentralRoute[]) {
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      security: route.roles === null ? [] : [{ bearer: [] }],
    };
    if (route.roles !== null) operation['x-roles'] = [...route.roles];
    const parameters: unknown[] = [];
    for (const match of route.path.matchAll(/\{([a-z]+)\}/gi)) {
      parameters.push({ name: match[1], in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 64 } });
    }
    if (route.query) {
      for (const [name, field] of Object.entries(route.query.shape)) {
        const schema = strip(z.toJSONSchema(field as z.ZodType, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
        parameters.push({ name, in: 'query', required: !(field as z.ZodType).safeParse(undefined).success, schema });
      }
    }
    if (parameters.length > 0) operation.parameters = parameters;
    if (route.body) {
      const name = componentName(route, 'Request');
      if (!requests.has(route.body)) requests.add(route.body, { id: name });
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: ref(requests.get(route.body)?.id ?? name) } },
      };
    }
    const answers: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(route.responses)) {
      if (schema === 'binary') {
        const content = Object.fromEntries(
          ['image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'image/avif'].map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
        );
        answers[status] = {
          description: status === '206' ? 'The requested byte range' : 'The image bytes',
          headers: {
            ETag: { description: 'The SHA-256 of the bytes, quoted', schema: { type: 'string' } },
            'Accept-Ranges': { schema: { type: 'string', const: 'bytes' } },
            ...(status === '206' ? { 'Content-Range': { schema: { type: 'string' } } } : {}),
          },
          content,
        };
      } else if (schema !== null && 'lines' in schema) {
        // Each line is one of the schemas: the first line the first, the last the last, the rest the middle one.
        const names = schema.lines.map((line, i) => {
          const existing = responses.get(line)?.id;
          const name = existing ?? componentName(route, `Response${Number(status)}Line${i + 1}`);
          if (!existing) responses.add(line, { id: name });
          return name;
        });
        answers[status] = {
          description: 'Newline-delimited JSON: the first line, then any number of the middle one, then the last line',
          content: { [decisionsExportMediaType]: { schema: { oneOf: names.map(ref) } } },
        };
      } else if (schema === null) {
        answers[status] = { description: status === '304' ? 'Not modified (If-None-Match matched the ETag)' : 'Range not satisfiable' };
      } else {
        const existing = responses.get(schema)?.id;
        const name = existing ?? componentName(route, `Response${Number(status)}`);
        if (!existing) responses.add(schema, { id: name });
        answers[status] = { description: 'Success', content: { 'application/json': { schema: ref(name) } } };
      }
    }
    const error = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
    if (route.body || route.query) answers['400'] = error('Invalid request: the message names the field; unknown fields are refused');
    if (route.errors.some((code) => code === 'bad_credentials' || code === 'bad_refresh_token')) {
      answers['401'] = error('Wrong username or password, or an unknown, used or expired refresh token');
    }
    if (route.roles !== null) {
      answers['401'] = error('Missing, unknown or expired access token');
      answers['403'] = error('The caller has the wrong role (or, for documents, is not the assigned reviewer), or must change their password first');
    }
    if (route.path.includes('{') || route.errors.includes('not_found')) answers['404'] = error('No such application, document or decision');
    if (route.errors.some((code) => ['already_decided', 'withdrawn', 'account_not_verified', 'already_reviewed'].includes(code))) {
      answers['409'] = error('Conflict with the application state');
    }
    if (route.errors.some((code) => ['person_exists', 'person_inactive', 'last_admin'].includes(code))) {
      answers['409'] = error('Conflict with the person’s state: username taken, person deactivated, or the last active admin');
    }
    if (route.errors.some((code) => code === 'wrong_central')) {
      answers['409'] = error('The workstation is bound to another central service (centralId); nothing was read or changed');
    }
    if (route.body) {
      answers['413'] = error('The body is over the route’s size limit');
      answers['415'] = error('The body is not application/json');
    }
    if (route.errors.includes('rate_limited')) answers['429'] = { ...error('Too many failed sign-ins'), headers: { 'Retry-After': { schema: { type: 'integer' } } } };
    if (route.operationId === 'getDocumentContent') {
      answers['403'] = error('The application is not assigned to the caller');
    }
    answers.default = error('Unexpected error');
    operation.responses = answers;
    if (route.errors.length > 0) operation['x-error-codes'] = [...route.errors];
    const path = (paths[route.path] ??= {});
    path[route.method] = operation;
    if (route.operationId === 'getDocumentContent') path.head = { ...operation, operationId: 'headDocumentContent', summary: 'The headers of getDocumentContent' };
  }

  const uri = (id: string) => `#/components/schemas/${id}`;
  const responseSchemas = z.toJSONSchema(responses, { io: 'output', uri, unrepresentable: 'any' }).schemas;
  const requestSchemas = z.toJSONSchema(requests, { io: 'input', uri, unrepresentable: 'any' }).schemas;
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, schema] of [...Object.entries(responseSchemas), ...Object.entries(requestSchemas)].sort(([a], [b]) => a.localeCompare(b))) {
    schemas[id] = strip(schema as JsonSchema);
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Verity central API',
      version: '1.0.0',
      description:
        'The reference central service the Verity workstation syncs with. Generated from shared/contract/central.ts by server/openapi.ts; do not edit by hand.',
    },
    servers: [{ url: 'http://127.0.0.1:8787' }],
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas },
  };
}

export function renderOpenApiYaml(): string {
  return `# Generated by server/openapi.ts from shared/contract/central.ts; do not edit.\n${stringify(buildOpenApiDocument(), { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = renderOpenApiYaml();
  let current = '';
  try {
    current = readFileSync(openApiPath, 'utf8');
  } catch {
    // first generation
  }
  if (current === text) {
    console.log(`${openApiPath} is up to date`);
  } else {
    writeFileSync(openApiPath, text);
    console.log(`wrote ${openApiPath}`);
  }
}
