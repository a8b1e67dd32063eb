package io.piimask.spark.text;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MAC addresses: six hex pairs joined by colons or hyphens, Cisco dotted quads
 * ({@code 0011.22aa.bbcc}), and twelve bare hex digits after a MAC cue. */
public final class MacDetector implements Detector {
  private static final Pattern SEPARATED = Pattern.compile(
      "(?i)(?<![0-9a-f:-])[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\\1[0-9a-f]{2}){4}(?![0-9a-f:-]|\\1[0-9a-f])"
          + "|(?i)(?<![0-9a-f.])[0-9a-f]{4}\\.[0-9a-f]{4}\\.[0-9a-f]{4}(?![0-9a-f.])");
  private static final Pattern BARE = Pattern.compile("(?i)(?<![0-9a-z])[0-9a-f]{12}(?![0-9a-z])");
  private static final Pattern CUE = Pattern.compile(
      "(?iu)(?:\\bmac|bssid|hw ?addr|hardware address|adresse mac|dirección mac|mac-adresse)\\b[^\\n]{0,20}$");

  private static boolean hex(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  /** A cheap necessary condition: "xx:" "xx-" twice in a row, or "xxxx.xxxx.". */
  static boolean maybeSeparated(String t) {
    for (int i = 2; i + 3 < t.length(); i++) {
      char c = t.charAt(i);
      if ((c == ':' || c == '-') && t.charAt(i + 3) == c && hex(t.charAt(i - 1)) && hex(t.charAt(i - 2))
          && hex(t.charAt(i + 1)) && hex(t.charAt(i + 2))) {
        return true;
      }
      if (c == '.' && i >= 4 && i + 5 < t.length() && t.charAt(i + 5) == '.' && hex(t.charAt(i - 1))
          && hex(t.charAt(i + 1))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Kind kind() {
    return Kind.MAC;
  }

  @Override
  public void find(Doc doc, List<Span> out) {
    String t = doc.text;
    if (maybeSeparated(t)) {
      Matcher m = SEPARATED.matcher(t);
      while (m.find()) {
        out.add(new Span(m.start(), m.end(), Kind.MAC));
      }
    }
    if (doc.lower.contains("mac") || doc.lower.contains("bssid") || doc.lower.contains("addr")) {
      Matcher m = BARE.matcher(t);
      while (m.find()) {
        String g = m.group();
        boolean letters = false, digits = false;
        for (int i = 0; i < g.length(); i++) {
          if (Character.isDigit(g.charAt(i))) {
            digits = true;
          } else {
            letters = true;
          }
        }
        if (letters && digits && CUE.matcher(Text.before(doc, m.start(), 40)).find()) {
          out.add(new Span(m.start(), m.end(), Kind.MAC));
        }
      }
    }
  }
}
