// The OpenAPI document as one readable HTML page: operations grouped by tag, each with its access
// rule, parameters, body and responses (schemas as JSON in collapsible blocks). Rendered on the
// server, so the page has no script and loads nothing from anywhere.

type Json = Record<string, unknown>;

const esc = (s: unknown) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** `code` spans and **bold** from the descriptions, everything else escaped. */
const inline = (s: unknown) =>
  esc(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');

const schemaBlock = (schema: unknown, label = 'schema') =>
  schema && Object.keys(schema).length
    ? JSON.stringify(schema).length <= 80
      ? ` <code>${esc(JSON.stringify(schema))}</code>`
      : `<details><summary>${esc(label)}</summary><pre>${esc(JSON.stringify(schema, null, 2))}</pre></details>`
    : '';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function operation(path: string, method: string, op: Json, shared: Record<string, Json>): string {
  const id = esc(op.operationId);
  const params = (op.parameters ?? []) as Json[];
  const body = op.requestBody as { content: Record<string, { schema: unknown }> } | undefined;
  // shared refusals are references into components.responses
  const responses = Object.entries(op.responses as Record<string, Json>).map(
    ([status, r]) =>
      [status, typeof r.$ref === 'string' ? (shared[r.$ref.split('/').pop() ?? ''] ?? r) : r] as const,
  );
  const rows = params
    .map((p) => {
      const schema = (p.schema ??
        (p.content as Record<string, { schema: unknown }>)['application/json']?.schema) as Json;
      return `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td>${inline(
        p.description ?? '',
      )}${p.content ? ' (JSON)' : ''}${schemaBlock(schema)}</td></tr>`;
    })
    .join('');
  return `<section class="op" id="${id}">
<h3><span class="m m-${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code> — ${esc(op.summary)}</h3>
${(typeof op.description === 'string' ? op.description : '')
  .split('\n\n')
  .map((para) => `<p>${inline(para)}</p>`)
  .join('\n')}
${rows ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${rows}</table>` : ''}
${
  body
    ? Object.entries(body.content)
        .map(([type, c]) => `<p>Body <code>${esc(type)}</code></p>${schemaBlock(c.schema, 'body schema')}`)
        .join('')
    : ''
}
<ul class="responses">${responses
    .map(([status, r]) => {
      const content = r.content as Record<string, { schema: unknown }> | undefined;
      const [type, c] = Object.entries(content ?? {})[0] ?? [];
      return `<li><strong>${esc(status)}</strong> ${inline(r.description)}${type ? ` <code>${esc(type)}</code>` : ''}${
        status.startsWith('2') && c ? schemaBlock(c.schema) : ''
      }</li>`;
    })
    .join('')}</ul>
</section>`;
}

export function renderReference(doc: Json): string {
  const info = doc.info as Json;
  const shared = ((doc.components as Json).responses ?? {}) as Record<string, Json>;
  const byTag = new Map<string, string[]>();
  const toc = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>))
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const tag = ((op.tags as string[] | undefined) ?? ['api'])[0] as string;
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(path, method, op, shared)]);
      toc.set(tag, [
        ...(toc.get(tag) ?? []),
        `<li><a href="#${esc(op.operationId)}"><span class="m m-${method}">${method.toUpperCase()}</span> ${esc(path)}</a></li>`,
      ]);
    }
  const tags = [...byTag.keys()].sort();
  const schemes = Object.entries(((doc.components as Json).securitySchemes ?? {}) as Record<string, Json>)
    .map(([name, s]) => `<li><code>${esc(name)}</code>: ${inline(s.description)}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(info.title)} ${esc(info.version)} — API reference</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;display:flex;color:#1a1a1a}
nav{width:22rem;flex:none;height:100vh;overflow:auto;position:sticky;top:0;border-right:1px solid #ddd;padding:1rem;box-sizing:border-box;font-size:13px}
nav ul{list-style:none;padding:0;margin:.2rem 0 1rem}nav a{text-decoration:none;color:inherit}
main{padding:1rem 2rem;max-width:60rem;min-width:0}
.op{border-top:1px solid #e5e5e5;padding:.5rem 0}.op h3{font-size:16px}
.m{display:inline-block;min-width:3.6em;font:bold 11px monospace;padding:2px 4px;border-radius:3px;color:#fff;text-align:center}
.m-get{background:#2f7d32}.m-post{background:#1565c0}.m-put{background:#b26a00}.m-delete{background:#c62828}.m-patch{background:#6a1b9a}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ddd;padding:2px 6px;vertical-align:top;text-align:left}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:12px}code{font-size:13px}
</style></head><body>
<nav><strong>${esc(info.title)}</strong> ${esc(info.version)}<br><a href="openapi.json">openapi.json</a>
${tags.map((t) => `<div><strong>${esc(t)}</strong><ul>${(toc.get(t) ?? []).join('')}</ul></div>`).join('\n')}</nav>
<main>
<h1>${esc(info.title)} — API reference</h1>
<p>${inline(info.description)}</p>
<p>The machine-readable contract: <a href="openapi.json"><code>/api/openapi.json</code></a> (OpenAPI 3.1).</p>
<h2>Authentication</h2><ul>${schemes}</ul>
${tags.map((t) => `<h2 id="tag-${esc(t)}">${esc(t)}</h2>\n${(byTag.get(t) ?? []).join('\n')}`).join('\n')}
</main></body></html>`;
}
