package io.piimask.spark.text;

/**
 * The span types, in overlap priority order: when two spans overlap, the one whose kind comes
 * first wins (an e-mail or URL holds names and digits, an address holds names, a card holds
 * phone-shaped groups). The name is the detector's name in the config; the default placeholder
 * is {@code [NAME]}.
 */
public enum Kind {
  EMAIL("email"), URL("url"), MAC("mac"), COORDINATES("coordinates"), IP("ip"), CARD("card"),
  SSN("ssn"), SERIAL("serial"), ADDRESS("address"), PHONE("phone"), ID("identifiers"),
  PERSON("person");

  public final String detector;
  public final String defaultPlaceholder;

  Kind(String detector) {
    this.detector = detector;
    this.defaultPlaceholder = "[" + name() + "]";
  }

  public static Kind ofDetector(String name) {
    for (Kind k : values()) {
      if (k.detector.equals(name)) {
        return k;
      }
    }
    return null;
  }
}
