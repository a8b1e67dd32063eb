package io.piimask.spark.text;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Latitude/longitude pairs, one span each: decimal ({@code 45.5152, -122.6784}), with hemisphere
 * letters or degree signs ({@code 33.7490° N, 84.3880° W}, {@code 35.6895N 139.6917E}), labelled
 * ({@code lat 48.8566, long 2.3522}), degrees-minutes-seconds ({@code 47°22'36"N 8°32'28"E}),
 * degrees-decimal-minutes ({@code N 40° 44.9064', W 073° 59.0735'}) and 北緯/東経.
 */
public final class CoordinateDetector implements Detector {
  private static final String DEC = "[+-−]?\\d{1,3}\\.\\d{2,}";
  private static final String NS = "[NSns]", EW = "[EWOewo]";
  private static final Pattern DECIMAL = Pattern.compile(
      "(?<![\\d.\\w])(" + DEC + ")\\s?°?\\s?(" + NS + ")?(?![\\w.])\\s*[,;/]?\\s*(" + DEC + ")\\s?°?\\s?(" + EW
          + ")?(?![\\w]|\\.\\d)");
  private static final Pattern LABELLED = Pattern.compile(
      "(?iu)\\b(?:lat|latitude|breite)\\s*[:=]?\\s*(" + DEC + ")°?\\s*[,;/]?\\s*(?:and\\s+|y\\s+|et\\s+)?"
          + "(?:lon|lng|long|longitude|länge)\\s*[:=]?\\s*(" + DEC + ")°?");
  private static final String DMS_PART =
      "\\d{1,3}\\s?°\\s?\\d{1,2}(?:\\.\\d+)?\\s?['′’]\\s?(?:\\d{1,2}(?:\\.\\d+)?\\s?(?:\"|″|''|”))?";
  private static final Pattern DMS = Pattern.compile(
      "(?u)(?<![\\w])(?:" + DMS_PART + "\\s?" + NS + "|" + NS + "\\s?" + DMS_PART + ")\\s*[,;/]?\\s*(?:"
          + DMS_PART + "\\s?" + EW + "|" + EW + "\\s?" + DMS_PART + ")(?!\\w)");
  private static final Pattern JA = Pattern.compile(
      "北緯\\s?\\d{1,2}(?:\\.\\d+)?度?(?:\\d{1,2}分)?(?:\\d{1,2}(?:\\.\\d+)?秒)?[、,\\s]*"
          + "東経\\s?\\d{1,3}(?:\\.\\d+)?度?(?:\\d{1,2}分)?(?:\\d{1,2}(?:\\.\\d+)?秒)?");
  private static final Pattern CUE = Pattern.compile(
      "(?iu)(?:gps|coords?|coordinates|koordinaten|coordonnées|coordenadas|position|posición|standort"
          + "|ubicación|location|loc|géoloc\\w*|pos|ping\\w*|seen|lat/lon\\w*|位置)[^\\n]{0,20}$");

  @Override
  public Kind kind() {
    return Kind.COORDINATES;
  }

  @Override
  public void find(Doc doc, List<Span> out) {
    String t = doc.text;
    if (doc.digits < 4) {
      return;
    }
    boolean dot = decimals(t) >= 2;
    if (dot) {
      Matcher m = LABELLED.matcher(t);
      while (m.find()) {
        if (inRange(m.group(1), 90) && inRange(m.group(2), 180)) {
          out.add(new Span(m.start(), m.end(), Kind.COORDINATES));
        }
      }
      m = DECIMAL.matcher(t);
      while (m.find()) {
        String lat = m.group(1), lon = m.group(3);
        if (!inRange(lat, 90) || !inRange(lon, 180)) {
          continue;
        }
        boolean hemis = m.group(2) != null || m.group(4) != null || m.group().contains("°");
        int decimals = Math.min(lat.length() - lat.indexOf('.') - 1, lon.length() - lon.indexOf('.') - 1);
        if (!hemis && decimals < 3 && !CUE.matcher(Text.before(doc, m.start(), 30)).find()) {
          continue;
        }
        String sep = t.substring(m.end(1), m.start(3));
        if (!hemis && !sep.contains(",") && !sep.contains(";")
            && !CUE.matcher(Text.before(doc, m.start(), 30)).find()) {
          continue;
        }
        out.add(new Span(m.start(), m.end(), Kind.COORDINATES));
      }
    }
    if (t.indexOf('°') >= 0) {
      Matcher m = DMS.matcher(t);
      while (m.find()) {
        out.add(new Span(m.start(), m.end(), Kind.COORDINATES));
      }
    }
    if (t.indexOf('北') >= 0) {
      Matcher m = JA.matcher(t);
      while (m.find()) {
        out.add(new Span(m.start(), m.end(), Kind.COORDINATES));
      }
    }
  }

  /** How many numbers with two or more decimals the text holds (a cheap necessary condition). */
  static int decimals(String t) {
    int n = 0;
    for (int i = 1; i + 2 < t.length(); i++) {
      if (t.charAt(i) == '.' && Character.isDigit(t.charAt(i - 1)) && Character.isDigit(t.charAt(i + 1))
          && Character.isDigit(t.charAt(i + 2))) {
        n++;
      }
    }
    return n;
  }

  private static boolean inRange(String v, double max) {
    try {
      return Math.abs(Double.parseDouble(v.replace('−', '-'))) <= max;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
