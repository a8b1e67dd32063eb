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

  private final Set<String> first = new HashSet<>(), last = new HashSet<>();
  private final Map<String, String> nameWords = new HashMap<>();
  private final Map<String, float[]> zipf = new HashMap<>();
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
    read("first_names.txt", line -> first.add(line));
    read("last_names.txt", line -> last.add(line));
    read("name_words.txt", line -> {
      int tab = line.indexOf('\t');
      nameWords.put(line.substring(0, tab), line.substring(tab + 1));
    });
    for (int i = 0; i < LANGS.length; i++) {
      final int li = i;
      read("words_" + LANGS[i] + ".txt", line -> {
        int tab = line.indexOf('\t');
        float[] z = zipf.computeIfAbsent(line.substring(0, tab), k -> new float[LANGS.length]);
        z[li] = Float.parseFloat(line.substring(tab + 1));
      });
    }
    read("cues.txt", line -> {
      int tab = line.indexOf('\t');
      cues.computeIfAbsent(line.substring(0, tab), k -> new HashSet<>()).add(line.substring(tab + 1));
    });
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
    return first.contains(lower);
  }

  public boolean isLast(String lower) {
    return last.contains(lower);
  }

  public boolean isName(String lower) {
    return first.contains(lower) || last.contains(lower);
  }

  /** The languages (comma-separated) where this name is also an ordinary word, or null. */
  public String nameWordLangs(String lower) {
    return nameWords.get(lower);
  }

  /** Zipf frequency of a lower-case word in a language (0 when not among its common words). */
  public float zipf(String lower, int lang) {
    float[] z = zipf.get(lower);
    return z == null ? 0f : z[lang];
  }

  public float maxZipf(String lower) {
    float[] z = zipf.get(lower);
    if (z == null) {
      return 0f;
    }
    float m = 0;
    for (float v : z) {
      m = Math.max(m, v);
    }
    return m;
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
    Set<String> s = cues.get(kind);
    return s != null && s.contains(phrase);
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
      float[] z = zipf.get(t.lower);
      if (z == null) {
        continue;
      }
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
