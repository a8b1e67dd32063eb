package io.piimask.spark.text;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The free-text PII engine: every configured detector over one tokenised text, overlaps resolved
 * by {@link Kind} priority (e-mail and URL before MAC, coordinates, IP, card, SSN, serial, address,
 * phone, the row's identifiers, person), adjacent spans of one kind merged, each span replaced by
 * its placeholder; everything outside the spans is kept as it was.
 *
 * <p>Thread-safe; one instance per distinct config string ({@link #forConfig}).
 */
public final class Engine {
  private static final Map<String, Engine> CACHE = new ConcurrentHashMap<>();

  private final EngineConfig config;
  private final Lexicon lexicon;
  private final List<Detector> detectors = new ArrayList<>();

  public Engine(EngineConfig config) {
    this.config = config;
    this.lexicon = Lexicon.get();
    for (Kind k : config.detectors) {
      Detector d = switch (k) {
        case EMAIL -> new EmailDetector();
        case URL -> new UrlDetector();
        case MAC -> new MacDetector();
        case COORDINATES -> new CoordinateDetector();
        case IP -> new IpDetector();
        case CARD -> new CardDetector();
        case SSN -> new SsnDetector();
        case SERIAL -> new SerialDetector(config.serialPattern);
        case ADDRESS -> new AddressDetector();
        case PHONE -> new PhoneDetector(config.phoneRegions);
        case PERSON -> new PersonDetector();
        case ID -> null;
      };
      if (d != null) {
        detectors.add(d);
      }
    }
  }

  /** The engine for a config string, parsed once and cached. */
  public static Engine forConfig(String json) {
    String key = json == null ? "" : json;
    Engine e = CACHE.get(key);
    if (e == null) {
      if (CACHE.size() > 64) {
        CACHE.clear();
      }
      e = CACHE.computeIfAbsent(key, k -> new Engine(EngineConfig.parse(k)));
    }
    return e;
  }

  public EngineConfig config() {
    return config;
  }

  /** The resolved spans of a text, in text order. */
  public List<Span> spans(String text, List<String> identifiers) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    Doc doc = new Doc(text, lexicon);
    List<Span> found = new ArrayList<>();
    for (Detector d : detectors) {
      d.find(doc, found);
    }
    if (config.detectors.contains(Kind.ID) && identifiers != null && !identifiers.isEmpty()) {
      IdentifierDetector.find(doc, identifiers, found);
    }
    return resolve(text, found);
  }

  static List<Span> resolve(String text, List<Span> found) {
    if (found.isEmpty()) {
      return found;
    }
    // by priority, then longer first: a span is kept when it overlaps none kept before
    List<Span> byPriority = new ArrayList<>(found);
    byPriority.sort((a, b) -> a.kind() != b.kind() ? Integer.compare(a.kind().ordinal(), b.kind().ordinal())
        : Integer.compare(b.end() - b.start(), a.end() - a.start()));
    List<Span> kept = new ArrayList<>();
    for (Span s : byPriority) {
      if (s.end() <= s.start()) {
        continue;
      }
      boolean free = true;
      for (Span k : kept) {
        if (k.overlaps(s)) {
          free = false;
          break;
        }
      }
      if (free) {
        kept.add(s);
      }
    }
    Collections.sort(kept);
    // merge neighbours of one kind separated by white space only
    List<Span> merged = new ArrayList<>(kept.size());
    for (Span s : kept) {
      if (!merged.isEmpty()) {
        Span p = merged.get(merged.size() - 1);
        if (p.kind() == s.kind() && text.substring(p.end(), s.start()).isBlank()) {
          merged.set(merged.size() - 1, new Span(p.start(), s.end(), s.kind()));
          continue;
        }
      }
      merged.add(s);
    }
    return merged;
  }

  public String redact(String text, List<String> identifiers) {
    if (text == null) {
      return null;
    }
    List<Span> spans = spans(text, identifiers);
    if (spans.isEmpty()) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length() + 16);
    int pos = 0;
    for (Span s : spans) {
      b.append(text, pos, s.start()).append(config.placeholders.get(s.kind()));
      pos = s.end();
    }
    return b.append(text, pos, text.length()).toString();
  }

  /**
   * {@code original} with the spans found in {@code folded} (its fold, see {@link FoldMap})
   * replaced by their placeholders and every other visible character kept as written; the
   * folded text redacted (as {@link #redact}) when the two do not align. Folding the result
   * gives exactly the redacted fold, so a checker that folds first sees what it saw before.
   */
  public String redactOriginal(String original, String folded, List<String> identifiers) {
    if (original == null || folded == null || original.equals(folded)) {
      return redact(folded == null ? original : folded, identifiers);
    }
    FoldMap map = FoldMap.align(original, folded);
    if (map == null) {
      return redact(folded, identifiers);
    }
    List<Span> spans = spans(folded, identifiers);
    StringBuilder b = new StringBuilder(original.length() + 16);
    int pos = 0;
    for (Span s : spans) {
      map.appendOriginal(b, pos, s.start());
      b.append(config.placeholders.get(s.kind()));
      pos = s.end();
    }
    map.appendOriginal(b, pos, folded.length());
    return b.toString();
  }

  public int piiCount(String text) {
    return text == null ? 0 : spans(text, null).size();
  }

  /**
   * True when the text holds a capitalised or cue-introduced word the rules could not classify:
   * not inside a span, not a known name, not a common word of any language, not a number or code.
   * Such notes are the ones a named-entity model should look at next.
   */
  public boolean undecided(String text) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    Doc doc = new Doc(text, lexicon);
    List<Span> found = new ArrayList<>();
    for (Detector d : detectors) {
      d.find(doc, found);
    }
    List<Span> spans = resolve(text, found);
    int si = 0;
    for (Token t : doc.tokens) {
      while (si < spans.size() && spans.get(si).end() <= t.start) {
        si++;
      }
      if (si < spans.size() && spans.get(si).start() < t.end) {
        continue;
      }
      if (t.type != Token.WORD || t.length() < 3) {
        continue;
      }
      String base = PersonDetector.base(t);
      boolean shaped = t.isCapitalised() || t.isAllCaps() && t.length() > 4;
      if (!shaped || PersonDetector.knownName(lexicon, base) || lexicon.maxZipf(base) >= 3.0f) {
        continue;
      }
      if (lexicon.cue("street_type", base) || lexicon.cue("calendar", base) || lexicon.cue("unit", base)) {
        continue;
      }
      return true;
    }
    return false;
  }
}
