package io.piimask.spark.text;

/** A found span: characters [start, end) of the text (UTF-16 indices) and its kind. */
public record Span(int start, int end, Kind kind) implements Comparable<Span> {
  public boolean overlaps(Span o) {
    return start < o.end && o.start < end;
  }

  @Override
  public int compareTo(Span o) {
    return start != o.start ? Integer.compare(start, o.start) : Integer.compare(o.end, end);
  }
}
