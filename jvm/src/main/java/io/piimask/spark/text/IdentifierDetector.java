package io.piimask.spark.text;

import java.util.List;

/**
 * The row's own identifier values (the operator's name, e-mail, phone, serial...), wherever they
 * appear: any case, any run of white space between their words. A value made of 2-4 words of
 * letters is a name: each of its words of 3+ letters is found on its own too, as a whole word.
 * An e-mail value becomes [EMAIL], a name [PERSON], anything else [ID].
 */
public final class IdentifierDetector {
  private IdentifierDetector() {}

  public static void find(Doc doc, List<String> values, List<Span> out) {
    if (values == null) {
      return;
    }
    for (String v : values) {
      if (v == null) {
        continue;
      }
      String value = Doc.lowerCase(v.trim());
      if (value.length() < 3) {
        continue;
      }
      String[] words = value.split("\\s+");
      Kind kind = value.indexOf('@') >= 0 ? Kind.EMAIL : isName(words) ? Kind.PERSON : Kind.ID;
      findWords(doc, words, kind, false, out);
      if (kind == Kind.PERSON && words.length > 1) {
        for (String w : words) {
          if (w.length() >= 3) {
            findWords(doc, new String[] {w}, kind, true, out);
          }
        }
      }
    }
  }

  static boolean isName(String[] words) {
    if (words.length > 4) {
      return false;
    }
    for (String w : words) {
      for (int i = 0; i < w.length(); i++) {
        char c = w.charAt(i);
        if (!Character.isLetter(c) && c != '-' && c != '\'' && c != '’' && c != '.') {
          return false;
        }
      }
    }
    return true;
  }

  /** Occurrences of the words in order, separated by white space; whole words only if asked. */
  private static void findWords(Doc doc, String[] words, Kind kind, boolean wholeWord, List<Span> out) {
    String t = doc.lower;
    int from = 0;
    while (true) {
      int s = t.indexOf(words[0], from);
      if (s < 0) {
        return;
      }
      int e = s + words[0].length();
      boolean ok = true;
      for (int k = 1; k < words.length && ok; k++) {
        int p = e;
        while (p < t.length() && Character.isWhitespace(t.charAt(p))) {
          p++;
        }
        if (p == e || !t.startsWith(words[k], p)) {
          ok = false;
        } else {
          e = p + words[k].length();
        }
      }
      boolean boundary = !(wholeWord || kind == Kind.PERSON)
          || !Text.wordCharAt(t, s - 1) && !Text.wordCharAt(t, e);
      if (ok && boundary) {
        out.add(new Span(s, e, kind));
        from = e;
      } else {
        from = s + 1;
      }
    }
  }
}
