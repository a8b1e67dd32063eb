package io.piimask.spark.text;

import java.util.ArrayList;
import java.util.List;

/**
 * A text prepared once for every detector: its lower-case copy (same indices), its tokens and a
 * few counts the prefilters read.
 */
public final class Doc {
  public final String text;
  /** {@code text} lower-cased char by char, so indices match. */
  public final String lower;
  public final List<Token> tokens;
  public final int digits;
  private final Lexicon lexicon;
  private String language;

  public Doc(String text, Lexicon lexicon) {
    this.text = text;
    this.lower = lowerCase(text);
    this.lexicon = lexicon;
    int d = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        d++;
      }
    }
    this.digits = d;
    this.tokens = tokenize(text, lower);
    this.gaps = new String[tokens.size() + 1];
  }

  /** gaps[i]: the characters between token i-1 and token i (computed on first use). */
  private final String[] gaps;

  static String lowerCase(String s) {
    char[] out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      char l = Character.toLowerCase(c);
      if (l != c) {
        if (out == null) {
          out = s.toCharArray();
        }
        out[i] = l;
      }
    }
    return out == null ? s : new String(out);
  }

  static boolean isHan(int cp) {
    if (cp < 0x2E80) {
      return false;
    }
    Character.UnicodeScript s = Character.UnicodeScript.of(cp);
    return s == Character.UnicodeScript.HAN || cp == '々' || cp == 'ヶ';
  }

  static boolean isKana(int cp) {
    if (cp < 0x3040) {
      return false;
    }
    Character.UnicodeScript s = Character.UnicodeScript.of(cp);
    return s == Character.UnicodeScript.HIRAGANA || s == Character.UnicodeScript.KATAKANA || cp == 'ー';
  }

  private static boolean isLetter(char c) {
    return Character.isLetter(c) || Character.getType(c) == Character.NON_SPACING_MARK;
  }

  private static List<Token> tokenize(String t, String low) {
    List<Token> out = new ArrayList<>();
    int n = t.length();
    int i = 0;
    while (i < n) {
      char c = t.charAt(i);
      if (isHan(c) || isKana(c)) {
        boolean han = isHan(c);
        int j = i + 1;
        while (j < n && (han ? isHan(t.charAt(j)) : isKana(t.charAt(j)))) {
          j++;
        }
        out.add(new Token(out.size(), i, j, han ? Token.HAN : Token.KANA, t.substring(i, j), low.substring(i, j)));
        i = j;
      } else if (isLetter(c) || Character.isDigit(c)) {
        int j = i;
        boolean letters = false, numbers = false;
        while (j < n) {
          char d = t.charAt(j);
          if (isHan(d) || isKana(d)) {
            break;
          }
          if (isLetter(d)) {
            letters = true;
            j++;
          } else if (Character.isDigit(d)) {
            numbers = true;
            j++;
          } else if ((d == '-' || d == '\'' || d == '’') && j + 1 < n && isLetter(t.charAt(j + 1))
              && j > i && isLetter(t.charAt(j - 1)) && !numbers) {
            j++; // Anna-Lena, O'Neil (not 555-0142)
          } else {
            break;
          }
        }
        int type = letters && numbers ? Token.ALNUM : letters ? Token.WORD : Token.NUM;
        out.add(new Token(out.size(), i, j, type, t.substring(i, j), low.substring(i, j)));
        i = j;
      } else {
        i++;
      }
    }
    return out;
  }

  /** The characters between two tokens (or the text's start / end for null). */
  public String between(Token a, Token b) {
    int i = b == null ? tokens.size() : b.index;
    if (a == null ? i == 0 : a.index == i - 1) {
      String g = gaps[i];
      if (g == null) {
        gaps[i] = g = text.substring(a == null ? 0 : a.end, b == null ? text.length() : b.start);
      }
      return g;
    }
    return text.substring(a == null ? 0 : a.end, b == null ? text.length() : b.start);
  }

  public Token token(int i) {
    return i >= 0 && i < tokens.size() ? tokens.get(i) : null;
  }

  /** The token starting at or after character {@code pos}. */
  public int tokenAt(int pos) {
    int lo = 0, hi = tokens.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (tokens.get(mid).end <= pos) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** True when the token starts a sentence: first token, or after . ! ? : ; or a line break. */
  public boolean sentenceStart(Token t) {
    Token p = token(t.index - 1);
    String gap = between(p, t);
    if (p == null) {
      return true;
    }
    for (int i = 0; i < gap.length(); i++) {
      char c = gap.charAt(i);
      if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == '\n' || c == '•') {
        return !(c == '.' && p.length() <= 3 && p.isWord()); // "Dr." "St." are not an end
      }
    }
    return false;
  }

  /** The note's main language among en, de, fr, es (by its most frequent words); "ja" for kana. */
  public String language() {
    if (language == null) {
      language = lexicon.guessLanguage(this);
    }
    return language;
  }

  public Lexicon lexicon() {
    return lexicon;
  }
}
