package io.piimask.spark.text;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IPv4 and IPv6 addresses, but not firmware or app versions shaped like IPv4: a dotted quad right
 * after a version cue (v, fw, firmware, version, build, rev, update...), one in a note that
 * speaks of versions and has no network cue before it, or one in an arrow chain of versions
 * ({@code 2.10.4.1 -> 2.10.5.0}).
 */
public final class IpDetector implements Detector {
  private static final String H = "[0-9a-f]{1,4}";
  private static final Pattern V6 = Pattern.compile(
      "(?i)(?<![0-9a-f:.])(?:(?:" + H + ":){7}" + H
          + "|(?:" + H + ":){1,6}:(?:" + H + "(?::" + H + "){0,5})?"
          + "|::(?:" + H + "(?::" + H + "){0,6}))(?![0-9a-f:])");
  /** a version cue right before the number ("fw ", "v", "firmware 4.", "update to ") */
  private static final Pattern VERSION_NEAR = Pattern.compile(
      "(?iu)(?:\\bv|\\bver\\.?|\\bversion|\\bversión|\\bfw|\\bfirmware|\\bfirmware-update|\\bbuild|\\brev\\.?"
          + "|\\brelease|\\bapp|\\bupdate[ds]?|\\bupdating|\\bupgrade[ds]?|\\bflash(?:ed)?|\\breflash(?:ed)?"
          + "|\\brollback|\\bmise à jour|\\bmaj|\\bactualiz\\w*|\\bpatch|\\bstuck at|\\bon|ファーム\\w*"
          + "|\\bpushed|\\bfixes|->|→|=>)"
          + "[\\s:=]*(?:to\\s+|auf\\s+|a\\s+|vers\\s+|en\\s+|de\\s+|von\\s+|from\\s+)?$");
  private static final Pattern NETWORK_NEAR = Pattern.compile(
      "(?iu)(?:\\bip|\\bipv4|\\bgateway|\\bgw|\\brouter|\\bhotspot|\\bbox|\\bfrom|\\bdns|\\bserver|\\bvpn"
          + "|\\bpublic|\\bwan|\\blan|\\baddr\\w*|\\bhost|\\bdevice|\\bpc|\\blaptop|\\btablet|\\bshows|\\bping)"
          + "[^.\\n]{0,25}$");

  @Override
  public Kind kind() {
    return Kind.IP;
  }

  @Override
  public void find(Doc doc, List<Span> out) {
    String t = doc.text;
    if (doc.digits >= 4 && dottedQuad(t)) {
      int versionsTalk = -1; // computed on the first candidate
      int n = t.length();
      for (int i = 0; i < n; i++) {
        char c = t.charAt(i);
        if (c < '0' || c > '9' || i > 0 && (Character.isDigit(t.charAt(i - 1)) || t.charAt(i - 1) == '.')) {
          continue;
        }
        int end = quadEnd(t, i);
        if (end < 0) {
          continue;
        }
        if (versionsTalk < 0) {
          versionsTalk = versionWords(doc) ? 1 : 0;
        }
        if (!isVersion(doc, i, end, versionsTalk == 1)) {
          out.add(new Span(i, end, Kind.IP));
        }
        i = end;
      }
    }
    if (t.indexOf(':') >= 0 && colons(t)) {
      Matcher m = V6.matcher(t);
      while (m.find()) {
        String g = m.group();
        int colons = 0;
        for (int i = 0; i < g.length(); i++) {
          colons += g.charAt(i) == ':' ? 1 : 0;
        }
        if (colons >= 2 && !g.equals("::") && (g.length() >= 6 || g.startsWith("::"))) {
          out.add(new Span(m.start(), m.end(), Kind.IP));
        }
      }
    }
  }

  /** The end of a dotted quad of octets 0-255 starting at {@code i} (not followed by a digit or
   * ".digit"), or -1. */
  static int quadEnd(String t, int i) {
    int n = t.length(), pos = i;
    for (int g = 0; g < 4; g++) {
      int start = pos, value = 0;
      while (pos < n && pos - start < 3 && Character.isDigit(t.charAt(pos))) {
        value = value * 10 + (t.charAt(pos) - '0');
        pos++;
      }
      int len = pos - start;
      if (len == 0 || value > 255 || len > 1 && t.charAt(start) == '0' || pos < n && Character.isDigit(t.charAt(pos))) {
        return -1;
      }
      if (g < 3) {
        if (pos >= n || t.charAt(pos) != '.') {
          return -1;
        }
        pos++;
      }
    }
    if (pos + 1 < n && t.charAt(pos) == '.' && Character.isDigit(t.charAt(pos + 1))) {
      return -1;
    }
    return pos;
  }

  private static final java.util.Set<String> VERSION_WORDS = java.util.Set.of(
      "fw", "firmware", "version", "versión", "versions", "build", "release", "update", "updated", "updates",
      "rollback", "reflash", "reflashed", "mise", "maj", "actualizar", "actualizó", "actualizado", "actualización",
      "ファーム", "ファームウェア", "firmware-update");

  /** Whether the note speaks of versions (fw, firmware, update...). */
  static boolean versionWords(Doc doc) {
    for (Token tok : doc.tokens) {
      if (VERSION_WORDS.contains(tok.lower) || tok.lower.startsWith("firmware") || tok.lower.startsWith("actualiz")) {
        return true;
      }
    }
    return false;
  }

  /** A cheap necessary condition for IPv4: digits and three dots in one run. */
  static boolean dottedQuad(String t) {
    int dots = 0;
    boolean digit = false;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c == '.' && digit) {
        if (++dots == 3) {
          return true;
        }
        digit = false;
      } else {
        dots = 0;
        digit = false;
      }
    }
    return false;
  }

  /** A cheap necessary condition for IPv6: two colons within a run of hex digits and colons. */
  static boolean colons(String t) {
    int n = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == ':') {
        if (++n == 2) {
          return true;
        }
      } else if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        n = 0;
      }
    }
    return false;
  }

  private static final Pattern ARROW = Pattern.compile("\\s*(?:->|→|=>)");

  static boolean isVersion(Doc doc, int start, int end, boolean versionsTalk) {
    String before = Text.before(doc, start, 30);
    if (VERSION_NEAR.matcher(before).find()) {
      return true;
    }
    String after = Text.after(doc, end, 6);
    if (ARROW.matcher(after).lookingAt()) {
      return true;
    }
    return versionsTalk && !NETWORK_NEAR.matcher(before).find();
  }
}
