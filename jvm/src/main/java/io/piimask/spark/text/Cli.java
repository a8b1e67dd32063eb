package io.piimask.spark.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code java -cp JAR io.piimask.spark.text.Cli [CONFIG_JSON] < notes > redacted}: one note per
 * line (a line break inside a note written as the two characters backslash n), the redacted note
 * per line; for a quick look without Spark.
 */
public final class Cli {
  private Cli() {}

  public static void main(String[] args) throws IOException {
    Engine engine = Engine.forConfig(args.length > 0 ? args[0] : "{}");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String text = line.replace("\\n", "\n");
      out.println(engine.redact(text, null).replace("\n", "\\n"));
    }
    out.flush();
  }
}
