package io.piimask.spark.text;

import java.util.List;

/**
 * Person names, token by token with hash lookups in the lexicon.
 *
 * <p>A run of name-like tokens (a known first or last name, or a capitalised word that is not a
 * common word) counts as a person when:
 * <ul>
 *   <li>an honorific comes before (Mr, Frau, Hr., Mme, Sra., Doña...; not part of the span), or a
 *       Japanese suffix follows (-san, さん, 様, 氏);</li>
 *   <li>a cue comes before (per, cust, according to, habló con, laut, selon...) or after (says,
 *       dice, sagt, "(dispatch)", "'s", "from the crew"), and the words look like names (lower-case
 *       words only when the lexicon knows them as names);</li>
 *   <li>a weaker word comes before (with, for, de, von...) and a capitalised known name follows;</li>
 *   <li>with no cue: a known first name followed by a known name ("Dave Kowalski"), or one
 *       capitalised known first name inside a sentence that is not also an ordinary word of the
 *       note's language (the lexicon's name_words) and not used as a place.</li>
 * </ul>
 * Never: a word after a determiner ("Der Koch", "the Jackson site"), before a place noun
 * ("Austin yard") or a company word ("Frank &amp; Sons"), a month or weekday.
 */
public final class PersonDetector implements Detector {
  private static final String[] JA_SUFFIX = {"-san", "-sama", "-kun", "-chan", "-sensei", "-shi", "-sensei"};

  @Override
  public Kind kind() {
    return Kind.PERSON;
  }

  @Override
  public void find(Doc doc, List<Span> out) {
    Lexicon lex = doc.lexicon();
    List<Token> toks = doc.tokens;
    int n = toks.size();
    int i = 0;
    while (i < n) {
      Token t = toks.get(i);
      if (t.type == Token.HAN || t.type == Token.KANA) {
        i = japanese(doc, i, out);
        continue;
      }
      if (t.type != Token.WORD) {
        i++;
        continue;
      }
      int next = latin(doc, lex, i, out);
      i = Math.max(next, i + 1);
    }
  }

  /** The name-ness of a word: 2 known name, 1 capitalised unknown non-word, 0 not a name. */
  static int nameLike(Lexicon lex, Token t, String base) {
    if (t.type != Token.WORD) {
      return 0;
    }
    Lexicon.Entry e = base == t.lower ? lex.lookup(t) : lex.lookup(base);
    if (e.function) {
      return 0;
    }
    if (e.first || e.last || base.indexOf('-') > 0 && knownName(lex, base)) {
      return 2;
    }
    if ((t.isCapitalised() || t.isAllCaps()) && e.maxZipf < 3.3f && base.length() >= 2) {
      return 1;
    }
    return 0;
  }

