import { DEFAULT_THEME } from '@mantine/core';
import { describe, expect, it } from 'vitest';
import { contrast, readable, theme, tint } from './theme';

const colors = theme.colors!;

describe('The theme draws text in colours that read at WCAG AA (4.5:1)', () => {
  it.each(Object.keys(DEFAULT_THEME.colors).filter((name) => name !== 'dark'))('%s: shades 6 to 9 on white, on their light tint, under white text', (name) => {
    for (const shade of [6, 7, 8, 9]) {
      const color = colors[name]![shade]!;
      expect(contrast(color, '#ffffff'), `${name}.${shade} on white`).toBeGreaterThanOrEqual(4.5);
      expect(contrast(color, tint(color)), `${name}.${shade} on its light tint`).toBeGreaterThanOrEqual(4.5);
      expect(contrast(color, '#f8f9fa'), `${name}.${shade} on gray.0`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('keeps the light shades as they are and every shade at least as dark as the one before', () => {
    expect(colors.blue!.slice(0, 6)).toEqual(DEFAULT_THEME.colors.blue.slice(0, 6));
    const lum = (c: string) => contrast(c, '#ffffff');
    for (const name of Object.keys(colors)) for (const shade of [7, 8, 9]) expect(lum(colors[name]![shade]!)).toBeGreaterThanOrEqual(lum(colors[name]![shade - 1]!));
  });

  it("leaves the shades that already read alone (gray 7 to 9), and Mantine's own would not pass", () => {
    expect(readable(DEFAULT_THEME.colors.gray).slice(7)).toEqual(DEFAULT_THEME.colors.gray.slice(7));
    expect(contrast(DEFAULT_THEME.colors.blue[6], '#ffffff')).toBeLessThan(4.5);
    expect(contrast(DEFAULT_THEME.colors.gray[6], '#ffffff')).toBeLessThan(4.5);
  });
});
