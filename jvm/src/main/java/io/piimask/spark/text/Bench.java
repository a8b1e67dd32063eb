package io.piimask.spark.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Micro-benchmark on one thread: {@code java -cp JAR io.piimask.spark.text.Bench NOTES.txt [seconds]}
 * (one note per line). Prints notes per second for redact and for the count.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws IOException {
    List<String> notes = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
    Engine engine = Engine.forConfig("{}");
    long chars = 0;
    for (String n : notes) {
      chars += n.length();
    }
    run(engine, notes, 2, false); // warm-up
    double rate = run(engine, notes, seconds, false);
    System.out.printf("redact: %.0f notes per CPU-second on one thread (%d notes, mean %.0f chars)%n", rate, notes.size(),
        (double) chars / notes.size());
    System.out.printf("pii_count: %.0f notes per CPU-second%n", run(engine, notes, seconds / 2, true));
  }

  /** Notes per second of this thread's CPU time (the machine may be shared: wall time would
   * count the waits for a core). */
  private static double run(Engine engine, List<String> notes, double seconds, boolean count) {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    long deadline = System.nanoTime() + (long) (seconds * 1e9);
    long start = mx.getCurrentThreadCpuTime();
    long done = 0;
    int sink = 0;
    while (System.nanoTime() < deadline) {
      for (String n : notes) {
        sink += count ? engine.piiCount(n) : engine.redact(n, null).length();
      }
      done += notes.size();
    }
    double rate = done / ((mx.getCurrentThreadCpuTime() - start) / 1e9);
    if (sink == 42) {
      System.out.print("");
    }
    return rate;
  }
}
