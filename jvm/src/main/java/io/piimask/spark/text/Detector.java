package io.piimask.spark.text;

import java.util.List;

/** One detector: adds the spans it finds in {@code doc} to {@code out}. */
public interface Detector {
  Kind kind();

  void find(Doc doc, List<Span> out);
}
