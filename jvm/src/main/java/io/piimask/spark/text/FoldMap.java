package io.piimask.spark.text;

import java.text.Normalizer;

/**
 * Where each character of a folded text came from in the text it was folded from.
 *
 * <p>The kit folds a note before any detector ({@code piimask.expr.text.fold_text}): invisible
 * format characters are removed and each compatibility form whose NFKC form is one ASCII character
 * becomes that character (full-width, mathematical, circled...). Every original code point thus
 * becomes one folded code point or none, so the two texts align in one walk; spans found on the
 * folded text are then replaced in the original, and the rest of the original is kept as written.
 *
 * <p>The walk is checked, not trusted: an original character that neither equals nor folds to
 * the next folded one must be an invisible character, and the walk must end at the folded text's
 * end. If Python's Unicode tables (which made the fold) and the JVM's disagree on a character,
 * {@link #align} returns null and the caller publishes the folded text, as before.
 */
final class FoldMap {
  private final String original;
  private final int[] start; // per folded UTF-16 index: where its code point starts in the original
  private final int[] end; // ... and ends

  private FoldMap(String original, int[] start, int[] end) {
    this.original = original;
    this.start = start;
    this.end = end;
  }

  /** The map from {@code folded} back to {@code original}, or null when they do not align. */
  static FoldMap align(String original, String folded) {
    int fn = folded.length();
    int[] start = new int[fn];
    int[] end = new int[fn];
    int i = 0;
    int j = 0;
    while (i < original.length()) {
      int c = original.codePointAt(i);
      int cl = Character.charCount(c);
      if (j < fn) {
        int f = folded.codePointAt(j);
        if (c == f || foldsTo(c, f)) {
          int fl = Character.charCount(f);
          for (int k = j; k < j + fl; k++) {
            start[k] = i;
            end[k] = i + cl;
          }
          i += cl;
          j += fl;
          continue;
        }
      }
      if (!invisible(c)) {
        return null;
      }
      i += cl; // removed by the fold
    }
    return j == fn ? new FoldMap(original, start, end) : null;
  }

  static boolean foldsTo(int c, int f) {
    if (f >= 0x80 || c < 0x80) {
      return false;
    }
    String n = Normalizer.normalize(new String(Character.toChars(c)), Normalizer.Form.NFKC);
    return n.length() == 1 && n.charAt(0) == f;
  }

  /** The characters the fold removes: format characters (Cf) and the few others that render as
   * nothing (combining grapheme joiner, variation selectors, Hangul fillers...). */
  static boolean invisible(int c) {
    return Character.getType(c) == Character.FORMAT
        || c == 0x034F || c == 0x115F || c == 0x1160 || c == 0x17B4 || c == 0x17B5
        || (c >= 0x180B && c <= 0x180F) || c == 0x3164 || (c >= 0xFE00 && c <= 0xFE0F)
        || c == 0xFFA0 || (c >= 0xE0100 && c <= 0xE01EF);
  }

  /**
   * The original characters of folded characters [from, to), invisible ones left out: a hidden
   * character carries nothing a reader sees, and tag characters can spell out a whole text that
   * no detector (which reads the fold) would look at.
   */
  void appendOriginal(StringBuilder b, int from, int to) {
    int last = -1;
    for (int k = from; k < to; k++) {
      if (start[k] != last) {
        b.append(original, start[k], end[k]);
        last = start[k];
      }
    }
  }
}
