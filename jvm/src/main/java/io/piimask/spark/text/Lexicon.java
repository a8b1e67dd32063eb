package io.piimask.spark.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The word lists the engine reads (built by {@code python -m piimask.treatments.freetext.lexicon
 * --write}, embedded in the jar under {@code io/piimask/lexicon/}): hash sets and maps, loaded
 * once per JVM.
 */
public final class Lexicon {
  public static final String[] LANGS = {"en", "de", "fr", "es", "it", "pt", "nl"};
  private static volatile Lexicon shared;

  /** What the lexicon knows about one lower-case word: one hash lookup answers every question. */
  public static final class Entry {
    static final float[] NO_ZIPF = new float[LANGS.length];
    boolean first, last, function, place;
    String nameWordLangs;
    float[] zipf = NO_ZIPF;
    float maxZipf;
    long cueKinds;
  }

  private final Map<String, Entry> entries = new HashMap<>(1 << 18);
  private final Map<String, Integer> kindBits = new HashMap<>();
  /** cue phrases of several words, by kind */
  private final Map<String, Set<String>> cues = new HashMap<>();

  public static Lexicon get() {
    Lexicon l = shared;
    if (l == null) {
      synchronized (Lexicon.class) {
        l = shared;
        if (l == null) {
          shared = l = new Lexicon();
        }
      }
    }
    return l;
  }

  private Lexicon() {
    read("first_names.txt", line -> entry(line).first = true);
    read("last_names.txt", line -> entry(line).last = true);
    read("places.txt", line -> entry(line).place = true);
    read("name_words.txt", line -> {
      int tab = line.indexOf('\t');
      entry(line.substring(0, tab)).nameWordLangs = line.substring(tab + 1);
    });
    for (int i = 0; i < LANGS.length; i++) {
      final int li = i;
      read("words_" + LANGS[i] + ".txt", line -> {
        int tab = line.indexOf('\t');
        Entry e = entry(line.substring(0, tab));
        if (e.zipf == Entry.NO_ZIPF) {
          e.zipf = new float[LANGS.length];
        }
        e.zipf[li] = Float.parseFloat(line.substring(tab + 1));
        e.maxZipf = Math.max(e.maxZipf, e.zipf[li]);
      });
    }
    read("cues.txt", line -> {
      int tab = line.indexOf('\t');
      String kind = line.substring(0, tab), phrase = line.substring(tab + 1);
      cues.computeIfAbsent(kind, k -> new HashSet<>()).add(phrase);
      int bit = kindBits.computeIfAbsent(kind, k -> kindBits.size());
      entry(phrase).cueKinds |= 1L << bit;
    });
    // (street types are not among them: Hill, Park, Lane are family names too; addresses win
    // their overlaps with names anyway)
    for (String kind : new String[] {"before", "before_weak", "honorific", "after", "determiner", "place_after",
        "unit", "company_after", "role"}) {
      for (String w : cues(kind)) {
        entry(w).function = true;
      }
    }
  }

  private Entry entry(String w) {
    return entries.computeIfAbsent(w, k -> new Entry());
  }

  private static final Entry NONE = new Entry();

  /** The entry of a lower-case word (an empty one when unknown). */
  public Entry lookup(String lower) {
    Entry e = entries.get(lower);
    return e == null ? NONE : e;
  }

  /** The entry of a token's lower-case text, looked up once per token. */
  public Entry lookup(Token t) {
    if (t.entry == null) {
      t.entry = lookup(t.lower);
    }
    return (Entry) t.entry;
  }

  public boolean isFunctionWord(String lower) {
    return lookup(lower).function;
  }

  private interface LineSink {
    void accept(String line);
  }

  private static void read(String name, LineSink sink) {
    String path = "/io/piimask/lexicon/" + name;
    try (InputStream in = Lexicon.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("lexicon resource " + path + " is missing from the jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isEmpty()) {
          sink.accept(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean isFirst(String lower) {
    return lookup(lower).first;
  }

  public boolean isLast(String lower) {
    return lookup(lower).last;
  }

  /** A city of 100,000 people or more (GeoNames). */
  public boolean isPlace(String lower) {
    return lookup(lower).place;
  }

  public boolean isName(String lower) {
    Entry e = lookup(lower);
    return e.first || e.last;
  }

  /** The languages (comma-separated) where this name is also an ordinary word, or null. */
  public String nameWordLangs(String lower) {
    return lookup(lower).nameWordLangs;
  }

  /** Zipf frequency of a lower-case word in a language (0 when not among its common words). */
  public float zipf(String lower, int lang) {
    return lookup(lower).zipf[lang];
  }

  public float maxZipf(String lower) {
    return lookup(lower).maxZipf;
  }

  public static int langIndex(String lang) {
    for (int i = 0; i < LANGS.length; i++) {
      if (LANGS[i].equals(lang)) {
        return i;
      }
    }
    return 0;
  }

  public boolean cue(String kind, String phrase) {
    Integer bit = kindBits.get(kind);
    return bit != null && (lookup(phrase).cueKinds & (1L << bit)) != 0;
  }

  /** The bit of a cue kind, to test many tokens against it with {@link #has(long, Token)}. */
  public long mask(String kind) {
    Integer bit = kindBits.get(kind);
    return bit == null ? 0L : 1L << bit;
  }

  /** Whether a token's text is a cue of the kind(s) in {@code mask}. */
  public boolean has(long mask, Token t) {
    return (lookup(t).cueKinds & mask) != 0;
  }

  /** The same for a token's own text, with the token's cached entry. */
  public boolean cue(String kind, Token t) {
    Integer bit = kindBits.get(kind);
    return bit != null && (lookup(t).cueKinds & (1L << bit)) != 0;
  }

  public Set<String> cues(String kind) {
    return cues.getOrDefault(kind, Set.of());
  }

  /** en, de, fr or es by the summed frequency of the note's very common words; ja for kana/Han. */
  String guessLanguage(Doc doc) {
    float[] score = new float[4];
    int cjk = 0;
    for (Token t : doc.tokens) {
      if (t.type == Token.KANA || t.type == Token.HAN) {
        cjk++;
        continue;
      }
      if (t.type != Token.WORD) {
        continue;
      }
      float[] z = lookup(t).zipf;
      for (int i = 0; i < 4; i++) {
        if (z[i] >= 4.5f) {
          score[i] += z[i] - 4.0f;
        }
      }
    }
    if (cjk > 0) {
      return "ja";
    }
    int best = 0;
    for (int i = 1; i < 4; i++) {
      if (score[i] > score[best]) {
        best = i;
      }
    }
    return LANGS[best];
  }
}
