import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { originOf, summariseCpuProfile } from './cpu-profile-summary';

describe('summariseCpuProfile', () => {
  it('names packages, our files, node and V8 as origins', () => {
    expect(originOf('file:///app/node_modules/@golevelup/nestjs-rabbitmq/lib/amqp.js', 'x')).toBe('@golevelup/nestjs-rabbitmq');
    expect(originOf('file:///app/node_modules/ioredis/built/Redis.js', 'x')).toBe('ioredis');
    expect(originOf('node:internal/streams/readable', 'x')).toBe('node');
    expect(originOf('', '(garbage collector)')).toBe('(garbage collector)');
  });

  it('shares self time out over the busy samples, largest first', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'profile-')), 'run.cpuprofile');
    const frame = (id: number, functionName: string, url: string) => ({ id, callFrame: { functionName, url, lineNumber: 0 } });
    const nodes = [frame(1, '(idle)', ''), frame(2, '(garbage collector)', ''), frame(3, 'send', 'file:///a/node_modules/undici/x.js')];
    writeFileSync(file, JSON.stringify({ nodes, samples: [1, 1, 1, 2, 3, 3, 3] }));
    const { byOrigin, byFunction } = summariseCpuProfile(file);
    expect(byOrigin).toEqual([
      { name: 'undici', percent: 75 },
      { name: '(garbage collector)', percent: 25 },
    ]);
    expect(byFunction[0]).toEqual({ name: 'send undici:1', percent: 75 });
  });
});
