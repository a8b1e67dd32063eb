package io.piimask.spark.text;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.api.java.UDF3;
import scala.collection.Seq;

/**
 * Java UDF {@code piimask_redact(text string, config string, identifiers array<string>) -> string}:
 * the text with every span the engine finds replaced by its placeholder (null stays null). The
 * config is parsed once per distinct string ({@link Engine#forConfig}).
 */
public final class RedactUdf implements UDF3<String, String, Seq<String>, String> {
  private static final long serialVersionUID = 1L;

  @Override
  public String call(String text, String config, Seq<String> identifiers) {
    if (text == null) {
      return null;
    }
    return Engine.forConfig(config).redact(text, toList(identifiers));
  }

  static List<String> toList(Seq<String> seq) {
    if (seq == null || seq.isEmpty()) {
      return null;
    }
    int n = seq.length();
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(seq.apply(i));
    }
    return out;
  }
}
