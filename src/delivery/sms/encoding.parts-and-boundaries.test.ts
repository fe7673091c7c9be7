import { describe, expect, it } from 'vitest';
import { encodeGsm7, smsParts, splitSms } from './encoding.js';
import { SHORT_CODE_LENGTH } from './links.js';

const gsm = (n: number) => 'a'.repeat(n);

describe('SMS encoding and parts', () => {
  it.each([
    ['empty', '', { characters: 0, encoding: 'gsm7', parts: 1, perPart: 160 }],
    ['plain GSM, one part', gsm(160), { characters: 160, encoding: 'gsm7', parts: 1, perPart: 160 }],
    ['plain GSM, just over one part', gsm(161), { characters: 161, encoding: 'gsm7', parts: 2, perPart: 153 }],
    ['one character outside GSM (ô, —) makes it all UCS-2', 'Été à Paris: ça coûte 5£ — non', { characters: 30, encoding: 'ucs2' }],
    ['GSM accents of the alphabet', 'èéùìò ÄÖÑÜ äöñüà Ç ¿¡ §', { characters: 23, encoding: 'gsm7', parts: 1 }],
    ['three parts of GSM', gsm(459), { characters: 459, encoding: 'gsm7', parts: 3, perPart: 153 }],
    ['four parts of GSM', gsm(460), { characters: 460, encoding: 'gsm7', parts: 4 }],
    ['extension characters count two', '€[]{}~^\\|', { characters: 18, encoding: 'gsm7', parts: 1 }],
    ['80 euros fill one part exactly', '€'.repeat(80), { characters: 160, encoding: 'gsm7', parts: 1 }],
    ['81 euros need two parts', '€'.repeat(81), { characters: 162, encoding: 'gsm7', parts: 2 }],
    ['UCS-2 for a character outside GSM', 'Привет', { characters: 6, encoding: 'ucs2', parts: 1, perPart: 70 }],
    ['UCS-2 one part', 'ж'.repeat(70), { characters: 70, encoding: 'ucs2', parts: 1 }],
    ['UCS-2 two parts', 'ж'.repeat(71), { characters: 71, encoding: 'ucs2', parts: 2, perPart: 67 }],
    ['emoji counts two code units', '😀'.repeat(35), { characters: 70, encoding: 'ucs2', parts: 1 }],
    ['curly quote forces UCS-2', 'It’s on', { characters: 7, encoding: 'ucs2', parts: 1 }],
  ])('%s', (_name, text, expected) => {
    expect(smsParts(text)).toMatchObject(expected);
  });

  it('never splits an escape sequence: the part ends one septet early', () => {
    const text = gsm(152) + '€' + gsm(10);
    const { parts } = splitSms(text);
    expect(parts.map((p) => p.length)).toEqual([152, 11]);
    expect(parts[1]!.startsWith('€')).toBe(true);
    expect(parts.join('')).toBe(text);
  });

  it('never splits a surrogate pair: an emoji at the boundary starts the next part', () => {
    const text = 'ж'.repeat(66) + '😀' + 'ж'.repeat(10);
    const { encoding, characters, parts } = splitSms(text);
    expect(encoding).toBe('ucs2');
    expect(characters).toBe(78);
    expect(parts).toEqual(['ж'.repeat(66), '😀' + 'ж'.repeat(10)]);
  });

  it('counts links at the length of their short link', () => {
    const long = 'https://shop.example/spring-sale?utm_source=sms&utm_campaign=2025-spring-collection';
    const counted = smsParts(`Sale: ${long}. Fast!`, { publicUrl: 'https://r.io' });
    expect(counted.characters).toBe('Sale: '.length + 'https://r.io/s/'.length + SHORT_CODE_LENGTH + '. Fast!'.length);
    expect(smsParts(`Sale: ${long}. Fast!`).characters).toBe(long.length + 13);
  });

  it('encodes GSM septets one per octet, extension characters behind the escape', () => {
    expect([...encodeGsm7('A@€\n')]).toEqual([0x41, 0x00, 0x1b, 0x65, 0x0a]);
    expect(() => encodeGsm7('ж')).toThrow(RangeError);
  });
});
