package io.piimask.spark.text;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serial numbers: the value after a marker (S/N, SN:, serial, Seriennr., n° de série, núm. de serie,
 * シリアル, 製造番号...) in any shape with a digit, and the values listed after it ("SN X and Y");
 * plus the rubric's serial regex.
 */
public final class SerialDetector implements Detector {
  private static final String MARKER =
      "(?:s/n|s\\.n\\.|sn|serial(?:\\s+(?:no\\.?|nr\\.?|number|#))?|seriennr\\.?|serien-nr\\.?|seriennummer"
          + "|n[°º]\\s*de\\s+série|no\\s+de\\s+série|numéro\\s+de\\s+série|série|núm\\.?\\s*de\\s+serie"
          + "|num\\.?\\s*de\\s+serie|número\\s+de\\s+serie|n[°º]\\s*de\\s+serie|no\\.\\s*de\\s+serie|serie"
          + "|シリアル(?:番号)?|製造番号)";
  private static final String VALUE = "[\\p{L}\\p{N}](?:[\\p{L}\\p{N}/._-]*[\\p{L}\\p{N}])?";
  private static final Pattern MARKED = Pattern.compile(
      "(?iu)(?<![\\p{L}\\p{N}])" + MARKER + "(?![\\p{L}])\\s*(?:no\\.?\\s*|nr\\.?\\s*|#\\s*|:\\s*|：\\s*|-\\s+)*"
          + "(" + VALUE + ")");
  private static final Pattern MORE = Pattern.compile(
      "(?iu)^(\\s*(?:,|&|\\+|/|and|und|y|et|e|or|o|ou|oder|、)\\s*)(" + VALUE + ")");
  private static final Pattern SPACED_GROUP = Pattern.compile(" \\d{3,}(?![\\p{L}\\p{N}.,:/-])");
  private final Pattern rubric;

  public SerialDetector(String rubricPattern) {
    this.rubric = rubricPattern == null ? null : Pattern.compile(rubricPattern);
  }

  @Override
  public Kind kind() {
    return Kind.SERIAL;
  }

  @Override
  public void find(Doc doc, List<Span> out) {
    String t = doc.text;
    if (doc.digits == 0) {
      return;
    }
    String l = doc.lower;
    if (l.contains("sn") || l.contains("s/n") || l.contains("s.n") || l.contains("seri") || l.contains("séri")
        || t.indexOf('シ') >= 0 || t.indexOf('製') >= 0) {
      Matcher m = MARKED.matcher(t);
      while (m.find()) {
        String v = m.group(1);
        if (!serialLike(v)) {
          continue;
        }
        int end = m.end(1);
        // digit groups written with spaces: "Serial: 4471 9932"
        Matcher group = SPACED_GROUP.matcher(t);
        while (Text.digitCount(v) == v.replace("-", "").length() && group.region(end, t.length()).lookingAt()) {
          end = group.end();
        }
        out.add(new Span(m.start(1), end, Kind.SERIAL));
        int pos = end;
        while (true) {
          Matcher more = MORE.matcher(t.substring(pos));
          if (!more.find() || !sameShape(v, more.group(2))) {
            break;
          }
          int s = pos + more.start(2);
          out.add(new Span(s, pos + more.end(2), Kind.SERIAL));
          pos += more.end(2);
        }
      }
    }
    if (rubric != null) {
      Matcher m = rubric.matcher(t);
      while (m.find()) {
        if (m.end() > m.start()) {
          out.add(new Span(m.start(), m.end(), Kind.SERIAL));
        }
      }
    }
  }

  static boolean serialLike(String v) {
    int d = Text.digitCount(v);
    return d >= 3 && v.length() >= 4 || d >= 1 && v.length() >= 6;
  }

  /** The same letters/digits shape once digits and letters are classed: DW-4471-22918 ~ DW-4471-22920. */
  static boolean sameShape(String a, String b) {
    return shape(a).equals(shape(b));
  }

  private static String shape(String s) {
    StringBuilder b = new StringBuilder();
    char last = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      char k = Character.isDigit(c) ? '9' : Character.isLetter(c) ? 'a' : c;
      if (k != last || (k != '9' && k != 'a')) {
        b.append(k);
      }
      last = k;
    }
    return b.toString();
  }
}
