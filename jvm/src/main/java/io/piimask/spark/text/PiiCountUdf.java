package io.piimask.spark.text;

import org.apache.spark.sql.api.java.UDF2;

/** Java UDF {@code piimask_pii_count(text string, config string) -> int}: how many spans the
 * engine still finds (what verify checks on redacted text); 0 for null. */
public final class PiiCountUdf implements UDF2<String, String, Integer> {
  private static final long serialVersionUID = 1L;

  @Override
  public Integer call(String text, String config) {
    return text == null ? 0 : Engine.forConfig(config).piiCount(text);
  }
}
