package io.piimask.spark.text;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Payment card numbers: 13-19 digits in groups (spaces or hyphens) passing the Luhn check, with a
 * card network's leading digits. */
public final class CardDetector implements Detector {
  private static final Pattern CANDIDATE = Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d])");

  @Override
  public Kind kind() {
    return Kind.CARD;
  }

  @Override
  public void find(Doc doc, List<Span> out) {
    if (doc.digits < 13 || !longDigitRun(doc.text)) {
      return;
    }
    Matcher m = CANDIDATE.matcher(doc.text);
    while (m.find()) {
      String digits = Text.digitsOf(m.group());
      int end = m.end();
      // a trailing separator belongs to the text after
      if (luhn(digits) && network(digits)) {
        out.add(new Span(m.start(), end, Kind.CARD));
      }
    }
  }

  /** A cheap necessary condition: 13 digits with at most one space or hyphen between neighbours. */
  static boolean longDigitRun(String t) {
    int run = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++run >= 13) {
          return true;
        }
      } else if (!((c == ' ' || c == '-') && i > 0 && Character.isDigit(t.charAt(i - 1)))) {
        run = 0;
      }
    }
    return false;
  }

  static boolean network(String d) {
    char a = d.charAt(0);
    return a == '4' || a == '5' || a == '2' || a == '3' || a == '6';
  }

  static boolean luhn(String d) {
    int n = d.length();
    if (n < 13 || n > 19) {
      return false;
    }
    int sum = 0;
    boolean dbl = false;
    for (int i = n - 1; i >= 0; i--) {
      int v = d.charAt(i) - '0';
      if (dbl) {
        v *= 2;
        if (v > 9) {
          v -= 9;
        }
      }
      sum += v;
      dbl = !dbl;
    }
    return sum % 10 == 0;
  }
}
