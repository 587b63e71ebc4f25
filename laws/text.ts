/**
 * Tidies the text read out of a file into the library's plain-text form: paragraphs on their
 * own lines, no blank runs, and the look-alike radical characters that PDF fonts' ToUnicode
 * maps often give for common ideographs (⼾ for 户, ⻔ for 门) turned back into the ideographs,
 * so the reader shows them and a search for 户外 finds them.
 */

/** CJK Radicals Supplement look-alikes of simplified characters (from Unicode's EquivalentUnifiedIdeograph.txt). */
const radicalSupplement: Record<string, string> = {
  '⺟': '母', '⺠': '民', '⻄': '西', '⻅': '见', '⻆': '角', '⻈': '讠', '⻉': '贝', '⻋': '车', '⻓': '长', '⻔': '门',
  '⻘': '青', '⻙': '韦', '⻚': '页', '⻛': '风', '⻜': '飞', '⻝': '食', '⻠': '饣', '⻢': '马', '⻣': '骨', '⻤': '鬼',
  '⻥': '鱼', '⻦': '鸟', '⻧': '卤', '⻨': '麦', '⻩': '黄', '⻪': '黾', '⻬': '齐', '⻮': '齿', '⻰': '龙', '⻳': '龟',
};
/** Kangxi radicals whose NFKC form is traditional where simplified-Chinese fonts draw the simplified one. */
const kangxiSimplified: Record<string, string> = { '⼾': '户', '⾭': '青', '⿈': '黄' };

const radicals = /[\u2e80-\u2eff\u2f00-\u2fdf]/g;

/** Replaces radical look-alikes by the ideographs they stand for. */
export function unifyRadicals(text: string): string {
  return text.replace(radicals, (c) => radicalSupplement[c] ?? kangxiSimplified[c] ?? (c >= '\u2f00' ? c.normalize('NFKC') : c));
}

/** Plain-text form of a document: one paragraph a line (`\n`), trimmed, no blank lines, radicals unified. */
export function tidyText(text: string): string {
  return unifyRadicals(text.replace(/\r\n?/g, '\n').replace(/[\u2028\u2029]/g, '\n'))
    .replace(/[^\P{Cc}\t\n]/gu, '')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+$/g, '').replace(/^[ \t\u00a0]+/, ''))
    .join('\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

/** A line that starts a paragraph of a Chinese regulation: 第X章/节/条, 一、, （一）, 1. */
const paragraphStart = /^(第[一二三四五六七八九十百千零〇\d]+[编章节条款项]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|附件|附则)/;
const paragraphEnd = /[。！？；：!?;:」』”）)]$/;
const pageNumber = /^([-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*\/\s*\d+|\d+)$/;

/**
 * Joins the visual lines of a laid-out page (PDF text) back into paragraphs: a line continues
 * the one before unless that one ended a sentence or this one starts an article or item; page
 * numbers are dropped. A space is kept where two Latin words or numbers meet.
 */
export function reflowLines(lines: string[]): string {
  const paragraphs: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) {
      if (current) paragraphs.push(current);
      current = '';
      continue;
    }
    if (pageNumber.test(line)) continue;
    if (!current) {
      current = line;
    } else if (paragraphEnd.test(current) || paragraphStart.test(line)) {
      paragraphs.push(current);
      current = line;
    } else {
      current += /[A-Za-z0-9,.]$/.test(current) && /^[A-Za-z0-9]/.test(line) ? ` ${line}` : line;
    }
  }
  if (current) paragraphs.push(current);
  return paragraphs.join('\n');
}
