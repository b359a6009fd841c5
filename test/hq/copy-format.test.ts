/** COPY's text format as head office writes events with it: the characters COPY reads specially are escaped, nothing else. */
import { expect, it } from 'vitest';
import { copyField, copyRow } from '../../hq/storage/sql.js';

it('escapes backslash, new line, carriage return and tab, and leaves other text as it is', () => {
  expect(copyField('plain "quoted", 中文')).toBe('plain "quoted", 中文');
  expect(copyField('a\\b\nc\rd\te')).toBe('a\\\\b\\nc\\rd\\te');
  // A field that reads as the NULL marker or the end-of-data line stays text.
  expect(copyField('\\N')).toBe('\\\\N');
  expect(copyField('\\.')).toBe('\\\\.');
  expect(copyField(42)).toBe('42');
  expect(copyRow(['x', 1, 'tab\there'])).toBe('x\t1\ttab\\there\n');
});
