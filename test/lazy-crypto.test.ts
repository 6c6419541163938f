// src/lazy-crypto.ts: random ids without loading node:crypto at start, and SHA-256 when asked for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomHex, randomUUID, sha256Hex } from '../src/lazy-crypto.ts';

test('randomUUID is a version 4 UUID and never repeats; randomHex gives 2n hex digits; sha256Hex is SHA-256', () => {
  const ids = Array.from({ length: 2000 }, () => randomUUID());
  for (const id of ids)
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(ids).size, ids.length);
  // Every hex digit position outside the fixed bits takes more than one value: the bytes are random.
  for (const i of [0, 9, 15, 20, 35]) assert.ok(new Set(ids.map((id) => id[i])).size > 8, `position ${i}`);
  assert.match(randomHex(3), /^[0-9a-f]{6}$/);
  assert.notEqual(randomHex(8), randomHex(8));
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
