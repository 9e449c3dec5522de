import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The image's start command on a made-up image: start-app.js beside dist/apps/<app>/main.js. */
describe('start-app.js (the image CMD)', () => {
  let image: string;

  beforeAll(() => {
    image = mkdtempSync(join(tmpdir(), 'start-app-'));
    copyFileSync(join(__dirname, 'start-app.js'), join(image, 'start-app.js'));
    for (const app of ['api', 'worker']) {
      mkdirSync(join(image, 'dist/apps', app), { recursive: true });
      writeFileSync(
        join(image, 'dist/apps', app, 'main.js'),
        `process.stdout.write(JSON.stringify({ app: '${app}', pid: process.pid, argv: process.argv.slice(2) })); process.exitCode = 7;`,
      );
    }
    mkdirSync(join(image, 'dist/apps/not-built'));
    mkdirSync(join(image, 'dist/elsewhere'), { recursive: true });
    writeFileSync(join(image, 'dist/elsewhere/main.js'), 'process.stdout.write("escaped")');
  });

  afterAll(() => rmSync(image, { recursive: true, force: true }));

  function start(env: Record<string, string>, args: string[] = []) {
    return new Promise<{ code: number | null; pid: number; out: string; err: string }>((resolve) => {
      const child = execFile(process.execPath, ['start-app.js', ...args], { cwd: image, env }, (error, out, err) =>
        resolve({ code: error ? (error.code as number) : 0, pid: child.pid!, out, err }),
      );
    });
  }

  it('runs the app APP names in its own process, with its arguments and exit code', async () => {
    const { code, pid, out, err } = await start({ APP: 'worker' }, ['--flag']);
    expect(err).toBe('');
    expect(JSON.parse(out)).toEqual({ app: 'worker', pid, argv: ['--flag'] });
    expect(code).toBe(7);
  });

  it.each([
    ['unset', {}, "APP='' is not an app of this image; it has: api, worker"],
    ['unknown', { APP: 'nope' }, "APP='nope' is not an app of this image; it has: api, worker"],
    ['not built', { APP: 'not-built' }, "APP='not-built' is not an app of this image"],
    ['a path out of dist/apps', { APP: '../elsewhere' }, "APP='../elsewhere' is not an app of this image"],
  ])('refuses an APP that is %s with exit code 64, naming the apps there are', async (_case, env, message) => {
    const { code, out, err } = await start(env);
    expect(code).toBe(64);
    expect(out).toBe('');
    expect(err).toContain(message);
  });
});
