package io.piimask.spark.text;

import org.apache.spark.sql.api.java.UDF2;

/** Java UDF {@code piimask_undecided(text string, config string) -> boolean}: true when the text
 * holds a capitalised or cue-introduced word the rules could not classify (see
 * {@link Engine#undecided}); false for null. */
public final class UndecidedUdf implements UDF2<String, String, Boolean> {
  private static final long serialVersionUID = 1L;

  @Override
  public Boolean call(String text, String config) {
    return text != null && Engine.forConfig(config).undecided(text);
  }
}
