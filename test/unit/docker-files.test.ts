// docker/ is written and checked, not run here (no Docker engine on this machine): compose.yaml
// against the official Compose Specification schema (vendored from compose-go, see docker/README.md)
// plus its cross-references, .env.example against config/config.ts (the keys it knows, the ones it
// requires in production), the Dockerfile through a Dockerfile parser and linter, the init script
// through `sh -n`. Each checker is first shown to reject a broken input, so a pass means something.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Copy, DockerfileParser, Env, type Instruction } from 'dockerfile-ast';
import { validate as lintDockerfile } from 'dockerfile-utils';
import ts from 'typescript';
import { parseDocument } from 'yaml';
import { loadConfig } from '../../config/config.ts';
import { exposedSeriesNames } from '../../platform/metrics.ts';
import { monitoringExprs, seriesNamesIn, type AlertRules, type Dashboard } from '../helpers/monitoring.ts';

const root = resolve(import.meta.dirname, '../..');
const dockerDir = join(root, 'docker');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

// ---------- compose.yaml ----------

type Dict = Record<string, unknown>;
interface Service extends Dict {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string[] | string;
  depends_on?: string[] | Record<string, { condition?: string }>;
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: string | (string | { path: string })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  ports?: (string | number | { target: number | string })[];
  healthcheck?: { disable?: boolean; test?: string[] | string };
  restart?: string;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

function parseYaml(text: string): unknown {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true });
  assert.deepEqual(
    [...doc.errors, ...doc.warnings].map((e) => e.message),
    [],
    'compose.yaml is not clean YAML',
  );
  return doc.toJS();
}

const composeSchema = JSON.parse(read('docker/compose-spec.schema.json')) as Dict;
const validateCompose = new Ajv2020({ strict: false, allErrors: true }).compile(composeSchema);

