// The one mapping from domain errors to HTTP (api/errors.ts), through a real Koa server on a
// loopback port: each kind gets its status, its stable `code`, the field and the problems; 401
// asks for Basic credentials, 429 says when to try again, anything else is a 500 that keeps its
// text from the client. And the import arrows the application layer depends on: nothing under
// executions/ or users/ reaches into api/, so the web pages can call the same functions.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Koa from 'koa';
import { errorMiddleware } from '../../api/errors.js';
import { projectRoot } from '../../config/config.js';
import type { Logger } from '../../log/logger.js';
import {
  Conflict, Forbidden, NotAuthenticated, NotFound, Protected, QuotaExceeded, Throttled, TooLarge, Unavailable, type DomainError,
} from '../../model/errors.js';
import { invalidInput } from '../../model/input.js';

interface Logged { message: string; attributes: Record<string, unknown> | undefined }

void describe('domain errors as HTTP', () => {
  const logged: Logged[] = [];
  const log: Logger = {
    debug: () => undefined, info: () => undefined, warn: () => undefined,
    error: (message, attributes) => { logged.push({ message, attributes }); },
    child: () => log,
  };
  const errors: Record<string, () => Error> = {
    invalid: () => invalidInput({ what: 'user', prefix: 'body' }, [{ path: 'email', message: 'An e-mail address.' }, { path: 'fs_uid', message: 'Must be at least -1.' }]),
    unauthenticated: () => new NotAuthenticated(),
    forbidden: () => new Forbidden('your role cannot change users, roles or quotas'),
    protected: () => new Protected('the admin role cannot be changed', 'name'),
    not_found: () => new NotFound('execution 7'),
    quota: () => new QuotaExceeded('You cannot run more than 1 execution at a time'),
    conflict: () => new Conflict('a role named x already exists', 'name'),
    too_large: () => new TooLarge(1024),
    throttled: () => new Throttled('too many attempts', 2.5),
    unavailable: () => new Unavailable('the workflow engine does not answer'),
    bug: () => new TypeError('secret internals'),
  };
  let server: ReturnType<Koa['listen']>;
  let url: string;

  before(async () => {
    const app = new Koa();
    app.use(errorMiddleware(log));
    app.use((ctx) => {
      throw errors[ctx.path.slice(1)]!();
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  const get = async (kind: string) => {
    const response = await fetch(`${url}/${kind}`);
    const body: unknown = await response.json();
    return { status: response.status, reason: response.statusText, headers: response.headers, body };
  };

  void it('gives each kind its status and code, with the message, the field and every problem', async () => {
    const expected: Array<[string, number, string]> = [
      ['invalid', 400, 'invalid_request'], ['unauthenticated', 401, 'unauthorized'], ['forbidden', 403, 'forbidden'],
      ['protected', 403, 'protected'], ['not_found', 404, 'not_found'], ['quota', 409, 'conflict'], ['conflict', 409, 'conflict'],
      ['too_large', 413, 'payload_too_large'], ['throttled', 429, 'too_many_requests'], ['unavailable', 503, 'unavailable'],
    ];
    for (const [kind, status, code] of expected) {
      const reply = await get(kind);
      const error = errors[kind]!() as DomainError;
      assert.equal(reply.status, status, kind);
      assert.equal((reply.body as { error: { code: string } }).error.code, code, kind);
      assert.equal((reply.body as { error: { message: string } }).error.message, error.message, kind);
      assert.equal(reply.reason, error.message, `${kind}: the message is the reason phrase too`);
    }
    assert.deepEqual((await get('invalid')).body, {
      error: {
        code: 'invalid_request',
        message: 'invalid user: body.email: An e-mail address.; body.fs_uid: Must be at least -1.',
        field: 'body.email',
        details: { errors: [{ path: 'body.email', message: 'An e-mail address.' }, { path: 'body.fs_uid', message: 'Must be at least -1.' }] },
      },
    });
    assert.deepEqual((await get('protected')).body, { error: { code: 'protected', message: 'the admin role cannot be changed', field: 'name' } });
    assert.deepEqual((await get('not_found')).body, { error: { code: 'not_found', message: 'execution 7 not found' } });
  });

  void it('asks for Basic credentials on 401 and says when to try again on 429', async () => {
    assert.equal((await get('unauthenticated')).headers.get('www-authenticate'), 'Basic realm="zoe"');
    assert.equal((await get('throttled')).headers.get('retry-after'), '3', 'whole seconds, rounded up');
    assert.equal((await get('forbidden')).headers.get('retry-after'), null);
  });

  void it('answers anything else with a 500 that keeps the error\'s text in the log, not in the reply', async () => {
    const reply = await get('bug');
    assert.equal(reply.status, 500);
    assert.deepEqual(reply.body, { error: { code: 'internal_error', message: 'internal error; the server log has the details' } });
    assert.match(String(logged.at(-1)?.attributes?.error), /TypeError: secret internals/);
  });
});

void describe('the application layer\'s import arrows', () => {
  const sources = (dir: string): string[] => readdirSync(join(projectRoot, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(projectRoot, join(entry.parentPath, entry.name)));
  const importsOf = (file: string): string[] =>
    [...readFileSync(join(projectRoot, file), 'utf8').matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);

  void it('keeps api/ out of executions/, users/, model/ and the CLI', () => {
    const files = ['executions', 'users', 'model', 'cli'].flatMap(sources);
    assert.ok(files.length > 40 && files.includes(join('executions', 'submit.ts')), `the folders were read (${files.length} files)`);
    const offenders = files
      .flatMap((file) => importsOf(file).filter((path) => /(^|\/)api\//.test(path)).map((path) => `${file} imports ${path}`));
    assert.deepEqual(offenders, []);
  });

  void it('builds no HTTP error outside api/errors.ts: routes and the application layer throw domain errors', () => {
    const offenders = [...sources('api'), ...sources('executions'), ...sources('users')]
      .filter((file) => file !== join('api', 'errors.ts'))
      .filter((file) => /\bctx\.throw\(|\bctx\.status\s*=\s*[45]\d\d\b|\bstatus:\s*[45]\d\d\b/.test(readFileSync(join(projectRoot, file), 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
