package io.piimask.spark.text;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Phone numbers, validated by libphonenumber (the shaded copy) against the configured regions, or
 * as international numbers ({@code +CC} / {@code 00CC}) anywhere. A cheap scan finds candidates
 * (digits with spaces, dots, hyphens, slashes, brackets, a trunk "(0)", an extension); a candidate
 * after a part/order/ticket/invoice/tracking cue, or shaped like a date, time or version, is not a
 * phone. A candidate no region finds valid still counts when a phone cue (tel, call, Handy...) is
 * right before it and some region finds it possible.
 */
public final class PhoneDetector implements Detector {
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
  private static final Pattern CANDIDATE = Pattern.compile(
      "(?<![\\p{L}\\p{N}+._/-])(?:\\(\\s?\\+?\\d{1,5}\\s?\\)|\\+\\s?\\d|\\d)"
          + "(?:(?:[ .\\-/]|\\s/\\s|\\s?-\\s?)?(?:\\(0\\)|\\(\\d{1,5}\\)|\\d))+"
          + "(?:\\s?(?:x|ext\\.?|extension|poste|durchwahl|dw|内線)\\s?\\d{1,5})?(?![\\p{L}\\p{N}]|[.,/-]\\d)",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  private static final Pattern NOT_PHONE_CUE = Pattern.compile(
      "(?iu)(?:\\bpart|\\bp/n|\\bpn|\\border|\\bpo|\\bticket|\\brma|\\binvoice|\\binv|\\bref|\\bréf"
          + "|\\btracking|\\bcase|\\bquote|\\bart\\.?-?nr|\\bartikel\\w*|\\bbestell\\w*|\\bauftrag\\w*|\\brechnung\\w*"
          + "|\\blieferschein|\\bcommande|\\bfacture|\\bdevis|\\bavoir|\\bsuivi|\\bpedido|\\bfactura|\\balbarán"
          + "|\\bpresupuesto|\\bseguimiento|\\breferencia|\\bsku|\\blot|\\bbatch|\\bcharge|\\bcontract|\\bcert"
          + "|\\bbadge|\\bclaim|\\bitem|\\bmodel|\\bserial|\\bs/n|\\bsn|\\bnr\\.?|\\bno\\.|n°|nº)"
          + "\\s*(?:no\\.?|nr\\.?|number|num\\.?|n°|nº|#|:)?\\s*$");
  private static final Pattern PHONE_CUE = Pattern.compile(
      "(?iu)(?:\\btel|\\btél|\\bteléfono|\\btelefon\\w*|\\bphone|\\bph|\\bcell|\\bmobile?|\\bmob|\\bcall\\w*"
          + "|\\btext|\\bsms|\\bfax|\\bhandy|\\brückruf\\w*|\\bdurchwahl|\\bportable|\\bfixe|\\bmóvil|\\bmovil"
          + "|\\bllamar|\\bllama|\\bnúmero|\\bnumero|\\bline|\\bappeler|\\bjoindre|\\bnuméro|\\bwhatsapp|\\bvm"
          + "|携帯|電話|\\btel:|\\bkeitai|\\bdenwa|(?:\\bnew|\\bhis|\\bher|\\bmy|\\bcell|\\bphone)\\s?#)"
          + "[^\\p{N}\\n]{0,25}$");
  private static final Pattern DATE = Pattern.compile(
      "\\d{1,4}[./-]\\d{1,2}[./-]\\d{1,4}|\\d{1,2}[./]\\d{1,2}\\.?|\\d{4}-\\d{2}-\\d{2}.*");
  private static final Pattern DATE_START = Pattern.compile(
      "(?:\\d{4}[-/.][01]?\\d[-/.][0-3]?\\d|[0-3]?\\d[-/.][0-3]?\\d[-/.](?:\\d{4}|\\d{2}))(?!\\d|[-/.]\\d)");
  private static final Pattern SLASH_AHEAD = Pattern.compile("\\s*/");
  private final List<String> regions;

  public PhoneDetector(List<String> regions) {
    this.regions = regions;
  }

  @Override
  public Kind kind() {
    return Kind.PHONE;
  }

  @Override
  public void find(Doc doc, List<Span> out) {
    if (doc.digits < 6) {
      return;
    }
    Matcher m = CANDIDATE.matcher(doc.text);
    int from = 0;
    while (from < doc.text.length() && m.find(from)) {
      int start = m.start();
      from = m.end();
      // the longest prefix that ends a digit group and is a phone: "213.555.0148 / 3450" is a
      // phone and a number after a slash
      if (DATE_START.matcher(doc.text).region(start, m.end()).lookingAt()) {
        continue;
      }
      for (int end = m.end(); end > start; end--) {
        if (!Character.isDigit(doc.text.charAt(end - 1))
            || end < m.end() && !SLASH_AHEAD.matcher(doc.text).region(end, m.end()).lookingAt()) {
          continue;
        }
        String cand = doc.text.substring(start, end);
        int d = Text.digitCount(cand);
        if (d < 6) {
          break;
        }
        if (d <= 20 && isPhone(doc, start, cand)) {
          out.add(new Span(start, end, Kind.PHONE));
          from = end;
          break;
        }
      }
    }
  }

  boolean isPhone(Doc doc, int start, String cand) {
    String before = Text.before(doc, start, 40);
    if (NOT_PHONE_CUE.matcher(before).find() && !PHONE_CUE.matcher(Text.before(doc, start, 12)).find()) {
      return false;
    }
    if (DATE.matcher(cand).matches() || versionShaped(cand)) {
      return false;
    }
    boolean cue = PHONE_CUE.matcher(before).find();
    String main = cand.replaceFirst("(?i)\\s?(?:x|ext\\.?|extension|poste|durchwahl|dw|内線)\\s?\\d{1,5}$", "");
    String norm = normalise(main);
    if (norm.startsWith("+")) {
      return check(norm, "ZZ", cue) || check(norm.replaceFirst("^\\+(\\d{1,3})0", "+$1"), "ZZ", cue);
    }
    for (String r : regions) {
      if (valid(norm, r)) {
        return true;
      }
    }
    // a German/Austrian extension after the number: 0721 / 55 44 33-0
    int dash = main.lastIndexOf('-');
    if (dash > 0 && main.length() - dash <= 5) {
      String head = normalise(main.substring(0, dash));
      for (String r : regions) {
        if (valid(head, r)) {
          return true;
        }
      }
    }
    if (cue) {
      for (String r : regions) {
        if (possible(norm, r)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean versionShaped(String c) {
    if (c.indexOf('.') < 0) {
      return false;
    }
    for (String g : c.split("\\.")) {
      if (g.length() == 1 || g.length() > 4) {
        return true;
      }
    }
    return false;
  }

  /** Digits and a leading + only; "00" becomes "+", a trunk "(0)" after a country code goes. */
  static String normalise(String c) {
    String s = c.replace("(0)", " ");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch >= '0' && ch <= '9') {
        b.append(ch);
      } else if (ch == '+' && b.length() == 0) {
        b.append('+');
      }
    }
    if (b.length() > 2 && b.charAt(0) == '0' && b.charAt(1) == '0') {
      return "+" + b.substring(2);
    }
    return b.toString();
  }

  private static boolean check(String number, String region, boolean cue) {
    try {
      PhoneNumber p = UTIL.parse(number, region);
      return UTIL.isValidNumber(p) || UTIL.isPossibleNumber(p);
    } catch (NumberParseException e) {
      return false;
    }
  }

  private static boolean valid(String number, String region) {
    try {
      return UTIL.isValidNumberForRegion(UTIL.parse(number, region), region);
    } catch (NumberParseException e) {
      return false;
    }
  }

  private static boolean possible(String number, String region) {
    try {
      PhoneNumber p = UTIL.parse(number, region);
      return UTIL.isPossibleNumber(p);
    } catch (NumberParseException e) {
      return false;
    }
  }
}
