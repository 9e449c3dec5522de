import { LogContext } from './log-context';

describe('LogContext', () => {
  it('keeps each unit of work’s fields apart across awaits', async () => {
    const seen: Record<string, unknown>[] = [];
    const unit = (id: string, pauseMs: number) =>
      LogContext.run({ internalId: id }, async () => {
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        LogContext.bind({ tenantId: `tenant-of-${id}` });
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        seen.push(LogContext.fields());
      });
    await Promise.all([unit('a', 20), unit('b', 1)]);
    expect(seen).toEqual([
      { internalId: 'b', tenantId: 'tenant-of-b' },
      { internalId: 'a', tenantId: 'tenant-of-a' },
    ]);
  });

  it('ignores undefined values and binding outside a unit', () => {
    LogContext.bind({ tenantId: 'nobody' });
    expect(LogContext.fields()).toEqual({});
    LogContext.run({ internalId: 'x' }, () => {
      LogContext.bind({ wamid: undefined, attempt: 2 });
      expect(LogContext.fields()).toEqual({ internalId: 'x', attempt: 2 });
    });
  });

  it('hands out copies, so the logger cannot change the bound fields', () => {
    LogContext.run({ internalId: 'x' }, () => {
      LogContext.fields().internalId = 'changed';
      expect(LogContext.fields()).toEqual({ internalId: 'x' });
    });
  });
});
