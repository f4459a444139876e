import { z } from 'zod';
import type { RouteDef } from './route';
import { ProblemSchema } from './schemas';

type Json = Record<string, unknown>;
type AnyRoute = RouteDef<unknown, unknown, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
}

const problemRef = { $ref: '#/components/schemas/Problem' };
const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemRef } },
});

function parameters(schema: unknown, where: 'path' | 'query'): Json[] {
  if (!(schema instanceof z.ZodObject)) return [];
  const shape = schema.shape as Record<string, z.ZodType>;
  return Object.entries(shape).map(([name, field]) => {
    const s = jsonSchema(field, 'input');
    const optional = field.safeParse(undefined).success;
    return {
      name,
      in: where,
      required: where === 'path' || !optional,
      schema: s,
      ...(typeof s.description === 'string' && { description: s.description }),
    };
  });
}

const authText = (def: AnyRoute): string =>
  Array.isArray(def.auth)
    ? `Roles: ${[...(def.auth as string[]), 'admin'].join(', ')}`
    : def.auth === 'twilio-signature'
      ? 'Authenticated by the X-Twilio-Signature header'
      : def.auth === 'sendgrid-signature'
        ? 'Authenticated by the X-Twilio-Email-Event-Webhook-Signature/-Timestamp headers (ECDSA)'
        : 'Public';

/** OpenAPI 3.1 (JSON Schema 2020-12) from the very zod schemas the routes validate with. */
export function buildOpenApi(routes: readonly AnyRoute[], info: { title: string; version: string }): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const def of routes) {
    const path = def.path.replace(/:([A-Za-z_]\w*)/g, '{$1}');
    const responses: Record<string, Json> = {};
    for (const [status, r] of Object.entries(def.responses)) {
      const code = Number(status);
      responses[status] =
        code >= 400
          ? problemResponse(r.description)
          : {
              description: r.description,
              ...(r.schema && {
                content: { [r.contentType ?? 'application/json']: { schema: jsonSchema(r.schema, 'output') } },
              }),
            };
    }
    const add = (code: number, d: string) => (responses[code] ??= problemResponse(d));
    if (def.body || def.params || def.query) add(400, 'invalid input; `errors` names each offending field');
    if (def.body) {
      add(413, 'body too large');
      add(415, 'unsupported content type');
    }
    if (Array.isArray(def.auth)) {
      add(401, 'missing or invalid API key');
      add(403, "the key's role may not call this operation");
      add(429, 'rate limit exceeded for this key');
    }
    if (def.auth === 'twilio-signature' || def.auth === 'sendgrid-signature') add(403, 'missing or invalid signature');
    if (def.path.startsWith('/v1') || def.path.startsWith('/webhooks'))
      add(503, 'Temporal or the database unavailable');
    const op: Json = {
      operationId: def.operationId,
      summary: def.summary,
      description: [def.description, authText(def)].filter(Boolean).join('\n\n'),
      tags: def.tags,
      parameters: [...parameters(def.params, 'path'), ...parameters(def.query, 'query')],
      responses,
      security: Array.isArray(def.auth) ? [{ bearerAuth: [] }] : [],
      'x-roles': Array.isArray(def.auth) ? [...(def.auth as string[]), 'admin'] : def.auth,
    };
    if (def.body) {
      const schema = jsonSchema(def.body as z.ZodType, 'input');
      op.requestBody = {
        required: !def.bodyOptional,
        content: Object.fromEntries((def.bodyTypes ?? ['application/json']).map((t) => [t, { schema }])),
      };
    }
    (paths[path] ??= {})[def.method] = op;
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      ...info,
      description:
        'Cobranza: durable, jurisdiction-aware collection of overdue payments. Every error is an RFC 9457 ' +
        'application/problem+json document whose `errors` array names the offending fields.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    paths,
    components: {
      schemas: { Problem: jsonSchema(ProblemSchema, 'output') },
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'API key (role service, agent or admin)' },
      },
    },
  };
}

const esc = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function fieldsTable(schema: Json | undefined): string {
  const props = schema?.properties as Record<string, Json> | undefined;
  if (!props) return '';
  const required = new Set((schema?.required as string[] | undefined) ?? []);
  const rows = Object.entries(props)
    .map(([name, s]) => {
      const type = s.type ?? (s.anyOf ? 'one of' : s.enum ? 'enum' : 'object');
      const extra = s.enum
        ? ` (${(s.enum as unknown[]).join(', ')})`
        : s.pattern
          ? ` pattern ${s.pattern as string}`
          : '';
      return `<tr><td><code>${esc(name)}</code>${required.has(name) ? ' *' : ''}</td><td>${esc(type)}${esc(extra)}</td><td>${esc(s.description ?? '')}</td></tr>`;
    })
    .join('');
  return `<table><tr><th>field</th><th>type</th><th>notes</th></tr>${rows}</table>`;
}

/** A self-contained HTML page listing every operation of the document (no CDN, no script). */
export function renderDocs(doc: Json): string {
  const info = doc.info as { title: string; version: string; description: string };
  const sections: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const body = op.requestBody as { content: Record<string, { schema: Json }> } | undefined;
      const bodyEntry = body && Object.entries(body.content)[0];
      const params = (op.parameters as Json[]).map(
        (p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ', required' : ''})</li>`
      );
      const responses = Object.entries(op.responses as Record<string, Json>).map(
        ([code, r]) => `<li><b>${esc(code)}</b> ${esc(r.description)}</li>`
      );
      sections.push(`<section id="${esc(op.operationId)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary)}</p><p class="d">${esc(op.description).replace(/\n\n/g, '<br>')}</p>
${params.length ? `<h4>Parameters</h4><ul>${params.join('')}</ul>` : ''}
${bodyEntry ? `<h4>Body (${esc(Object.keys(body.content).join(', '))})</h4>${fieldsTable(bodyEntry[1].schema)}` : ''}
<h4>Responses</h4><ul>${responses.join('')}</ul></section>`);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)} API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
section{border-top:1px solid #ddd;padding:.5rem 0}.m{font:bold 13px monospace;padding:2px 6px;border-radius:4px;color:#fff}
.get{background:#2b7}.post{background:#27b}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}
.d{color:#555}</style></head><body><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1>
<p>${esc(info.description)}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
${sections.join('\n')}</body></html>`;
}
