package io.piimask.spark.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs the engine with one detector (or all) and compares the redacted text. */
final class Cases {
  private Cases() {}

  static String redact(String detector, String text) {
    String config = detector == null ? "{}" : "{\"detectors\": [\"" + detector + "\"]}";
    return Engine.forConfig(config).redact(text, null);
  }

  /** Each pair: input, expected output (an input expected unchanged may be given alone as "=") */
  static void check(String detector, String... pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      String expected = pairs[i + 1].equals("=") ? pairs[i] : pairs[i + 1];
      assertEquals(expected, redact(detector, pairs[i]), "input: " + pairs[i]);
    }
  }
}
