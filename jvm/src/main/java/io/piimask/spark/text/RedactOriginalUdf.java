package io.piimask.spark.text;

import org.apache.spark.sql.api.java.UDF4;
import scala.collection.Seq;

/**
 * Java UDF {@code piimask_redact_original(original string, folded string, config string,
 * identifiers array<string>) -> string}: the spans the engine finds in the folded text replaced
 * in the original, which is otherwise kept ({@link Engine#redactOriginal}); null stays null.
 */
public final class RedactOriginalUdf implements UDF4<String, String, String, Seq<String>, String> {
  private static final long serialVersionUID = 1L;

  @Override
  public String call(String original, String folded, String config, Seq<String> identifiers) {
    if (original == null) {
      return null;
    }
    return Engine.forConfig(config).redactOriginal(original, folded, RedactUdf.toList(identifiers));
  }
}
