package io.piimask.spark.text;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.List;
import java.util.Set;
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
  /** words right before a number that make it a part, order, ticket... number, not a phone */
  private static final Set<String> NOT_PHONE = Set.of(
      "part", "p/n", "pn", "order", "po", "ticket", "rma", "invoice", "inv", "ref", "réf", "tracking", "case",
      "quote", "nr", "artikel", "artikelnr", "art", "bestellnr", "bestellnummer", "bestellung", "auftrag",
      "auftragsnr", "auftragsnummer", "rechnung", "rechnungsnr", "lieferschein", "commande", "facture", "devis",
      "avoir", "suivi", "pedido", "factura", "albarán", "presupuesto", "seguimiento", "referencia", "sku", "lot",
      "batch", "charge", "contract", "cert", "badge", "claim", "item", "model", "serial", "sn", "vorgang", "ticketnr",
      "confirmation", "conf");
  /** words right before a number that make it a phone */
  private static final Set<String> PHONE_WORDS = Set.of(
      "tel", "tél", "teléfono", "telefono", "telefon", "telefonnummer", "phone", "ph", "cell", "mobile", "mob",
      "call", "called", "calls", "text", "texted", "sms", "fax", "handy", "rückruf", "rückrufnummer", "durchwahl",
      "anruf", "portable", "fixe", "móvil", "movil", "llamar", "llama", "número", "numero", "line", "appeler",
      "joindre", "numéro", "whatsapp", "vm", "携帯", "電話", "keitai", "denwa", "contact", "reach", "ring",
      "mobil", "festnetz", "celular", "cel", "tlf", "tfno", "tf", "ligne", "directe", "direct", "hotline");
  private static final Set<String> HASH_OWNERS = Set.of("new", "his", "her", "my", "cell", "phone", "mobile", "their");
  private static final Pattern DATE = Pattern.compile(
      "\\d{1,4}[./-]\\d{1,2}[./-]\\d{1,4}|\\d{1,2}[./]\\d{1,2}\\.?|\\d{4}-\\d{2}-\\d{2}.*");
  private static final Pattern DATE_START = Pattern.compile(
      "(?:\\d{4}[-/.][01]?\\d[-/.][0-3]?\\d|[0-3]?\\d[-/.][0-3]?\\d[-/.](?:\\d{4}|\\d{2}))(?!\\d|[-/.]\\d)");
  private static final Pattern EXTENSION =
      Pattern.compile("(?i)\\s?(?:x|ext\\.?|extension|poste|durchwahl|dw|内線)\\s?\\d{1,5}$");
  private final List<String> regions;

  /** the configured regions, compiled; those whose national numbers start with a trunk 0 */
  private final java.util.Map<String, PhoneRegion> compiled = new java.util.LinkedHashMap<>();
  private final List<String> trunkZero = new java.util.ArrayList<>();

  public PhoneDetector(List<String> regions) {
    this.regions = regions;
    for (String r : regions) {
      PhoneRegion pr = new PhoneRegion(r);
      compiled.put(r, pr);
      if ("0".equals(pr.trunk)) {
        trunkZero.add(r);
      }
    }
  }

  private static final java.util.Map<Integer, PhoneRegion> BY_COUNTRY_CODE =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** An international number (digits after +): its country code known and its length possible. */
  static boolean international(String digits) {
    PhoneRegion pr = PhoneRegion.ofInternational(digits, BY_COUNTRY_CODE);
    if (pr == null) {
      return false;
    }
    String cc = pr.countryCode();
    return digits.startsWith(cc) && pr.possibleInternational(digits.substring(cc.length()));
  }

  private final java.util.concurrent.ConcurrentHashMap<String, String> hints =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static String hintKey(String norm) {
    return norm.length() + ":" + norm.substring(0, Math.min(3, norm.length()));
  }

  /** The regions a national number can belong to: those with a trunk 0 when it starts with 0. */
  private List<String> regionsFor(String norm) {
    return norm.startsWith("0") ? trunkZero : regions;
  }

  private boolean lengthFits(String norm, String region) {
    PhoneRegion pr = compiled.get(region);
    return pr == null || pr.lengthFits(norm);
  }

  private boolean valid(String norm, String region) {
    PhoneRegion pr = compiled.get(region);
    return pr == null ? slowValid(norm, region) : pr.valid(norm);
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
    String text = doc.text;
    int n = text.length();
    Matcher m = CANDIDATE.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
    int from = 0;
    // candidates start at a digit, '+' or '(' after no letter, digit or + . _ / - (checked by hand,
    // so the regex runs only where a number starts)
    for (int i = 0; i < n; i = Math.max(i + 1, from)) {
      char c = text.charAt(i);
      if (!(c >= '0' && c <= '9' || c == '+' || c == '(')) {
        continue;
      }
      char p = i > 0 ? text.charAt(i - 1) : ' ';
      if (Character.isLetterOrDigit(p) || "+._/-".indexOf(p) >= 0 || !m.region(i, n).lookingAt()) {
        continue;
      }
      int start = m.start();
      from = m.end();
      // a card, SSN, IP, coordinate... found before (they win overlaps anyway) needs no phone check
      int limit = claimedFrom(out, start, m.end());
      if (limit <= start) {
        continue;
      }
      // the longest prefix that ends a digit group and is a phone: "213.555.0148 / 3450" is a
      // phone and a number after a slash
      if (DATE_START.matcher(doc.text).region(start, m.end()).lookingAt()) {
        continue;
      }
      int cues = cues(doc, start);
      if (cues < 0) {
        continue;
      }
      boolean cue = cues > 0;
      for (int end = limit; end > start; end--) {
        if (!Character.isDigit(doc.text.charAt(end - 1))
            || end < m.end() && !slashAhead(doc.text, end)) {
          continue;
        }
        String cand = doc.text.substring(start, end);
        int d = Text.digitCount(cand);
        if (d < 6) {
          break;
        }
        if (d <= 20 && isPhone(cand, cue)) {
          out.add(new Span(start, end, Kind.PHONE));
          from = end;
          break;
        }
      }
    }
  }

  /** Where the candidate [start, end) meets a span of a kind that wins over phones (end if none). */
  static int claimedFrom(List<Span> spans, int start, int end) {
    int limit = end;
    for (Span s : spans) {
      if (s.start() < end && start < s.end() && s.kind().ordinal() < Kind.PHONE.ordinal()) {
        limit = Math.min(limit, Math.max(s.start(), start));
      }
    }
    return limit;
  }

  /**
   * 1 when a phone word comes among the three words before {@code start} (within 30 characters, no
   * number between), -1 when a part/order/ticket word does first, else 0.
   */
  static int cues(Doc doc, int start) {
    int k = doc.tokenAt(start) - 1;
    for (int n = 0; n < 3 && k >= 0; n++, k--) {
      Token t = doc.tokens.get(k);
      if (t.end < start - 30 || t.type == Token.NUM || t.type == Token.ALNUM) {
        return 0;
      }
      String gap = doc.between(t, doc.token(k + 1));
      if (gap.indexOf('#') >= 0 && n == 0 && HASH_OWNERS.contains(t.lower)) {
        return 1;
      }
      if (PHONE_WORDS.contains(t.lower)) {
        return 1;
      }
      if (NOT_PHONE.contains(t.lower)) {
        // a part/ticket number follows its word directly ("case 123", "case #123", "case: 123");
        // after a comma the word ended another phrase, often a family name ("Robert Case,
        // 305-640-4395"), and the number is judged on its own
        if (gap.indexOf(',') >= 0) {
          continue;
        }
        return -1;
      }
    }
    return 0;
  }

  /** Whether a candidate (its text, whether a phone cue comes before it) is a phone number. */
  boolean isPhone(String cand, boolean cue) {
    if (DATE.matcher(cand).matches() || versionShaped(cand)) {
      return false;
    }
    String main = hasLetter(cand) ? EXTENSION.matcher(cand).replaceFirst("") : cand;
    String norm = normalise(main);
    if (norm.startsWith("+")) {
      return international(norm.substring(1));
    }
    // the region that last validated a number of this length and leading digits goes first
    String key = hintKey(norm);
    String hinted = hints.get(key);
    if (hinted != null && lengthFits(norm, hinted) && valid(norm, hinted)) {
      return true;
    }
    for (String r : regionsFor(norm)) {
      if (!r.equals(hinted) && lengthFits(norm, r) && valid(norm, r)) {
        if (hints.size() < 4096) {
          hints.put(key, r);
        }
        return true;
      }
    }
    // a German/Austrian extension after the number: 0721 / 55 44 33-0
    int dash = main.lastIndexOf('-');
    if (dash > 0 && main.length() - dash <= 5) {
      String head = normalise(main.substring(0, dash));
      for (String r : regionsFor(head)) {
        if (lengthFits(head, r) && valid(head, r)) {
          return true;
        }
      }
    }
    if (cue) {
      for (String r : regionsFor(norm)) {
        if (lengthFits(norm, r) && possible(norm, r)) {
          return true;
        }
      }
    }
    return false;
  }

  /** White space then a slash from {@code pos}: "0721 / 55 44 33" may end before it. */
  private static boolean slashAhead(String t, int pos) {
    int k = pos;
    while (k < t.length() && t.charAt(k) == ' ') {
      k++;
    }
    return k < t.length() && t.charAt(k) == '/';
  }

  private static boolean hasLetter(String c) {
    for (int i = 0; i < c.length(); i++) {
      if (Character.isLetter(c.charAt(i))) {
        return true;
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

  private static boolean slowValid(String number, String region) {
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
