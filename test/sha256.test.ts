// The hot path's SHA-256 agrees with node:crypto.

import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/sha256.js';

const reference = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('sha256Hex', () => {
  it('matches the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('matches node:crypto for every length from 0 to 300 bytes, across block boundaries', () => {
    for (let length = 0; length <= 300; length++) {
      const text = randomBytes(length).toString('latin1');
      expect(sha256Hex(text)).toBe(reference(text));
    }
  });

  it('hashes the UTF-8 bytes of non-ASCII text', () => {
    for (const text of ['profile ünïcødé', '🐳 registry', '\u0000\uffff']) expect(sha256Hex(text)).toBe(reference(text));
  });
});
