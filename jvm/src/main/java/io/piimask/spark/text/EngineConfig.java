package io.piimask.spark.text;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the engine runs, read from a small JSON object:
 * <pre>
 * {"detectors": ["email", "url", ..., "person", "identifiers"],   // default: all
 *  "placeholders": {"person": "[NAME]"},                           // default: [KIND]
 *  "serial_pattern": "\\b[A-Z]{2,4}\\d{8,12}\\b",                   // the rubric's serial regex
 *  "phone_regions": ["US", "DE", ...]}                              // default: DEFAULT_REGIONS
 * </pre>
 */
public final class EngineConfig {
  public static final List<String> DEFAULT_REGIONS =
      List.of("US", "CA", "GB", "DE", "AT", "CH", "FR", "BE", "ES", "MX", "JP", "IN");

  public final Set<Kind> detectors;
  public final Map<Kind, String> placeholders;
  public final String serialPattern;
  public final List<String> phoneRegions;

  public EngineConfig(Set<Kind> detectors, Map<Kind, String> placeholders, String serialPattern,
      List<String> phoneRegions) {
    this.detectors = detectors;
    this.placeholders = placeholders;
    this.serialPattern = serialPattern;
    this.phoneRegions = phoneRegions;
  }

  public static EngineConfig defaults() {
    return parse("{}");
  }

  @SuppressWarnings("unchecked")
  public static EngineConfig parse(String json) {
    Object root = MiniJson.parse(json == null || json.isBlank() ? "{}" : json);
    if (!(root instanceof Map)) {
      throw new IllegalArgumentException("config JSON: expected an object");
    }
    Map<String, Object> m = (Map<String, Object>) root;
    Set<Kind> detectors = EnumSet.allOf(Kind.class);
    if (m.get("detectors") instanceof List<?> names) {
      detectors = EnumSet.noneOf(Kind.class);
      for (Object n : names) {
        Kind k = Kind.ofDetector(String.valueOf(n));
        if (k == null) {
          throw new IllegalArgumentException("config: unknown detector '" + n + "'");
        }
        detectors.add(k);
      }
    }
    Map<Kind, String> placeholders = new EnumMap<>(Kind.class);
    for (Kind k : Kind.values()) {
      placeholders.put(k, k.defaultPlaceholder);
    }
    if (m.get("placeholders") instanceof Map<?, ?> ph) {
      for (Map.Entry<?, ?> e : ph.entrySet()) {
        Kind k = Kind.ofDetector(String.valueOf(e.getKey()));
        if (k == null) {
          throw new IllegalArgumentException("config: placeholder for unknown detector '" + e.getKey() + "'");
        }
        placeholders.put(k, String.valueOf(e.getValue()));
      }
    }
    String serial = m.get("serial_pattern") instanceof String s && !s.isEmpty() ? s : null;
    List<String> regions = new ArrayList<>(DEFAULT_REGIONS);
    if (m.get("phone_regions") instanceof List<?> rs && !rs.isEmpty()) {
      regions.clear();
      for (Object r : rs) {
        regions.add(String.valueOf(r).toUpperCase());
      }
    }
    return new EngineConfig(detectors, placeholders, serial, List.copyOf(regions));
  }
}
