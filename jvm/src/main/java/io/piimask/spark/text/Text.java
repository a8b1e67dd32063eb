package io.piimask.spark.text;

import java.util.regex.Pattern;

/** Small text helpers the detectors share. */
final class Text {
  private Text() {}

  /** Up to {@code n} lower-case characters before {@code pos}. */
  static String before(Doc d, int pos, int n) {
    return d.lower.substring(Math.max(0, pos - n), pos);
  }

  /** Up to {@code n} lower-case characters from {@code pos}. */
  static String after(Doc d, int pos, int n) {
    return d.lower.substring(pos, Math.min(d.lower.length(), pos + n));
  }

  static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c);
  }

  static boolean wordCharAt(String s, int i) {
    return i >= 0 && i < s.length() && Character.isLetterOrDigit(s.charAt(i));
  }

  /** True when {@code window} ends with one of the words of {@code cue} (a regex of words). */
  static boolean endsWithCue(String window, Pattern cue) {
    return cue.matcher(window).find();
  }

  static int digitCount(CharSequence s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        n++;
      }
    }
    return n;
  }

  static String digitsOf(CharSequence s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        b.append(c);
      }
    }
    return b.toString();
  }
}
