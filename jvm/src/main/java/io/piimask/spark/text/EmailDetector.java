package io.piimask.spark.text;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** E-mail addresses, also obfuscated: {@code jdoe at example dot com}, {@code m.keller(at)firma.de},
 * {@code folake.o[at]example.com}, {@code s dot mori at example dot co dot jp}. */
public final class EmailDetector implements Detector {
  private static final String L = "[\\p{L}\\p{N}]";
  private static final Pattern PLAIN = Pattern.compile(
      "(?<![\\p{L}\\p{N}._%+-])" + L + "[\\p{L}\\p{N}._%+-]*@[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)*\\.\\p{L}{2,}");
  // local part (maybe "a dot b"), an obfuscated at, a domain whose labels are joined by dots or " dot "
  private static final String DOT = "(?:\\s*[\\(\\[\\{]dot[\\)\\]\\}]\\s*|\\s+dot\\s+|\\.)";
  private static final Pattern OBFUSCATED = Pattern.compile(
      "(?iu)(?<![\\p{L}\\p{N}._%+-])" + L + "[\\p{L}\\p{N}._%+-]*(?:\\s+dot\\s+" + L + "[\\p{L}\\p{N}_%+-]*)*"
          + "(?:\\s*[\\(\\[\\{]\\s*(?:at|@)\\s*[\\)\\]\\}]\\s*|\\s+at\\s+|\\s+@\\s+|\\s*@\\s*(?=[\\p{L}\\p{N}-]+\\s+dot\\s))"
          + "[\\p{L}\\p{N}-]+(?:" + DOT + "[\\p{L}\\p{N}-]+)*" + DOT + "(\\p{L}{2,6})(?![\\p{L}\\p{N}])");
  private static final Pattern SPACED_AT = Pattern.compile("(?iu)\\s+at\\s+");

  @Override
  public Kind kind() {
    return Kind.EMAIL;
  }

  @Override
  public void find(Doc doc, List<Span> out) {
    String t = doc.text;
    if (t.indexOf('@') >= 0) {
      Matcher m = PLAIN.matcher(t);
      while (m.find()) {
        out.add(new Span(m.start(), m.end(), Kind.EMAIL));
      }
    }
    String l = doc.lower;
    if (l.contains(" at ") || l.contains("(at)") || l.contains("[at]") || l.contains("{at}") || l.contains("@")
        || l.contains("( at )") || l.contains("[ at ]")) {
      Matcher m = OBFUSCATED.matcher(t);
      while (m.find()) {
        String s = m.group();
        // a plain " at " between words needs a spelled-out " dot " as well: "left at site.no" is prose
        if (SPACED_AT.matcher(s).find() && !s.toLowerCase().contains(" dot ") && !tld(m.group(1))) {
          continue;
        }
        out.add(new Span(m.start(), m.end(), Kind.EMAIL));
      }
    }
  }

  private static boolean tld(String t) {
    return switch (t.toLowerCase()) {
      case "com", "net", "org", "de", "fr", "es", "jp", "uk", "io", "mx", "ca", "it", "nl", "be", "ch", "at",
          "edu", "gov", "info", "biz", "co" -> true;
      default -> false;
    };
  }
}
