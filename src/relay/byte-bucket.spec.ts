import { describe, expect, it } from 'vitest';
import { ByteBucket } from './byte-bucket.js';

describe('ByteBucket', () => {
  it('lets one second of bytes through at once, then nothing until it refills', () => {
    const bucket = new ByteBucket(1000, 0);
    expect(bucket.tryTake(600, 0)).toBe(true);
    expect(bucket.tryTake(400, 0)).toBe(true);
    expect(bucket.tryTake(1, 0)).toBe(false);
    expect(bucket.tryTake(100, 100)).toBe(true);
    expect(bucket.tryTake(1, 100)).toBe(false);
  });

  it('never holds more than one second of bytes, however long it idles', () => {
    const bucket = new ByteBucket(1000, 0);
    expect(bucket.tryTake(1000, 0)).toBe(true);
    expect(bucket.tryTake(1001, 60_000)).toBe(false);
    expect(bucket.tryTake(1000, 60_000)).toBe(true);
  });

  it('takes nothing when it refuses', () => {
    const bucket = new ByteBucket(1000, 0);
    expect(bucket.tryTake(1500, 0)).toBe(false);
    expect(bucket.tryTake(1000, 0)).toBe(true);
  });
});
