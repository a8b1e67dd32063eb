package io.piimask.spark.text;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Postal addresses as one span: a core (US "number + street + type", French "number + rue ...",
 * Spanish "calle ... number", German "Hauptstraße 5" / "Neue Straße 12", PO Box / Postfach / BP,
 * Japanese kanji or romaji chome-ban-go) extended to the right by tails: unit/floor designators
 * (apt, suite, #, bât., 3º izq, 3. Stock), postcode + city, city + state + ZIP, a Japanese
 * postcode.
 */
public final class AddressDetector implements Detector {
  private static final String CAP = "\\p{Lu}[\\p{L}'’.-]*";
  private static final String WORD = "(?:" + CAP + "|\\d+(?:st|nd|rd|th)|\\d{1,4})";
  private static final String DIR = "(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\\.?";
  private static final String US_TYPE = "(?:St|Street|Ave|Avenue|Av|Rd|Road|Blvd|Boulevard|Dr|Drive|Ln|Lane|Ct"
      + "|Court|Pl|Place|Sq|Square|Ter|Terrace|Pkwy|Parkway|Hwy|Highway|Cir|Circle|Trl|Trail|Way|Pike|Expy"
      + "|Expressway|Fwy|Freeway|Plz|Plaza|Aly|Alley|Loop|Row|Path|Walk|Crescent|Cres|Close|Mews|Cove|Cv"
      + "|Xing|Crossing|Bend|Run|Ridge|Point|Pt)";
  /** a house number; the character before it is checked by the scan (numberStarts) */
  private static final String NUM = "\\d{1,6}[A-Za-z]?(?:-\\d{1,4})?";
  private static final Pattern US = Pattern.compile(
      "(?u)" + NUM + "\\s+(?:" + DIR + "\\s+)?(?:" + WORD + "\\s+){1,4}" + US_TYPE + "\\.?(?:\\s+" + DIR
          + ")?(?![\\p{L}\\p{N}])"
          + "|(?u)" + NUM + "\\s+" + DIR + "\\s+\\d{1,5}\\s+" + DIR + "(?![\\p{L}\\p{N}])"
          + "|(?u)" + NUM + "\\s+(?:N|S|E|W|NE|NW|SE|SW)\\s+" + CAP + "(?:\\s+" + CAP + ")?(?![\\p{L}\\p{N}])"
          + "|(?iu)" + NUM + "\\s+(?:[a-z]+\\s+){1,3}(?:st|ave|rd|blvd|street|avenue|road|drive|lane|hwy)\\.?"
          + "(?![\\p{L}\\p{N}])");
  private static final String PARTICLE = "(?:(?:de|du|des|la|le|les|l'|d'|sur|en|del|los|las|el|y|am|an|der)\\s*)";
  private static final Pattern FR = Pattern.compile(
      "(?iu)" + NUM + "(?:\\s?(?:bis|ter))?,?\\s+(?:rue|avenue|av\\.|allée|boulevard|bd\\.?|chemin|impasse|route"
          + "|quai|cours|place|passage|square|voie|esplanade|promenade|faubourg|rond-point|chaussée|montée)\\s+"
          + PARTICLE + "*(?-i:" + CAP + ")(?:[\\s-]+" + PARTICLE + "*(?-i:" + CAP + ")){0,4}");
  private static final Pattern ES = Pattern.compile(
      "(?iu)(?<![\\p{L}])(?:calle|c/|avenida|avda\\.?|av\\.|avd\\.?|paseo|p[º°]|plaza|pza\\.?|camino|carretera"
          + "|ctra\\.?|ronda|travesía|glorieta|rambla|vía|bulevar|calzada)\\s*" + PARTICLE + "*(?-i:" + CAP
          + ")(?:\\s+" + PARTICLE + "*(?-i:" + CAP + ")){0,4},?\\s+(?:km\\.?\\s*)?(?:n[º°o]\\.?\\s*)?\\d{1,5}[A-Za-z]?"
          + "(?![\\p{L}\\p{N}])");
  private static final Pattern DE = Pattern.compile(
      "(?u)(?<![\\p{L}])\\p{Lu}[\\p{L}-]*?(?:straße|strasse|str\\.|weg|platz|gasse|allee|ring|damm|ufer|chaussee"
          + "|steig|pfad)\\s?\\d{1,4}\\s?[a-zA-Z]?(?:\\s?[-/]\\s?\\d{1,4}[a-z]?)?(?![\\p{L}\\p{N}])"
          + "|(?u)(?<![\\p{L}])(?:" + CAP + "\\s+){1,2}(?:Straße|Strasse|Str\\.|Weg|Platz|Allee|Gasse|Chaussee)"
          + "\\s+\\d{1,4}\\s?[a-zA-Z]?(?![\\p{L}\\p{N}])");
  /** lower-case street names ("12 rue de rivoli", "calle mayor 23", "hauptstr 5"): only with a
   * postcode and city close after, since lower-case words are otherwise prose */
  private static final String LW = "[\\p{L}'’-]+";
  /** a postcode and city after the number, maybe after a floor part: ", 3º izq, 28013 madrid" */
  private static final String POSTCODE_AHEAD = "(?=(?:,\\s*[^,\\n]{1,12}){0,2},\\s*\\d{5}\\s+\\p{L})";
  private static final Pattern LOWER = Pattern.compile(
      "(?iu)(?<![\\p{L}\\p{N}])\\d{1,5}(?:\\s?(?:bis|ter))?,?\\s+(?:rue|avenue|allée|boulevard|bd|chemin|impasse"
          + "|route|quai)\\s+(?:" + LW + "\\s+){0,3}" + LW + "(?=,?\\s*\\d{5}\\s+\\p{L})"
          + "|(?iu)(?<![\\p{L}])(?:calle|c/|avenida|avda\\.?|av\\.|paseo|plaza)\\s*(?:" + LW + "\\s+){0,3}?" + LW
          + ",?\\s+\\d{1,4}[a-z]?(?![\\p{L}\\p{N}])" + POSTCODE_AHEAD
          + "|(?iu)(?<![\\p{L}])[\\p{L}-]+(?:straße|strasse|str\\.?|weg|platz|gasse|allee)\\s?\\d{1,4}\\s?[a-z]?"
          + "(?![\\p{L}\\p{N}])(?=,?\\s*\\d{5}\\s+\\p{L})");
  /** "Am Markt 3", "An der Alster 12", only with a postcode and city after */
  private static final Pattern DE_PREP = Pattern.compile(
      "(?u)(?<![\\p{L}])(?:Am|An der|An den|Im|In der|In den|Auf der|Auf dem|Zum|Zur|Unter den|Hinter der)\\s+"
          + CAP + "\\s+\\d{1,4}\\s?[a-z]?(?=,?\\s*\\d{5}\\s+\\p{Lu})");
  /** type first, number after: "Rue du Faubourg 12" (Belgium, Switzerland), with a postcode after */
  private static final Pattern FR_TYPE_FIRST = Pattern.compile(
      "(?u)(?<![\\p{L}])(?:[Rr]ue|[Aa]venue|[Bb]oulevard|[Cc]hemin|[Aa]llée|[Qq]uai|[Ii]mpasse|[Rr]oute)\\s+"
          + PARTICLE + "*" + CAP + "(?:[\\s-]+" + PARTICLE + "*" + CAP + "){0,3},?\\s+\\d{1,4}[a-z]?"
          + "(?=,?\\s*\\d{4,5}\\s+\\p{Lu})");
  private static final Pattern BOX = Pattern.compile(
      "(?iu)(?<![\\p{L}])(?:p\\.?\\s?o\\.?\\s?box|post office box|postfach|apartado(?: de correos)?|apdo\\.?"
          + "|case postale|cp)\\s+\\d{1,7}(?:\\s\\d{2,3}){0,3}(?![\\p{L}\\p{N}])");
  /** a block number in Arabic digits or kanji numerals (四丁目) */
  private static final String JA_NUM = "(?:\\d{1,4}|[〇一二三四五六七八九十]{1,3})";
  private static final Pattern JA_KANJI = Pattern.compile(
      "(?:(?<![\\d-])\\d{3}[-−]\\d{4}\\s*)?(?:\\p{IsHan}{2,3}[都道府県])?\\p{IsHan}{1,5}?[市区町村郡](?:\\p{IsHan}{1,4}?[区町村])?"
          + "[\\p{IsHan}ぁ-んァ-ンー]{0,8}?" + JA_NUM + "(?:(?:丁目|番地?|の|[-−‐ー－])" + JA_NUM + "){1,3}(?:番地?|号)?");
  private static final Pattern JA_ROMAJI = Pattern.compile(
      "(?u)(?<![\\p{L}\\p{N}-])(?:\\d{1,4}-\\d{1,4}(?:-\\d{1,4})?\\s+" + CAP + "|" + CAP
          + "\\s+\\d{1,4}-\\d{1,4}(?:-\\d{1,4})?),\\s*" + CAP
          + "-(?:ku|shi|cho|chō|machi|gun|ken)(?![\\p{L}])");
  private static final String STATES = "(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI"
      + "|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR"
      + "|QC|ON|BC|AB|MB|NS|NB|NL|PE|SK)";
  private static final String CITY = "\\p{Lu}[\\p{L}'’.-]*(?:[\\s-](?:(?:de|del|la|le|sur|am|an|der|im|en|di)\\s)?"
      + "\\p{Lu}[\\p{L}'’.-]*){0,3}";
  private static final Pattern[] TAILS = {
    // unit, floor, building
    Pattern.compile("(?iu)^,?\\s*(?:apt\\.?|apartment|suite|ste\\.?|unit|bldg\\.?|building|fl\\.?|floor|rm\\.?"
        + "|room|dock|bureau|bât\\.?|bâtiment|batiment|étage|esc\\.?|escalera|piso|puerta|planta|whg\\.?"
        + "|wohnung|etage|lot|space|spc)\\s*#?\\s*[\\p{L}\\p{N}-]{1,6}(?![\\p{L}\\p{N}])"),
    Pattern.compile("(?u)^\\s*#\\s?\\d{1,6}[A-Za-z]?(?![\\p{L}\\p{N}])"),
    Pattern.compile("(?iu)^,\\s*\\d{1,2}\\.\\s*(?:stock|og|etage|obergeschoss)(?![\\p{L}])"),
    Pattern.compile("(?iu)^,?\\s*\\d{1,2}\\s?[º°ª](?:\\s?[a-z]{1,4}\\.?)?(?:\\s(?:izq|dcha|izda|dra|centro)\\.?)?"
        + "(?![\\p{L}\\p{N}])"),
    Pattern.compile("(?iu)^,\\s*(?:bajo|entresuelo|ático|atico|principal|izq\\.?|dcha\\.?)(?![\\p{L}])"),
    Pattern.compile("(?iu)^,?\\s*(?:bp|cs|cedex)\\s+\\d{1,5}(?![\\p{L}\\p{N}])"),
    Pattern.compile("(?u)^,\\s*(?:Col\\.|Colonia|Fracc\\.|Barrio)\\s+" + CITY),
    Pattern.compile("(?u)^\\s+(?:Ouest|Est|Nord|Sud|Norte|Sur|Oeste|Este)(?![\\p{L}])"),
    // postcode + city (EU), a Japanese postcode
    Pattern.compile("(?u)^,?\\s*(?:[A-Z]-)?\\d{4,5}\\s+" + CITY + "(?:\\s+(?:Cedex|CEDEX)(?:\\s\\d{1,2})?)?"),
    // city + state + ZIP (US, Canada)
    Pattern.compile("(?u)^,\\s*" + CITY + ",?\\s+" + STATES + "(?:\\s+\\d{5}(?:-\\d{4})?|\\s+[A-Z]\\d[A-Z]\\s?\\d[A-Z]\\d)?"
        + "(?![\\p{L}\\p{N}])"),
    Pattern.compile("(?u)^\\s+" + CITY + ",?\\s+" + STATES + "\\s+\\d{5}(?:-\\d{4})?(?![\\p{L}\\p{N}])"),
    Pattern.compile("(?u)^,\\s*" + CITY + "\\s*\\(\\p{Lu}[\\p{L}-]*\\)\\s*(?:[A-Z]\\d[A-Z]\\s?\\d[A-Z]\\d)?"),
    Pattern.compile("(?u)^,\\s*" + CITY + "\\s+\\d{3}-\\d{4}(?!\\d)"),
    Pattern.compile("(?u)^,\\s*(?:" + CITY + ",?\\s+)?[A-Z]{1,2}\\d[A-Z\\d]?\\s?\\d[A-Z]{2}(?![\\p{L}\\p{N}])"),
    Pattern.compile("(?u)^,\\s*" + CITY + "\\s+\\d{5}(?:-\\d{4})?(?!\\d)"),
    // lower-case forms, after the capitalised ones: one word of city, a state only before a ZIP
    Pattern.compile("(?iu)^,?\\s*\\d{4,5}\\s+[\\p{L}][\\p{L}'’.-]*"),
    Pattern.compile("(?iu)^,?\\s*[a-z]+(?:\\s[a-z]+){0,2},?\\s+" + STATES + "\\s+\\d{5}(?:-\\d{4})?(?!\\d)"),
  };
  /** a city alone after the street, only when nothing else follows on the line: "..., Montréal" */
  private static final Pattern CITY_ONLY = Pattern.compile("(?u)^,\\s*" + CITY + "(?=\\s*(?:$|[.;)]|,\\s*\\p{Lu}\\p{Lu}))");

  @Override
  public Kind kind() {
    return Kind.ADDRESS;
  }

  @Override
  public void find(Doc doc, List<Span> out) {
    String t = doc.text;
    if (doc.digits == 0) {
      return;
    }
    String l = doc.lower;
    int[] starts = numberStarts(t);
    if (starts.length > 0) {
      scanAt(US, starts, doc, out);
      scanAt(FR, starts, doc, out);
    }
    // one pass over the tokens decides which of the type-first patterns can match
    Lexicon lex = doc.lexicon();
    long typeFirst = lex.mask("street_type_first"), boxWord = lex.mask("box_word");
    boolean es = false, box = false, dePrep = false, frFirst = false;
    for (Token tok : doc.tokens) {
      if (tok.type != Token.WORD) {
        continue;
      }
      long kinds = lex.lookup(tok).cueKinds;
      if ((kinds & typeFirst) != 0) {
        es = true;
        frFirst |= FR_TYPES.contains(tok.lower);
      }
      box |= (kinds & boxWord) != 0;
      dePrep |= tok.length() <= 6 && Character.isUpperCase(tok.text.charAt(0)) && DE_PREPS.contains(tok.text);
    }
    if (es) {
      scan(ES, doc, out);
    }
    if ((es || frFirst || germanStreetAhead(doc)) && hasPostcode(doc)) {
      scan(LOWER, doc, out);
    }
    if (germanStreetAhead(doc)) {
      scan(DE, doc, out);
    }
    if (box) {
      scan(BOX, doc, out);
    }
    if (dePrep) {
      scan(DE_PREP, doc, out);
    }
    if (frFirst) {
      scan(FR_TYPE_FIRST, doc, out);
    }
    if (containsAny(l, "-ku", "-shi", "-cho", "-chō", "-machi", "-gun", "-ken")) {
      scan(JA_ROMAJI, doc, out);
    }
    if (containsAny(t, "市", "区", "町", "村", "郡")) {
      scan(JA_KANJI, doc, out);
    }
  }

  private static final java.util.Set<String> FR_TYPES =
      java.util.Set.of("rue", "avenue", "boulevard", "chemin", "allée", "quai", "impasse", "route");
  private static final java.util.Set<String> DE_PREPS =
      java.util.Set.of("Am", "An", "Im", "In", "Auf", "Zum", "Zur", "Unter", "Hinter");

  private static final String[] DE_SUFFIXES = {
    "straße", "strasse", "str", "weg", "platz", "gasse", "allee", "ring", "damm", "ufer", "chaussee", "steig", "pfad"};

  /** A cheap necessary condition for DE: a word ending like a German street type, then a number. */
  static boolean germanStreetAhead(Doc doc) {
    List<Token> ts = doc.tokens;
    for (int k = 0; k + 1 < ts.size(); k++) {
      Token t = ts.get(k), next = ts.get(k + 1);
      if (t.type != Token.WORD || next.type != Token.NUM && next.type != Token.ALNUM) {
        continue;
      }
      for (String suf : DE_SUFFIXES) {
        if (t.lower.endsWith(suf)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A run of 4-5 digits followed by a space and a letter. */
  private static boolean hasPostcode(Doc doc) {
    List<Token> ts = doc.tokens;
    for (int k = 0; k + 1 < ts.size(); k++) {
      Token t = ts.get(k);
      if (t.type == Token.NUM && (t.length() == 4 || t.length() == 5) && ts.get(k + 1).isWord()
          && doc.between(t, ts.get(k + 1)).equals(" ")) {
        return true;
      }
    }
    return false;
  }

  private static boolean containsAny(String s, String... needles) {
    for (String n : needles) {
      if (s.contains(n)) {
        return true;
      }
    }
    return false;
  }

  /** Where a house number may start: a digit after no letter, digit or . , : / # - */
  static int[] numberStarts(String t) {
    int[] out = new int[8];
    int n = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      char p = i > 0 ? t.charAt(i - 1) : ' ';
      if (!(Character.isLetterOrDigit(p) || ".,:/#-".indexOf(p) >= 0)) {
        if (n == out.length) {
          out = java.util.Arrays.copyOf(out, n * 2);
        }
        out[n++] = i;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  private void scan(Pattern p, Doc doc, List<Span> out) {
    Matcher m = p.matcher(doc.text);
    while (m.find()) {
      if (p == DE && ambiguousGerman(doc, m.group())) {
        continue;
      }
      int end = extend(doc.text, m.end());
      out.add(new Span(m.start(), end, Kind.ADDRESS));
    }
  }

  private static final java.util.Set<String> DIRECTIONS =
      java.util.Set.of("n", "s", "e", "w", "ne", "nw", "se", "sw", "north", "south", "east", "west");

  /** A street type (St, rue, Ave...) or a direction among the six words after a house number. */
  static boolean streetAhead(Doc doc, int start) {
    Lexicon lex = doc.lexicon();
    long streetType = lex.mask("street_type");
    int k = doc.tokenAt(start) + 1;
    for (int n = 0; n < 6 && k < doc.tokens.size(); n++, k++) {
      Token t = doc.tokens.get(k);
      if (t.type == Token.WORD && (lex.has(streetType, t) || t.length() <= 5 && DIRECTIONS.contains(t.lower))) {
        return true;
      }
    }
    return false;
  }

  private void scanAt(Pattern p, int[] starts, Doc doc, List<Span> out) {
    Matcher m = p.matcher(doc.text);
    int from = 0;
    for (int s : starts) {
      if (s < from || !streetAhead(doc, s)) {
        continue;
      }
      m.region(s, doc.text.length());
      if (m.lookingAt()) {
        int end = extend(doc.text, m.end());
        out.add(new Span(s, end, Kind.ADDRESS));
        from = end;
      }
    }
  }

  /** "Training 3", "Monitoring 2": the ring/damm/ufer endings need a German note. */
  private static boolean ambiguousGerman(Doc doc, String core) {
    String l = core.toLowerCase().replaceAll("[\\s\\d/a-z-]*$", "");
    String low = core.toLowerCase();
    boolean weak = low.matches("(?s).*?(ring|damm|ufer|steig|pfad)\\s?\\d.*");
    return weak && !"de".equals(doc.language()) && !l.isEmpty();
  }

  static int extend(String t, int end) {
    boolean grew = true;
    int rounds = 0;
    while (grew && rounds++ < 8) {
      grew = false;
      String rest = t.substring(end);
      for (Pattern tail : TAILS) {
        Matcher m = tail.matcher(rest);
        if (m.find() && m.end() > 0) {
          end += m.end();
          grew = true;
          break;
        }
      }
      if (!grew) {
        Matcher m = CITY_ONLY.matcher(rest);
        if (m.find() && m.end() > 0 && rounds > 1) {
          end += m.end();
          grew = true;
        }
      }
    }
    return end;
  }
}