  static boolean knownName(Lexicon lex, String base) {
    if (lex.isName(base)) {
      return true;
    }
    int dash = base.indexOf('-');
    if (dash > 0) {
      for (String p : base.split("-")) {
        if (!p.isEmpty() && !lex.isName(p)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private static boolean isFunctionWord(Lexicon lex, String w) {
    return lex.isFunctionWord(w);
  }

  /** The word without a possessive 's and a Japanese -san suffix. */
  static String base(Token t) {
    String l = t.lower;
    if (l.endsWith("'s") || l.endsWith("’s")) {
      l = l.substring(0, l.length() - 2);
    }
    for (String s : JA_SUFFIX) {
      if (l.endsWith(s) && l.length() > s.length() + 1) {
        return l.substring(0, l.length() - s.length());
      }
    }
    return l;
  }

  static int suffixLength(Token t) {
    String l = t.lower;
    if (l.endsWith("'s") || l.endsWith("’s")) {
      return 2;
    }
    for (String s : JA_SUFFIX) {
      if (l.endsWith(s) && l.length() > s.length() + 1) {
        return s.length();
      }
    }
    return 0;
  }

  private static boolean jaSuffix(Token t) {
    String l = t.lower;
    for (String s : JA_SUFFIX) {
      if (l.endsWith(s) && l.length() > s.length() + 1) {
        return true;
      }
    }
    return false;
  }

  private int latin(Doc doc, Lexicon lex, int i, List<Span> out) {
    List<Token> toks = doc.tokens;
    Token first = toks.get(i);
    // most words are no name and follow no honorific: leave them at once
    if (nameLike(lex, first, base(first)) == 0
        && !((first.isCapitalised() || first.isAllCaps()) && honorificBefore(doc, lex, i))) {
      return i + 1;
    }
    String lang = doc.language();
    // left context
    Token prev = doc.token(i - 1);
    String gapBefore = doc.between(prev, first);
    boolean honorific = honorificBefore(doc, lex, i);
    int leftCue = honorific ? 3 : leftCue(doc, lex, i);
    boolean determiner = prev != null && gapBefore.trim().isEmpty() && lex.cue("determiner", prev);
    boolean placePrep = prev != null && gapBefore.trim().isEmpty() && lex.cue("place_before", prev);
    // the run of name-like tokens
    int end = i;
    int known = 0, unknown = 0, firsts = 0;
    boolean lower = false, caps = false, cap = false;
    boolean suffix = false;
    while (end < toks.size() && end - i < 4) {
      Token t = toks.get(end);
      if (end > i) {
        String gap = doc.between(toks.get(end - 1), t);
        if (!gap.equals(" ") || suffixLength(toks.get(end - 1)) > 0) {
          break;
        }
      }
      String b = base(t);
      int nl = nameLike(lex, t, b);
      if (nl == 0 && !(honorific && (t.isCapitalised() || t.isAllCaps()) && !isFunctionWord(lex, b))) {
        break;
      }
      if (end > i && t.isLowerCase() != toks.get(i).isLowerCase()) {
        break;
      }
      if (end > i && t.isLowerCase() && lex.lookup(t).maxZipf >= 5.0f) {
        break; // "kevin can": a very common word ends a lower-case name
      }
      if (nl == 2) {
        known++;
        if (lex.isFirst(b)) {
          firsts++;
        }
      } else {
        unknown++;
      }
      lower |= t.isLowerCase();
      caps |= t.isAllCaps();
      cap |= t.isCapitalised();
      suffix |= jaSuffix(t);
      end++;
      if (suffixLength(t) > 0) {
        break;
      }
    }
    if (end == i) {
      return i + 1;
    }
    int count = end - i;
    Token last = toks.get(end - 1);
    String firstBase = base(first);
    // right context
    int rightCue = rightCue(doc, lex, end - 1);
    boolean placeAfter = placeOrCompanyAfter(doc, lex, end - 1);
    boolean sentenceStart = doc.sentenceStart(first);
    boolean saying = sayingAfter(doc, lex, end - 1);
    boolean shortCaps = count == 1 && first.isAllCaps() && first.length() <= 3;
    boolean accept;
    // "Jan", "May", "June" start a date unless a known family name that is no ordinary word follows
    boolean calendarName = count >= 2 && known == count && lex.isLast(base(last)) && !wordish(lex, base(last), lang);
    if (lex.cue("calendar", firstBase) && !honorific && !saying && !roleAfter(doc, lex, end - 1) && !calendarName) {
      accept = false;
    } else if (honorific || suffix) {
      accept = !lower || known == count;
    } else if (determiner || placeAfter) {
      accept = false;
    } else if (count == 1 && lex.isPlace(firstBase) && leftCue < 2 && rightCue < 2 && !saying) {
      accept = false; // a city ("Austin is closed", "de Valencia") is a person only after a strong cue
    } else if (shortCaps && leftCue < 2) {
      accept = false;
    } else if (saying && known == count && !(lower && lex.maxZipf(firstBase) >= 5.5f)) {
      accept = true;
    } else if (leftCue >= 2 || rightCue >= 2) {
      boolean possessiveOnly = leftCue < 2 && rightCue == 2 && suffixLength(last) == 2 && count >= 1
          && (last.lower.endsWith("'s") || last.lower.endsWith("’s"));
      accept = lower ? known == count && (count == 1 ? !wordish(lex, firstBase, lang)
          : !allWordish(lex, i, end, doc) || lex.isFirst(firstBase) && lex.isLast(base(last)))
          : known + unknown == count && (!possessiveOnly || known == count); // "Lowe's order": a shop
      if (lower && count == 1 && rightCue < 2 && lex.maxZipf(firstBase) >= 5.5f) {
        accept = false;
      }
    } else if ((leftCue == 1 || rightCue == 1) && !(count >= 2 && !lower && known == count && firsts >= 1)) {
      // a weak cue decides single words and unknown pairs; a known given name followed by known
      // names ("to Maria Lopez", "to 健一 佐藤") is a name after any preposition, as it is with none
      accept = !lower && known >= 1 && (!sentenceStart || !wordish(lex, firstBase, lang)) && !placePrep
          // one word after "with", "de", "mit": a given name, not a brand or a city ("mit Bosch",
          // "de Paris": family names and very frequent words need more)
          && (count > 1 || (lex.isFirst(firstBase) || allFirstNames(lex, firstBase))
              && lex.zipf(firstBase, Lexicon.langIndex(lang)) < 5.5f);
    } else if (count >= 2 && !lower && known == count && firsts >= 1) {
      accept = !(caps && sentenceStart && count == 2 && wordish(lex, base(last), lang));
    } else if (count == 1 && cap && !sentenceStart && !placePrep && lex.isFirst(firstBase) && !camel(first)
        && !wordish(lex, firstBase, lang) && !("de".equals(lang) && lex.zipf(firstBase, 1) >= 3.0f)) {
      accept = true;
    } else if (count == 1 && cap && sentenceStart && lex.isFirst(firstBase) && subjectVerbAfter(doc, lex, end - 1)
        && lex.zipf(firstBase, Lexicon.langIndex(lang)) < 5.1f && !("en".equals(lang) && wordish(lex, firstBase, lang))) {
      // "Martin est parti", "Pedro no vino", "Carlos is off": a given name as the subject; not a very
      // frequent word ("Luz está apagada"), nor in English one that is also a word ("Grant was approved")
      accept = true;
    } else if (count == 1 && cap && firstBase.indexOf('-') > 0 && allFirstNames(lex, firstBase)) {
      accept = true; // Jean-Luc, Hans-Peter: double given names are names wherever they stand
    } else if (count == 1 && cap && lex.isFirst(firstBase) && !wordish(lex, firstBase, lang)
        && coordinatedWithName(doc, lex, end - 1)) {
      accept = true; // "Dimitri and Olga": a given name joined to another one
    } else {
      accept = false;
    }
    int spanStart = first.start, spanEnd = last.end - suffixLength(last);
    // an initial after a given name ("Dave K.") or before a family name ("J. Smith") is part of it
    Token initialAfter = doc.token(end);
    boolean initialFollows = suffixLength(last) == 0 && initialAfter != null && initialAfter.isWord()
        && initialAfter.length() == 1 && Character.isUpperCase(initialAfter.text.charAt(0))
        && doc.between(last, initialAfter).equals(" ") && doc.between(initialAfter, doc.token(end + 1)).startsWith(".");
    Token initialBefore = doc.token(i - 1);
    boolean initialPrecedes = initialBefore != null && initialBefore.isWord() && initialBefore.length() == 1
        && Character.isUpperCase(initialBefore.text.charAt(0)) && doc.between(initialBefore, first).equals(". ")
        && !lex.cue("honorific", initialBefore.lower + ".");
    if (!accept && !lower && !caps && count == 1 && (initialFollows && lex.isFirst(firstBase)
        || initialPrecedes && lex.isLast(firstBase)) && !determiner && !placeAfter) {
      accept = true;
    }
    if (!accept) {
      return i + 1;
    }
    if (initialFollows) {
      spanEnd = initialAfter.end;
    }
    if (initialPrecedes && !honorific) {
      spanStart = initialBefore.start;
    }
    out.add(new Span(spanStart, spanEnd, Kind.PERSON));
    return initialFollows ? end + 1 : end;
  }

  /** The next word is a verb or auxiliary that follows a subject (is, hat, est, no vino...). */
  private static boolean subjectVerbAfter(Doc doc, Lexicon lex, int j) {
    Token next = doc.token(j + 1);
    return next != null && doc.between(doc.token(j), next).equals(" ") && lex.cue("subject_verb", next);
  }

  private static boolean allWordish(Lexicon lex, int from, int to, Doc doc) {
    for (int k = from; k < to; k++) {
      if (!wordish(lex, base(doc.token(k)), doc.language())) {
        return false;
      }
    }
    return true;
  }

  private static boolean allFirstNames(Lexicon lex, String hyphenated) {
    for (String p : hyphenated.split("-")) {
      if (p.length() < 2 || !lex.isFirst(p)) {
        return false;
      }
    }
    return true;
  }

  private static final java.util.Set<String> AND = java.util.Set.of("and", "und", "et", "y", "e", "or", "oder", "ou", "o");

  /** Token j is followed by "and" and a capitalised known given name (not an ordinary word). */
  private static boolean coordinatedWithName(Doc doc, Lexicon lex, int j) {
    Token conj = doc.token(j + 1), other = doc.token(j + 2);
    return conj != null && other != null && AND.contains(conj.lower) && doc.between(doc.token(j), conj).equals(" ")
        && doc.between(conj, other).equals(" ") && other.isCapitalised() && lex.isFirst(other.lower)
        && !lex.isFunctionWord(other.lower);
  }

  /** An inner capital (SiFa, DeWalt): a brand or an abbreviation more often than a name. */
  private static boolean camel(Token t) {
    for (int k = 1; k < t.text.length(); k++) {
      if (Character.isUpperCase(t.text.charAt(k)) && t.text.charAt(k - 1) != '-') {
        return true;
      }
    }
    return false;
  }

  /** A verb of saying right after token j (maybe after a comma): "mark said", "Bobby, said". */
  private static boolean sayingAfter(Doc doc, Lexicon lex, int j) {
    Token next = doc.token(j + 1);
    if (next == null) {
      return false;
    }
    String g = doc.between(doc.token(j), next).trim();
    return (g.isEmpty() || g.equals(",")) && lex.cue("saying", next);
  }

  /** A bracketed role right after token j: "jan (warehouse)". */
  private static boolean roleAfter(Doc doc, Lexicon lex, int j) {
    Token next = doc.token(j + 1);
    return next != null && doc.between(doc.token(j), next).trim().equals("(") && lex.cue("role", next);
  }

  /** An ordinary word in the note's language or in English (notes mix in English jargon). */
  static boolean wordish(Lexicon lex, String w, String lang) {
    String langs = lex.nameWordLangs(w);
    if (langs != null && (langs.contains(lang) || langs.contains("en"))) {
      return true;
    }
    return lex.zipf(w, Lexicon.langIndex(lang)) >= 5.2f;
  }

  private static boolean honorificBefore(Doc doc, Lexicon lex, int i) {
    Token prev = doc.token(i - 1);
    if (prev == null) {
      return false;
    }
    String gap = doc.between(prev, doc.token(i));
    String g = gap.trim();
    if (!(g.isEmpty() || g.equals("."))) {
      return false;
    }
    if (!gap.endsWith(" ") && !gap.endsWith(".")) {
      return false;
    }
    String w = prev.lower + (g.equals(".") ? "." : "");
    if (!lex.cue("honorific", w) && !lex.cue("honorific", prev)) {
      return false;
    }
    Token t = doc.token(i);
    // "M." and "Fr." are honorifics only before a capitalised word
    return t.isCapitalised() || t.isAllCaps() || !(prev.lower.equals("m") || prev.lower.equals("fr"))
        || honorificBefore(doc, lex, i - 1);
  }

  /** 2 for a strong cue right before token i (per, cust, según...), 1 for a weak one, else 0. */
  private static int leftCue(Doc doc, Lexicon lex, int i) {
    Token prev = doc.token(i - 1);
    if (prev == null) {
      return doc.text.startsWith("@") && doc.token(i).isWord() ? 2 : 0;
    }
    String rawGap = doc.between(prev, doc.token(i));
    if (rawGap.endsWith("@") && doc.token(i).isWord()) {
      return 2; // "@dave": a mention (an e-mail is found first and wins)
    }
    String gap = rawGap.trim();
    if (!(gap.isEmpty() || gap.equals(":") || gap.equals(",") || gap.equals("-") || gap.equals("/"))) {
      return 0;
    }
    if (gap.equals(":") && (lex.cue("role", prev) || lex.cue("before", prev))) {
      return 2;
    }
    if (gap.equals("/") && prev.lower.equals("w")) {
      return 1; // "w/ Rachel"
    }
    if (gap.equals("/") && prev.lower.equals("o") && i >= 2 && doc.token(i - 2).lower.equals("c")) {
      return 2; // "c/o Rachel"
    }
    if (gap.equals(",") || gap.equals("/")) {
      return 0;
    }
    if (lex.cue("before", prev) || lex.cue("before", prev.lower + ":")) {
      return 2;
    }
    Token pp = doc.token(i - 2);
    if (pp != null && doc.between(pp, prev).equals(" ")) {
      if (lex.cue("before_phrase", pp.lower + " " + prev.lower)) {
        return 2;
      }
      Token p3 = doc.token(i - 3);
      if (p3 != null && doc.between(p3, pp).equals(" ")
          && lex.cue("before_phrase", p3.lower + " " + pp.lower + " " + prev.lower)) {
        return 2;
      }
    }
    if (gap.isEmpty() && lex.cue("before_weak", prev)) {
      return 1;
    }
    return 0;
  }

  /** 2 for a verb of saying, a bracketed role, a possessive or "from the" right after, else 0. */
  private static int rightCue(Doc doc, Lexicon lex, int j) {
    Token t = doc.token(j);
    if (t.lower.endsWith("'s") || t.lower.endsWith("’s")) {
      return 2;
    }
    Token next = doc.token(j + 1);
    if (next == null) {
      return 0;
    }
    String gap = doc.between(t, next);
    String g = gap.trim();
    if (g.equals("(") && (lex.cue("role", next) || next.isLowerCase() || next.isAllCaps())) {
      return 2;
    }
    if ((g.isEmpty() || g.equals(",")) && lex.cue("after", next)) {
      return 2;
    }
    if (g.isEmpty() && lex.cue("from_after", next)) {
      return 2;
    }
    // a capitalised name at the start of a sentence and a verb of saying a few words later
    if (doc.sentenceStart(doc.token(firstOfRun(doc, j)))) {
      for (int k = j + 1; k <= j + 5 && k < doc.tokens.size(); k++) {
        Token u = doc.tokens.get(k);
        String between = doc.between(doc.tokens.get(k - 1), u);
        if (!between.trim().isEmpty()) {
          break;
        }
        if (lex.cue("after", u) && u.lower.length() > 3) {
          return 2;
        }
      }
    }
    return 0;
  }

  private static int firstOfRun(Doc doc, int j) {
    int k = j;
    while (k > 0 && doc.between(doc.token(k - 1), doc.token(k)).equals(" ")
        && (doc.token(k - 1).isCapitalised() || doc.token(k - 1).isAllCaps())) {
      k--;
    }
    return k;
  }

  private static boolean placeOrCompanyAfter(Doc doc, Lexicon lex, int j) {
    Token t = doc.token(j);
    Token next = doc.token(j + 1);
    if (next == null) {
      return false;
    }
    String g = doc.between(t, next).trim();
    if (g.equals("&")) {
      return true;
    }
    if (!g.isEmpty()) {
      return false;
    }
    if (lex.cue("place_after", next)) {
      return true;
    }
    if (lex.cue("company_after", next)) {
      // "and" makes a company only before a company word: "Smith and Sons", not "Ana and Olga"
      Token after = doc.token(j + 2);
      return !AND.contains(next.lower) || after != null && lex.cue("company_after", after);
    }
    // a US state or province code: "Madison WI depot"
    return next.isAllCaps() && next.length() == 2 && "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY QC ON BC".contains(next.text);
  }

  /** Japanese: a Han or kana name before さん, 様, 氏, 君 (family name, maybe a given name). */
  private int japanese(Doc doc, int i, List<Span> out) {
    List<Token> toks = doc.tokens;
    Token t = toks.get(i);
    Lexicon lex = doc.lexicon();
    if (t.type == Token.KANA && isSuffix(t.text) && i > 0) {
      // Latin names before さん: "Pham Thi Thu さん"
      Token p = toks.get(i - 1);
      if (p.type == Token.WORD && (p.isCapitalised() || p.isAllCaps()) && doc.between(p, t).trim().isEmpty()) {
        int s = i - 1;
        while (s > 0 && s > i - 4 && toks.get(s - 1).type == Token.WORD && toks.get(s - 1).isCapitalised()
            && doc.between(toks.get(s - 1), toks.get(s)).equals(" ")) {
          s--;
        }
        out.add(new Span(toks.get(s).start, p.end, Kind.PERSON));
      }
      return i + 1;
    }
    if (t.type == Token.KANA) {
      // a katakana name run into its honorific: "グエンさんから"
      int at = honorificIndex(t.text);
      if (at >= 2 && isKatakana(t.text, at)) {
        out.add(new Span(t.start, t.start + at, Kind.PERSON));
      }
      return i + 1;
    }
    if (t.type != Token.HAN) {
      return i + 1;
    }
    // two Han names split by one space, a known given name and a known family name in either
    // order ("健一 佐藤", "佐藤 健一"): a full name, with or without a suffix after it
    Token pair = doc.token(i + 1);
    if (pair != null && pair.type == Token.HAN && doc.between(t, pair).equals(" ")
        && (lex.isFirst(t.text) && lex.isLast(pair.text) || lex.isLast(t.text) && lex.isFirst(pair.text))) {
      out.add(new Span(t.start, pair.end, Kind.PERSON));
      return i + 2;
    }
    String text = t.text;
    int cut = text.length();
    boolean suffix = false;
    int title = titleLength(text);
    if (text.length() > 1 && "様氏君殿".indexOf(text.charAt(text.length() - 1)) >= 0) {
      cut = text.length() - 1;
      suffix = true;
    } else if (title > 0 && text.length() - title >= 1 && knownHanName(lex, text.substring(0, text.length() - title))) {
      cut = text.length() - title; // "山田部長": a family name and a job title ("現場監督" is no name)
      suffix = true;
    } else {
      Token next = doc.token(i + 1);
      if (next != null && doc.between(t, next).trim().isEmpty()
          && (next.type == Token.KANA && isSuffix(next.text) || next.type == Token.HAN && next.text.length() <= 2
              && "様氏君".indexOf(next.text.charAt(0)) >= 0)) {
        suffix = true;
      }
    }
    String name = text.substring(0, cut);
    int start = t.start;
    // the name is the longest known tail of a longer run ("担当佐藤" -> "佐藤")
    if (name.length() > 3) {
      int best = -1;
      for (int k = Math.max(0, name.length() - 4); k < name.length() - 1; k++) {
        if (lex.isLast(name.substring(k)) || lex.isFirst(name.substring(k))) {
          best = k;
          break;
        }
      }
      if (best < 0) {
        return i + 1;
      }
      start += best;
      name = name.substring(best);
    }
    Token prev = doc.token(i - 1);
    if (suffix) {
      // "山田 太郎 様", "加藤 さくら 様": a family name before the given name
      if (prev != null && (prev.type == Token.HAN) && doc.between(prev, t).equals(" ")
          && lex.isLast(prev.text)) {
        start = prev.start;
      }
      out.add(new Span(start, start == prev_start(prev) ? t.start + cut : t.start + cut, Kind.PERSON));
      return i + 1;
    }
    // a known family name followed by a known given name: "佐藤 翼"
    Token next = doc.token(i + 1);
    if (lex.isLast(name) && next != null && next.type == Token.HAN && doc.between(t, next).length() <= 1
        && lex.isFirst(next.text) && name.length() <= 3) {
      Token after = doc.token(i + 2);
      boolean suffixAfter = after != null && doc.between(next, after).trim().isEmpty()
          && (after.type == Token.KANA && isSuffix(after.text) || after.text.startsWith("様"));
      out.add(new Span(start, next.end, Kind.PERSON));
      return suffixAfter ? i + 3 : i + 2;
    }
    if (lex.isLast(name) && next != null && next.type == Token.KANA && doc.between(t, next).equals(" ")) {
      Token after = doc.token(i + 2);
      if (after != null && (after.type == Token.HAN && after.text.startsWith("様")
          || after.type == Token.KANA && isSuffix(after.text))) {
        out.add(new Span(start, next.end, Kind.PERSON));
        return i + 3;
      }
    }
    return i + 1;
  }

  private static final String[] TITLES = {"部長", "課長", "係長", "社長", "主任", "所長", "店長", "先生", "監督", "班長"};

  /** The length of a job title ending a Han run (部長, 課長...), or 0. */
  private static int titleLength(String han) {
    for (String title : TITLES) {
      if (han.endsWith(title)) {
        return title.length();
      }
    }
    return 0;
  }

  private static boolean knownHanName(Lexicon lex, String han) {
    for (int k = Math.max(0, han.length() - 4); k < han.length(); k++) {
      if (lex.isLast(han.substring(k)) || lex.isFirst(han.substring(k))) {
        return true;
      }
    }
    return false;
  }

  private static int honorificIndex(String kana) {
    for (String h : new String[] {"さん", "さま", "くん", "ちゃん"}) {
      int at = kana.indexOf(h);
      if (at >= 0) {
        return at;
      }
    }
    return -1;
  }

  private static boolean isKatakana(String s, int end) {
    for (int k = 0; k < end; k++) {
      char c = s.charAt(k);
      if (Character.UnicodeScript.of(c) != Character.UnicodeScript.KATAKANA && c != 'ー') {
        return false;
      }
    }
    return true;
  }

  private static int prev_start(Token p) {
    return p == null ? -1 : p.start;
  }

  private static boolean isSuffix(String kana) {
    return kana.startsWith("さん") || kana.startsWith("さま") || kana.startsWith("くん") || kana.startsWith("ちゃん")
        || kana.startsWith("せんせい");
  }
}
