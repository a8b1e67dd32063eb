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
  private static final String OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  private static final Pattern V4 = Pattern.compile(
      "(?<![\\d.])(?:" + OCTET + "\\.){3}" + OCTET + "(?![\\d]|\\.\\d)");
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
  private static final Pattern VERSION_ANYWHERE = Pattern.compile(
      "(?iu)\\b(?:fw|firmware|version|versión|build|release|update|mise à jour|actualiz|rollback|reflash)");
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
      Matcher m = V4.matcher(t);
      boolean versionsTalk = VERSION_ANYWHERE.matcher(doc.lower).find();
      while (m.find()) {
        if (isVersion(doc, m.start(), m.end(), versionsTalk)) {
          continue;
        }
        out.add(new Span(m.start(), m.end(), Kind.IP));
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
