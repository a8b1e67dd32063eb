package io.piimask.spark.text;

/**
 * A token of the text: a run of letters (with inner hyphens or apostrophes: Anna-Lena, O'Neil),
 * of digits, of letters and digits mixed, of Han characters, or of kana.
 */
public final class Token {
  public static final int WORD = 0, NUM = 1, ALNUM = 2, HAN = 3, KANA = 4;

  public final int start, end, type;
  public final String text, lower;
  /** The token's lexicon entry, cached by Lexicon.lookup(Token). */
  Object entry;
  /** Index of the token in the document. */
  public final int index;

  Token(int index, int start, int end, int type, String text, String lower) {
    this.index = index;
    this.start = start;
    this.end = end;
    this.type = type;
    this.text = text;
    this.lower = lower;
  }

  public boolean isWord() {
    return type == WORD;
  }

  /** Capitalised: an upper-case first letter followed by at least one lower-case letter. */
  public boolean isCapitalised() {
    if (type != WORD || !Character.isUpperCase(text.codePointAt(0))) {
      return false;
    }
    for (int i = 1; i < text.length(); i++) {
      if (Character.isLowerCase(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  public boolean isAllCaps() {
    if (type != WORD || text.length() < 2) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isLetter(c) && !Character.isUpperCase(c)) {
        return false;
      }
    }
    return true;
  }

  public boolean isLowerCase() {
    return type == WORD && text.equals(lower);
  }

  public int length() {
    return end - start;
  }

  @Override
  public String toString() {
    return text;
  }
}
