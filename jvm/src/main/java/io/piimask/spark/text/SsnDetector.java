package io.piimask.spark.text;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** US social security numbers: {@code AAA-GG-SSSS} (hyphens or spaces, the same twice) with a
 * possible area, group and serial, or nine bare digits after an SSN cue. */
public final class SsnDetector implements Detector {
  private static final Pattern SHAPED = Pattern.compile(
      "(?<![\\w-])(?!000|666|9\\d\\d)\\d{3}([- ])(?!00)\\d{2}\\1(?!0000)\\d{4}(?![\\w-])");
  private static final Pattern BARE = Pattern.compile(
      "(?<![\\w-])(?!000|666|9\\d\\d)\\d{3}(?!00)\\d{2}(?!0000)\\d{4}(?![\\w-])");
  private static final Pattern CUE = Pattern.compile(
      "(?iu)(?:\\bssn|social security|seguro social|sécurité sociale|numéro ss|sozialversicherung\\w*|\\bsin)"
          + "[^\\n]{0,25}$");
  /** a phone cue right before a spaced number: "tel 612 34 5678" is a phone */
  private static final Pattern PHONE_CUE = Pattern.compile(
      "(?iu)(?:\\btel|\\bphone|\\bcall|\\bmobile|\\bcell|\\bfax|\\bmóvil|\\btél)\\W{0,3}$");

  /** A cheap necessary condition: three digits, a hyphen or space, two digits, the same, four digits. */
  static boolean shapedPossible(String t) {
    for (int i = 3; i + 7 < t.length(); i++) {
      char c = t.charAt(i);
      if ((c == '-' || c == ' ') && t.charAt(i + 3) == c && Character.isDigit(t.charAt(i - 1))
          && Character.isDigit(t.charAt(i + 1)) && Character.isDigit(t.charAt(i + 4))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Kind kind() {
    return Kind.SSN;
  }

  @Override
  public void find(Doc doc, List<Span> out) {
    if (doc.digits < 9) {
      return;
    }
    Matcher m = SHAPED.matcher(doc.text);
    while (shapedPossible(doc.text) && m.find()) {
      String before = Text.before(doc, m.start(), 30);
      if (m.group(1).equals(" ") && !CUE.matcher(before).find() && PHONE_CUE.matcher(before).find()) {
        continue;
      }
      out.add(new Span(m.start(), m.end(), Kind.SSN));
    }
    String l = doc.lower;
    boolean cue = l.contains("ssn") || l.contains("social") || l.contains("seguro") || l.contains("sécurité")
        || l.contains("ss ") || l.contains("sozialversicherung") || l.contains("sin");
    m = BARE.matcher(doc.text);
    while (cue && m.find()) {
      if (CUE.matcher(Text.before(doc, m.start(), 40)).find()) {
        out.add(new Span(m.start(), m.end(), Kind.SSN));
      }
    }
  }
}