function schemaErrors(doc: unknown): string[] {
  if (validateCompose(doc)) return [];
  return (validateCompose.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

const compose = parseYaml(read('docker/compose.yaml')) as Compose;
const services = compose.services;

const dependsOn = (s: Service) =>
  Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
const environmentOf = (s: Service): Record<string, string> =>
  Array.isArray(s.environment)
    ? Object.fromEntries(
        s.environment.map((kv) => [kv.split('=')[0] ?? '', kv.split('=').slice(1).join('=')]),
      )
    : Object.fromEntries(
        Object.entries(s.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]),
      );
const buildsOurImage = (s: Service) =>
  typeof s.build === 'object' && s.build.dockerfile === 'docker/Dockerfile';
const appServices = Object.entries(services).filter(([, s]) => buildsOurImage(s));

/** Named volume (not a bind mount) of a short or long volume entry; and its target. */
function mount(v: string | { type?: string; source?: string; target: string }) {
  if (typeof v === 'string') {
    const [source = '', target = ''] = v.split(':');
    const bind = /^[./~]/.test(source) || source.includes('/');
    return { named: bind ? undefined : source, bind: bind ? source : undefined, target };
  }
  return {
    named: v.type === 'volume' ? v.source : undefined,
    bind: v.type === 'bind' ? v.source : undefined,
    target: v.target,
  };
}

/** Compose interpolation (`$$`, `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?e}`, `${VAR?e}`). */
const VAR = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

function interpolate(s: string, vars: Record<string, string | undefined>): string {
  return s.replace(VAR, (m, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (m === '$$') return '$';
    const name = (braced ?? bare) as string;
    const v = vars[name];
    const unset = op?.startsWith(':') ? !v : v === undefined;
    if (op?.endsWith('?') && unset) throw new Error(`${name}: ${arg ?? 'required'}`);
    if (op?.endsWith('-') && unset) return arg ?? '';
    if (op?.endsWith('+')) return unset ? '' : (arg ?? '');
    return v ?? '';
  });
}

/** Every ${VAR} of the compose file: whether it has a default and whether it is required. */
function composeVariables(node: unknown, out = new Map<string, { defaulted: boolean; required: boolean }>()) {
  if (typeof node === 'string') {
    for (const m of node.matchAll(VAR)) {
      const name = m[1] ?? m[4];
      if (!name) continue;
      const prev = out.get(name) ?? { defaulted: true, required: false };
      out.set(name, {
        defaulted: prev.defaulted && Boolean(m[2]?.endsWith('-')),
        required: prev.required || Boolean(m[2]?.endsWith('?')),
      });
    }
  } else if (Array.isArray(node)) node.forEach((n) => composeVariables(n, out));
  else if (node && typeof node === 'object') Object.values(node).forEach((n) => composeVariables(n, out));
  return out;
}

// ---------- .env.example and config/config.ts ----------

/** Compose env-file syntax: KEY=VALUE lines, # comments; also `# KEY=…` lines, the documented optional keys. */
function parseEnvFile(text: string) {
  const values: Record<string, string> = {};
  const commented = new Set<string>();
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    const c = /^#\s*([A-Z][A-Z0-9_]*)=/.exec(line);
    if (c) commented.add(c[1] as string);
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    assert.ok(m, `docker/.env.example line ${i + 1} is not KEY=VALUE: ${raw}`);
    const key = m[1] as string;
    assert.ok(!(key in values), `docker/.env.example sets ${key} twice`);
    values[key] = (m[2] as string).replace(/^(['"])(.*)\1$/, '$2');
  }
  return { values, commented };
}

/** The keys of config/config.ts's `envSchema = z.object({…})`, read from its source. */
function configKeys(): Set<string> {
  const src = ts.createSourceFile('config.ts', read('config/config.ts'), ts.ScriptTarget.Latest, true);
  let keys: Set<string> | undefined;
  const visit = (n: ts.Node) => {
    if (
      ts.isVariableDeclaration(n) &&
      n.name.getText(src) === 'envSchema' &&
      n.initializer &&
      ts.isCallExpression(n.initializer)
    ) {
      const arg = n.initializer.arguments[0];
      assert.ok(arg && ts.isObjectLiteralExpression(arg), 'envSchema is no longer z.object({ … })');
      keys = new Set(arg.properties.map((p) => p.name?.getText(src) ?? ''));
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  assert.ok(keys && keys.size > 10, 'envSchema not found in config/config.ts');
  return keys;
}

const example = parseEnvFile(read('docker/.env.example'));
const appKeys = configKeys();
const composeVars = composeVariables(compose);

/** A valid value for a key config.ts (or compose.yaml) requires: what the .env.example comments generate. */
const sample = (key: string) =>
  key === 'FIELD_ENCRYPTION_KEYS'
    ? `k1:${randomBytes(32).toString('base64')}`
    : randomBytes(24).toString('hex');

// ---------- Dockerfile ----------

interface Stage {
  name: string | null;
  image: string | null;
  instructions: Instruction[];
}

function stagesOf(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const i of DockerfileParser.parse(text).getInstructions()) {
    if (i.getKeyword() === 'FROM') {
      const args = i.getArguments().map((a) => a.getValue());
      const as = args.findIndex((a) => a.toUpperCase() === 'AS');
      stages.push({
        name: as >= 0 ? (args[as + 1] ?? null) : null,
        image: args[0] ?? null,
        instructions: [],
      });
    } else stages.at(-1)?.instructions.push(i);
  }
  return stages;
}

/** `COPY --from=` values naming no earlier stage (by name or index): BuildKit would pull an image. */
function badCopyFroms(stages: Stage[]): string[] {
  const bad: string[] = [];
  stages.forEach((s, i) => {
    const earlier = new Set(stages.slice(0, i).flatMap((e, j) => [String(j), ...(e.name ? [e.name] : [])]));
    for (const ins of s.instructions) {
      const from = ins instanceof Copy ? ins.getFromFlag()?.getValue() : null;
      if (from != null && !earlier.has(from)) bad.push(`COPY --from=${from}`);
    }
  });
  return bad;
}

const lastOf = (s: Stage, keyword: string) => s.instructions.filter((i) => i.getKeyword() === keyword).at(-1);

function envOf(s: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of s.instructions)
    if (i instanceof Env) for (const p of i.getProperties()) env[p.getName()] = p.getUnescapedValue() ?? '';
  return env;
}

// ---------- Caddyfile ----------

interface CaddyDirective {
  name: string;
  args: string[];
  block: CaddyDirective[];
}

/** A Caddyfile's directives as a tree (`{$VAR:default}` replaced first, as Caddy does). */
function parseCaddyfile(text: string, env: Record<string, string> = {}): CaddyDirective[] {
  const substituted = text.replace(
    /\{\$([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g,
    (_m, k: string, d?: string) => (env[k] ? env[k] : (d ?? '')),
  );
  const root: CaddyDirective = { name: '', args: [], block: [] };
  const stack = [root];
  for (const raw of substituted.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const words = line.split(/\s+/);
    const top = stack.at(-1) as CaddyDirective;
    if (words[0] === '}') {
      assert.ok(stack.length > 1, 'Caddyfile: unbalanced }');
      stack.pop();
      continue;
    }
    const opens = words.at(-1) === '{';
    const w = opens ? words.slice(0, -1) : words;
    const d: CaddyDirective = { name: w[0] ?? '', args: w.slice(1), block: [] };
    top.block.push(d);
    if (opens) stack.push(d);
  }
  assert.equal(stack.length, 1, 'Caddyfile: unclosed {');
  return root.block;
}

/** What is wrong with the site blocks: TLS other than 1.3 only, or an upstream other than `want`. */
function caddyProblems(sites: CaddyDirective[], want: string): string[] {
  const bad: string[] = [];
  if (sites.length === 0) bad.push('no site block');
  for (const site of sites) {
    const label = [site.name, ...site.args].join(' ');
    const tls = site.block.filter((d) => d.name === 'tls');
    const protocols = tls.flatMap((t) => t.block.filter((d) => d.name === 'protocols'));
    if (protocols.length !== 1) bad.push(`${label}: no tls { protocols tls1.3 }`);
    for (const p of protocols)
      if (p.args.length === 0 || p.args.some((a) => a !== 'tls1.3'))
        bad.push(`${label}: protocols ${p.args.join(' ')} (want tls1.3 only)`);
    if (tls.some((t) => t.args.includes('internal') && site.name !== 'localhost'))
      bad.push(`${label}: internal CA for a public address`);
    const upstreams = site.block.filter((d) => d.name === 'reverse_proxy').flatMap((d) => d.args);
    if (upstreams.length === 0 || upstreams.some((u) => u !== want))
      bad.push(`${label}: reverse_proxy ${upstreams.join(' ')} (want ${want})`);
  }
  return bad;
}

const caddyfileText = read('docker/Caddyfile');

const dockerfileText = read('docker/Dockerfile');
const stages = stagesOf(dockerfileText);
const runtime = stages.at(-1) as Stage;

// ---------- alert rules and dashboard against the registry ----------

/**
 * Every series the alerts and the dashboard read exists: hc_* in this app's registry (the names
 * platform/metrics.ts registers), temporal_* from the Temporal SDK (checked against its live
 * endpoint by test/integration/metrics.test.ts), `up` from Prometheus itself.
 */
async function assertKnownSeries(): Promise<void> {
  const ours = new Set(await exposedSeriesNames());
  const unknown = monitoringExprs().flatMap(({ where, expr }) =>
    seriesNamesIn(expr)
      .filter((n) => !(ours.has(n) || n.startsWith('temporal_') || n === 'up'))
      .map((n) => `${where}: ${n}`),
  );
  assert.deepEqual(unknown, [], 'series the code does not register');
}

describe('docker/ files', () => {
  test('the checkers reject broken inputs (so their passes below mean something)', () => {
    const broken = structuredClone(compose);
    const api = broken.services.api as Service;
    api.depends_on = { migrate: { condition: 'service_done' } };
    (api as Dict).restart_policy = 'always';
    assert.ok(schemaErrors(broken).length > 0, 'schema accepted a bad depends_on condition and unknown key');
    assert.ok(schemaErrors({ services: { x: { restart: 42 } } }).length > 0, 'schema accepted restart: 42');
    assert.deepEqual(
      lintDockerfile('FROM node:20\nCOPY --frm=build a b\nEXPOSE eighty\n').map((d) => d.message),
      ['Unknown flag: frm', 'Invalid containerPort: eighty'],
    );
    assert.deepEqual(badCopyFroms(stagesOf('FROM a AS one\nCOPY --from=two x y\nFROM b AS two\n')), [
      'COPY --from=two',
    ]);
    assert.throws(() => interpolate('${X:?set X}', { X: '' }), /set X/);
    const site = (body: string) => parseCaddyfile(`{$S:localhost} {\n${body}\n}\n`);
    assert.deepEqual(
      caddyProblems(site('tls {\n protocols tls1.2 tls1.3\n}\nreverse_proxy api:3000'), 'api:3000'),
      ['localhost: protocols tls1.2 tls1.3 (want tls1.3 only)'],
    );
    assert.deepEqual(caddyProblems(site('reverse_proxy api:8080'), 'api:3000'), [
      'localhost: no tls { protocols tls1.3 }',
      'localhost: reverse_proxy api:8080 (want api:3000)',
    ]);
    assert.throws(() => parseCaddyfile('a {\n b {\n}\n'), /unclosed/);
    assert.equal(interpolate('$$a ${A:-d} ${B-e} $C', { B: '', C: 'c' }), '$a d  c');
    assert.deepEqual(
      seriesNamesIn(
        'histogram_quantile(0.95, sum by (le, route) (rate(hc_x_bucket{route!~"a|b"}[5m]))) / on() group_left up > 0 and hc_typo_total offset 5m',
      ),
      ['hc_x_bucket', 'up', 'hc_typo_total'],
    );
  });

  test('compose.yaml validates against the Compose Specification', () => {
    assert.deepEqual(schemaErrors(compose), []);
  });

  test('compose.yaml: services, volumes and files it names exist', () => {
    const names = new Set(Object.keys(services));
    for (const want of ['postgres', 'temporal', 'temporal-ui', 'migrate', 'api', 'worker', 'proxy'])
      assert.ok(names.has(want), `no ${want} service`);
    const declared = new Set(Object.keys(compose.volumes ?? {}));
    const used = new Set<string>();
    for (const [name, s] of Object.entries(services)) {
      for (const d of dependsOn(s)) assert.ok(names.has(d), `${name} depends on undefined service ${d}`);
      for (const v of s.volumes ?? []) {
        const m = mount(v);
        if (m.named) {
          assert.ok(declared.has(m.named), `${name} uses undeclared volume ${m.named}`);
          used.add(m.named);
        }
        if (m.bind) assert.ok(existsSync(join(dockerDir, m.bind)), `${name} mounts missing ${m.bind}`);
      }
      if (s.image) {
        assert.match(s.image, /^[\w./-]+:[\w.-]+$/, `${name}: image ${s.image} has no pinned tag`);
        assert.ok(!s.image.endsWith(':latest'), `${name}: image ${s.image} is not pinned`);
      }
      // the schema leaves these strings open (for interpolation); Compose itself accepts only these
      if (s.restart !== undefined)
        assert.match(String(s.restart), /^(no|always|unless-stopped|on-failure(:\d+)?)$/, `${name}: restart`);
      for (const f of [s.env_file ?? []].flat()) {
        const path = typeof f === 'string' ? f : f.path;
        assert.equal(path, '.env', `${name}: env_file ${path}`);
      }
    }
    assert.deepEqual(
      [...declared].filter((v) => !used.has(v)),
      [],
      'declared volumes nobody mounts',
    );

    assert.deepEqual(
      appServices.map(([n]) => n).sort(),
      ['api', 'migrate', 'worker'],
      'api, worker and migrate build docker/Dockerfile',
    );
    for (const [name, s] of appServices) {
      const b = s.build as { context?: string; dockerfile: string };
      const context = resolve(dockerDir, b.context ?? '.');
      assert.ok(existsSync(join(context, b.dockerfile)), `${name}: no ${b.dockerfile} in its context`);
      assert.ok(existsSync(join(context, 'package-lock.json')), `${name}: context is not the repo root`);
      assert.ok(s.env_file, `${name} gets docker/.env`);
      // the command is an entry point that exists (the default CMD is the API's)
      const cmd =
        s.command ?? (JSON.parse(lastOf(runtime, 'CMD')?.getArgumentsContent() ?? '[]') as string[]);
      const script = [cmd].flat().find((a) => a.endsWith('.ts'));
      assert.ok(script && existsSync(join(root, script)), `${name} runs a missing ${script}`);
      if (name === 'migrate') assert.equal(s.healthcheck?.disable, true, 'migrate has no health endpoint');
      else {
        // api and worker: their /readyz on the port each listens on inside the container
        const probe = [s.healthcheck?.test ?? []].flat().join(' ');
        const port = name === 'api' ? '3000' : environmentOf(s).WORKER_HEALTH_PORT;
        assert.ok(port, `${name}: no WORKER_HEALTH_PORT for its healthcheck`);
        assert.ok(
          probe.includes(`port: ${port}, path: '/readyz'`),
          `${name}: healthcheck does not probe /readyz`,
        );
      }
    }
    assert.deepEqual(dependsOn(services.migrate as Service), ['postgres']);
    for (const name of ['api', 'worker']) {
      const d = (services[name] as Service).depends_on as Record<string, { condition?: string }>;
      assert.equal(d.migrate?.condition, 'service_completed_successfully', `${name} waits for migrate`);
      assert.ok(d.temporal, `${name} waits for temporal`);
    }
    const dockerignore = read('docker/Dockerfile.dockerignore').split('\n');
    for (const p of ['**/node_modules', '**/.env'])
      assert.ok(dockerignore.includes(p), `Dockerfile.dockerignore lacks ${p}`);
  });

  test('env keys: compose.yaml and .env.example name only keys config/config.ts knows', () => {
    for (const [name, s] of appServices)
      for (const [k, v] of Object.entries(environmentOf(s))) {
        // Compose's own secrets are blanked there, so env_file does not hand them to the app
        if (v === '' && composeVars.has(k) && !appKeys.has(k)) continue;
        assert.ok(appKeys.has(k), `${name}: environment ${k} is not a key of config/config.ts`);
      }
    for (const k of Object.keys(envOf(runtime)))
      assert.ok(appKeys.has(k), `Dockerfile: ENV ${k} is not a key of config/config.ts`);
    for (const k of [...Object.keys(example.values), ...example.commented])
      assert.ok(
        appKeys.has(k) || composeVars.has(k),
        `.env.example: ${k} is neither a key of config/config.ts nor used by compose.yaml`,
      );
    for (const [k, v] of composeVars)
      assert.ok(v.defaulted || k in example.values, `compose.yaml uses \${${k}} that .env.example lacks`);
  });

  test('the containers that run app code never hold the Postgres superuser password', () => {
    for (const [name, s] of appServices)
      assert.equal(environmentOf(s).POSTGRES_PASSWORD, '', `${name} blanks POSTGRES_PASSWORD`);
  });

  test('.env.example covers what config/config.ts requires in production', () => {
    // ${VAR:?} the example leaves empty are filled as the operator would (generated secrets)
    const vars: Record<string, string> = { ...example.values };
    for (const [k, v] of composeVars) if (v.required && !vars[k]) vars[k] = sample(k);
    const api = services.api as Service;
    const serviceEnv = Object.fromEntries(
      Object.entries(environmentOf(api)).map(([k, v]) => [k, interpolate(v, vars)]),
    );
    // the container's environment: image ENV, then env_file, then `environment`
    const env: Record<string, string> = { ...envOf(runtime), ...example.values, ...serviceEnv };
    const refused: string[] = [];
    let config: ReturnType<typeof loadConfig> | undefined;
    for (let round = 0; !config && round < 20; round++) {
      try {
        config = loadConfig(env);
      } catch (err) {
        const keys = [...(err as Error).message.matchAll(/^ {2}([A-Z][A-Z0-9_]*)\b/gm)].map(
          (m) => m[1] as string,
        );
        assert.ok(keys.length > 0, (err as Error).message);
        for (const k of keys) {
          assert.ok(
            k in example.values,
            `config/config.ts requires ${k} in production; add it to docker/.env.example`,
          );
          assert.ok(
            !refused.includes(k),
            `${k}: a generated value is refused too: ${(err as Error).message}`,
          );
          assert.equal(
            example.values[k],
            '',
            `${k} in docker/.env.example is invalid: ${(err as Error).message}`,
          );
          refused.push(k);
          env[k] = sample(k);
        }
      }
    }
    assert.ok(config, 'configuration never loaded');
    assert.ok(
      refused.length > 0,
      'the example as shipped starts in production: it must not carry usable secrets',
    );
    assert.equal(config.env, 'production');
    assert.equal(
      new URL(config.api.publicBaseUrl).protocol,
      'https:',
      'PUBLIC_BASE_URL is https (TLS at a proxy)',
    );
    // internal addresses point at services of this compose file, volumes where the app writes
    assert.ok(new URL(config.databaseUrl).hostname in services, `DATABASE_URL host is not a service`);
    const temporalHost = (config.temporal.address ?? '').split(':')[0] ?? '';
    assert.ok(temporalHost in services, `TEMPORAL_ADDRESS host ${temporalHost} is not a service`);
    for (const name of ['api', 'worker'])
      assert.ok(
        (services[name] as Service).volumes?.some(
          (v) => mount(v).named && mount(v).target === config.exports.dir,
        ),
        `${name}: EXPORT_DIR ${config.exports.dir} is not on a shared volume`,
      );
    assert.equal(config.api.host, '0.0.0.0', 'the API must listen on all interfaces inside its container');
    // reachable only through the proxy: not published, exposed on the API_PORT the proxy targets
    assert.equal(api.ports, undefined, 'the API is published past the TLS proxy');
    assert.deepEqual((api as Dict).expose, [String(config.api.port)], 'the API exposes its API_PORT');
    assert.equal(environmentOf(api).TRUST_PROXY, 'uniquelocal', 'the API trusts the proxy for client IPs');
    assert.equal(config.api.trustProxy.toString(), 'uniquelocal');
    assert.deepEqual(caddyProblems(parseCaddyfile(caddyfileText), `api:${config.api.port}`), []);
    // the worker's health server is on (its healthcheck runs inside the container: loopback is enough)
    const workerEnv: Record<string, string> = Object.fromEntries(
      Object.entries(environmentOf(services.worker as Service)).map(([k, v]) => [k, interpolate(v, vars)]),
    );
    const worker = loadConfig({ ...env, ...workerEnv });
    assert.ok(worker.worker.healthPort > 0, 'the worker runs its health server');
  });

  test('proxy: Caddy with docker/Caddyfile, TLS 1.3 only, in front of the api service', () => {
    const proxy = services.proxy as Service;
    assert.ok(proxy.image?.startsWith('caddy:'), 'proxy is Caddy');
    assert.ok(
      proxy.volumes?.some(
        (v) => mount(v).bind === './Caddyfile' && mount(v).target === '/etc/caddy/Caddyfile',
      ),
      'proxy mounts docker/Caddyfile',
    );
    assert.equal(
      (proxy.depends_on as Record<string, { condition?: string }>).api?.condition,
      'service_healthy',
    );
    const ports = (proxy.ports ?? []).map((p) =>
      (typeof p === 'object' ? String(p.target) : String(p)).split(':').at(-1),
    );
    assert.deepEqual(ports.sort(), ['443', '80'], 'the proxy publishes 443 (and 80 for ACME and redirects)');
    // the site and ACME e-mail come from docker/.env; the local default gets the internal CA
    const env = environmentOf(proxy);
    for (const k of ['SITE_ADDRESS', 'ACME_EMAIL']) {
      assert.ok(caddyfileText.includes(`{$${k}`), `Caddyfile does not read ${k}`);
      assert.ok(composeVars.has(k), `compose.yaml does not pass ${k} from docker/.env`);
      assert.ok(k in example.values || example.commented.has(k), `.env.example lacks ${k}`);
    }
    const local = parseCaddyfile(caddyfileText, { SITE_ADDRESS: interpolate(env.SITE_ADDRESS ?? '', {}) });
    assert.deepEqual(
      local.map((d) => d.name),
      ['localhost'],
    );
    assert.deepEqual(local[0]?.block.find((d) => d.name === 'tls')?.args, [], 'no ACME e-mail for localhost');
    const pub = parseCaddyfile(caddyfileText, {
      SITE_ADDRESS: 'checkin.example.com',
      ACME_EMAIL: 'ops@example.com',
    });
    assert.deepEqual(pub[0]?.block.find((d) => d.name === 'tls')?.args, ['ops@example.com']);
    assert.deepEqual(caddyProblems(pub, 'api:3000'), []);
    // /metrics is for Prometheus inside the network, never served through the proxy
    assert.ok(
      pub[0]?.block.some((d) => d.name === 'respond' && d.args[0] === '/metrics' && d.args[1] === '404'),
      'the proxy serves /metrics',
    );
  });

  test('monitoring profile: Prometheus and Grafana, scraping the API and worker /metrics', () => {
    for (const name of ['prometheus', 'grafana'])
      assert.deepEqual(
        (services[name] as Dict).profiles,
        ['monitoring'],
        `${name} is in the monitoring profile`,
      );
    for (const [name, s] of Object.entries(services))
      if (!['prometheus', 'grafana'].includes(name))
        assert.equal((s as Dict).profiles, undefined, `${name} must run without a profile`);
    const prom = parseYaml(read('docker/prometheus.yml')) as {
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = prom.scrape_configs.map((c) => [
      c.metrics_path ?? '/metrics',
      ...c.static_configs.flatMap((t) => t.targets),
    ]);
    // the API's internal metrics listener (its public port has no /metrics in production), the
    // worker's health server, the Temporal SDK's endpoint in the worker; all on 0.0.0.0 inside the network
    const apiEnv = environmentOf(services.api as Service);
    const workerEnv = environmentOf(services.worker as Service);
    assert.deepEqual(targets, [
      ['/metrics', `api:${apiEnv.METRICS_PORT}`],
      ['/metrics', `worker:${workerEnv.WORKER_HEALTH_PORT}`],
      ['/metrics', `worker:${workerEnv.TEMPORAL_METRICS_PORT}`],
    ]);
    assert.ok(Number(apiEnv.METRICS_PORT) > 0 && Number(workerEnv.TEMPORAL_METRICS_PORT) > 0);
    assert.equal(apiEnv.METRICS_HOST, '0.0.0.0', 'Prometheus reaches the API metrics listener');
    assert.equal(workerEnv.METRICS_HOST, '0.0.0.0', 'Prometheus reaches the Temporal SDK metrics');
    assert.equal(workerEnv.WORKER_HEALTH_HOST, '0.0.0.0', "Prometheus reaches the worker's /metrics");
    for (const name of ['api', 'worker'])
      assert.equal((services[name] as Service).ports, undefined, `${name}: its metrics are not published`);
    // the alert rules file Prometheus loads is the one mounted from docker/
    const rules = (parseYaml(read('docker/prometheus.yml')) as { rule_files?: string[] }).rule_files ?? [];
    const promMounts = ((services.prometheus as Service).volumes ?? []).map(mount);
    assert.deepEqual(
      rules.map((r) => promMounts.find((m) => m.target === r)?.bind),
      ['./prometheus-alerts.yml'],
      'rule_files are the mounted docker/prometheus-alerts.yml',
    );
    for (const p of (services.grafana as Service).ports ?? [])
      assert.match(
        typeof p === 'object' ? '' : String(p),
        /^127\.0\.0\.1:/,
        'Grafana only on the host loopback',
      );
  });

  test('alert rules: the four alerts of issue #19, each reading only series the code exposes', async () => {
    const doc = parseYaml(read('docker/prometheus-alerts.yml')) as AlertRules;
    const rules = doc.groups.flatMap((g) => g.rules);
    assert.deepEqual(rules.map((r) => r.alert).sort(), [
      'DingTalkFailuresAbovePercent',
      'Level1RemindersNotAllSent',
      'OutboxOldestRowStale',
      'WorkerNotPolling',
    ]);
    for (const r of rules) {
      assert.ok(r.expr.trim(), `${r.alert}: no expr`);
      if (r.for) assert.match(r.for, /^\d+[smh]$/, `${r.alert}: for`);
      assert.ok(r.labels?.severity, `${r.alert}: no severity label`);
    }
    const expr = (name: string) => rules.find((r) => r.alert === name)?.expr ?? '';
    assert.match(expr('OutboxOldestRowStale'), /hc_outbox_oldest_age_seconds\) > 300\b/, 'outbox > 5 min');
    assert.match(expr('DingTalkFailuresAbovePercent'), /> 0\.01\b/, 'DingTalk failures > 1 %');
    assert.match(expr('Level1RemindersNotAllSent'), /minute\(\) >= 10/, '10 minutes after 09:00');
    await assertKnownSeries();
  });

  test('Grafana: provisioned datasource and dashboard, panels for the morning at a glance', () => {
    const grafana = services.grafana as Service;
    const mounts = (grafana.volumes ?? []).map(mount);
    const mountedAt = (bind: string) => mounts.find((m) => m.bind === bind)?.target;
    assert.equal(mountedAt('./grafana/provisioning'), '/etc/grafana/provisioning');
    const datasources = parseYaml(read('docker/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    const [prom] = datasources.datasources;
    assert.equal(prom?.type, 'prometheus');
    assert.equal(prom?.url, 'http://prometheus:9090', 'the datasource is the prometheus service');
    assert.deepEqual((services.prometheus as Service).ports, ['127.0.0.1:9090:9090']);
    const providers = parseYaml(read('docker/grafana/provisioning/dashboards/health-checkin.yml')) as {
      providers: { type: string; options: { path: string } }[];
    };
    assert.equal(
      providers.providers[0]?.options.path,
      mountedAt('./grafana/dashboards'),
      'the dashboard provider reads the mounted docker/grafana/dashboards',
    );
    const dash = JSON.parse(read('docker/grafana/dashboards/health-checkin.json')) as Dashboard;
    assert.ok(dash.uid && dash.title);
    const titles = dash.panels.map((p) => p.title);
    for (const want of [
      'Submissions per minute',
      'Ladder progress',
      'DingTalk throttling',
      'Outbox lag',
      'Worker task latency',
    ])
      assert.ok(
        titles.some((t) => t.startsWith(want)),
        `no "${want}" panel: ${titles.join(', ')}`,
      );
    for (const p of dash.panels.filter((x) => x.type !== 'row')) {
      assert.equal(p.datasource?.uid, prom?.uid, `panel "${p.title}" uses the provisioned datasource`);
      assert.ok(p.targets?.length, `panel "${p.title}" has no query`);
    }
  });

  test('Dockerfile: no lint diagnostics, stages, non-root runtime with a CMD', () => {
    const diagnostics = lintDockerfile(dockerfileText).map(
      (d) => `line ${d.range.start.line + 1}: ${typeof d.message === 'string' ? d.message : d.message.value}`,
    );
    assert.deepEqual(diagnostics, []);
    assert.ok(stages.length >= 2, 'multi-stage build');
    for (const s of stages) assert.equal(s.image, 'node:20-bookworm-slim', `stage ${s.name} base image`);
    assert.equal(new Set(stages.map((s) => s.name)).size, stages.length, 'stage names are unique');
    assert.deepEqual(badCopyFroms(stages), [], 'COPY --from= names a later or unknown stage');

    const user = lastOf(runtime, 'USER')?.getArgumentsContent()?.split(':')[0];
    assert.ok(user && !['root', '0'].includes(user), `runtime stage runs as ${user ?? 'root (no USER)'}`);
    const cmd = JSON.parse(lastOf(runtime, 'CMD')?.getArgumentsContent() ?? 'null') as string[] | null;
    assert.deepEqual(cmd, ['node', '--import', 'tsx', 'api/main.ts']);
    assert.ok(lastOf(runtime, 'HEALTHCHECK')?.getArgumentsContent()?.includes('/healthz'), 'HEALTHCHECK');
    const env = envOf(runtime);
    assert.equal(env.NODE_ENV, 'production');
    assert.equal(lastOf(runtime, 'EXPOSE')?.getArgumentsContent(), env.API_PORT, 'EXPOSE the API_PORT');
    // tsx runs the sources in production, so it must be a runtime (not a dev) dependency
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string>; scripts: Dict };
    assert.ok(pkg.dependencies.tsx, 'tsx is a runtime dependency');
    assert.equal(pkg.scripts.migrate, 'tsx scripts/migrate.ts');
  });

  test('the worker loads the workflow bundle the image built, instead of bundling at every start', () => {
    const cmd = [(services.worker as Service).command ?? []].flat();
    assert.deepEqual(cmd.slice(0, 4), ['node', '--import', 'tsx', 'worker/main.ts']);
    const bundle = cmd[4];
    assert.ok(bundle?.endsWith('.js'), `the worker is given no bundle: ${JSON.stringify(cmd)}`);
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const bundler = pkg.scripts['bundle:workflows'] ?? '';
    assert.ok(
      existsSync(join(root, bundler.split(' ').at(-1) ?? '')),
      'npm run bundle:workflows runs a script',
    );
    // built in a stage before the runtime, and copied into it at the path the worker is given
    const builds = stages
      .slice(0, -1)
      .flatMap((st) =>
        st.instructions
          .filter(
            (i) =>
              i.getKeyword() === 'RUN' && i.getArgumentsContent()?.includes(`bundle:workflows -- ${bundle}`),
          )
          .map(() => st.name),
      );
    assert.equal(builds.length, 1, `no earlier stage runs "npm run bundle:workflows -- ${bundle}"`);
    const copied = runtime.instructions.filter(
      (i): i is Copy =>
        i instanceof Copy &&
        i.getFromFlag()?.getValue() === builds[0] &&
        i
          .getArguments()
          .map((a) => a.getValue())
          .join(' ') === `/app/${bundle} ./${bundle}`,
    );
    assert.equal(
      copied.length,
      1,
      `the runtime stage does not COPY --from=${builds[0]} /app/${bundle} ./${bundle}`,
    );
  });

  test('the Postgres init scripts are valid sh', () => {
    const dir = join(dockerDir, 'postgres-init');
    const scripts = readdirSync(dir).filter((f) => f.endsWith('.sh'));
    assert.ok(scripts.length > 0, 'no init script');
    for (const f of scripts) {
      const r = spawnSync('sh', ['-n', join(dir, f)], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    }
    assert.notEqual(spawnSync('sh', ['-n'], { input: 'if true; then\n' }).status, 0, 'sh -n catches errors');
  });
});
