// A CJK font for PDFs: Noto Sans SC from npm, cut down (harfbuzz hb-subset in wasm) to the
// characters the report uses, then embedded whole. pdf-lib's own subsetting garbles CJK glyphs.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import subsetFont from 'subset-font';

const require = createRequire(import.meta.url);
let fullFont: Promise<Buffer> | undefined;

export function notoSansScPath(): string {
  return require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
}

export async function subsetCjkFont(text: string): Promise<Uint8Array> {
  fullFont ??= readFile(notoSansScPath());
  // Always include ASCII so numbers, dates and page numbers render whatever the text holds.
  const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
  return subsetFont(await fullFont, `${ascii}${text}`, { targetFormat: 'truetype' });
}
