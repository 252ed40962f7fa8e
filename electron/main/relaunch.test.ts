// The Electron restart of the in-app key rotation, with Electron's app replaced: the data folder is closed before the
// new process is asked for, and the app exits (not quits, which would close the workstation a second time).
import { describe, expect, it } from 'vitest';
import { relaunchAfterClosing } from './relaunch';

function fakeApp(steps: string[]) {
  return {
    relaunch: () => void steps.push('relaunch'),
    exit: (code?: number) => void steps.push(`exit ${code}`),
  };
}

const settled = (steps: string[], length: number) =>
  new Promise<void>((done) => {
    const poll = () => (steps.length >= length ? done() : setTimeout(poll, 5));
    poll();
  });

describe('relaunchAfterClosing', () => {
  it('answers first, closes the data folder, then relaunches and exits', async () => {
    const steps: string[] = [];
    relaunchAfterClosing({
      app: fakeApp(steps),
      delayMs: 10,
      close: async () => {
        steps.push('closing');
        await new Promise((r) => setTimeout(r, 20));
        steps.push('closed');
      },
    });
    steps.push('answered');
    await settled(steps, 5);
    expect(steps).toEqual(['answered', 'closing', 'closed', 'relaunch', 'exit 0']);
  });

  it('relaunches even when closing failed, and says why', async () => {
    const steps: string[] = [];
    const errors: unknown[] = [];
    relaunchAfterClosing({ app: fakeApp(steps), delayMs: 0, close: () => Promise.reject(new Error('store busy')), onError: (e) => errors.push(e) });
    await settled(steps, 2);
    expect(steps).toEqual(['relaunch', 'exit 0']);
    expect(errors).toEqual([new Error('store busy')]);
  });
});
