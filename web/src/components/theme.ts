import { DEFAULT_THEME, createTheme, type CSSVariablesResolver, type MantineColorsTuple } from '@mantine/core';

/** WCAG 2 AA for normal text, with a little room for rounding in the browser. */
export const TEXT_CONTRAST = 4.6;

type Rgb = [number, number, number];
const parse = (hex: string): Rgb => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
const hex = (rgb: Rgb) => '#' + rgb.map((c) => Math.round(Math.min(255, Math.max(0, c))).toString(16).padStart(2, '0')).join('');

function luminance(color: string): number {
  const [r, g, b] = parse(color).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** The colour over white at `alpha`: what a light button or badge sits on. */
export const tint = (color: string, alpha = 0.1) => hex(parse(color).map((c) => c * alpha + 255 * (1 - alpha)) as Rgb);

const darker = (color: string) => hex(parse(color).map((c) => c * 0.94) as Rgb);

/**
 * Mantine's shades 6 to 9 carry text (filled buttons under white, light badges, links, dimmed
 * text), and most of them read below 4.5:1 (blue 6 is 3.6, green 6 2.4, gray 6 3.3). Each is
 * darkened until it reads on its own light tint, and stays at least as dark as the shade before it.
 */
export function readable(palette: readonly string[]): MantineColorsTuple {
  const shades = [...palette];
  for (let i = 6; i <= 9; i++) {
    let color = luminance(shades[i]!) > luminance(shades[i - 1]!) && i > 6 ? shades[i - 1]! : shades[i]!;
    while (contrast(color, tint(color)) < TEXT_CONTRAST) color = darker(color);
    shades[i] = color;
  }
  return shades as unknown as MantineColorsTuple;
}

const colors = Object.fromEntries(Object.entries(DEFAULT_THEME.colors).map(([name, palette]) => [name, name === 'dark' ? palette : readable(palette)]));

export const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif',
  colors,
  components: {
    // A link inside a sentence must not be told apart by its colour alone (WCAG 1.4.1).
    Anchor: { defaultProps: { underline: 'always' } },
  },
});

/** Placeholders are read too: Mantine draws them in gray 5 (2.1:1). */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-placeholder': 'var(--mantine-color-gray-6)' },
  dark: {},
});
