import { describe, expect, it, vi } from 'vitest';
import { probeDualStack, resolveBindHost } from './bind-host.js';

function fakeLogger() {
  return { debug: vi.fn(), warn: vi.fn() };
}

describe('resolveBindHost', () => {
  it.each(['0.0.0.0', '::', '127.0.0.1', '::1'])(
    'binds an explicit --host %s exactly as given, without probing',
    async (host) => {
      const probe = vi.fn(async () => undefined);
      expect((await resolveBindHost(host, probe, fakeLogger())).address).toBe(host);
      expect(probe).not.toHaveBeenCalled();
    },
  );

  it('binds to :: for IPv6 and IPv4 when no --host is given and the machine has IPv6', async () => {
    const logger = fakeLogger();
    expect((await resolveBindHost(undefined, async () => undefined, logger)).address).toBe('::');
    expect(logger.debug).toHaveBeenCalledWith(expect.stringContaining('for IPv6 and IPv4'));
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it.each(['EAFNOSUPPORT', 'EADDRNOTAVAIL'])(
    'falls back to 0.0.0.0 and says why when a dual-stack bind fails with %s',
    async (code) => {
      const logger = fakeLogger();
      expect((await resolveBindHost(undefined, async () => code, logger)).address).toBe('0.0.0.0');
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining(`(${code})`));
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('IPv4 only'));
    },
  );

  it('fails when the probe fails for any other reason', async () => {
    const probe = async () => Promise.reject(new Error('EMFILE'));
    await expect(resolveBindHost(undefined, probe, fakeLogger())).rejects.toThrow('EMFILE');
  });
});

describe('probeDualStack', () => {
  it('answers, on any machine, either "dual-stack" or a no-IPv6 error code', async () => {
    const outcomes = [undefined, 'EAFNOSUPPORT', 'EADDRNOTAVAIL', 'EPROTONOSUPPORT'];
    expect(outcomes).toContain(await probeDualStack());
  });
});
