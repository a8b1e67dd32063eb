package io.piimask.spark.text;

import org.junit.jupiter.api.Test;

class EmailDetectorTest {
  @Test
  void plainAndObfuscated() {
    Cases.check("email",
        "write to k.tanaka@example.org today", "write to [EMAIL] today",
        "CONTACT: MAX.MUSTER@EXAMPLE.DE", "CONTACT: [EMAIL]",
        "try bmiller at example dot com first", "try [EMAIL] first",
        "mail r dot diaz at example dot co dot uk", "mail [EMAIL]",
        "an j.weber(at)beispiel.de senden", "an [EMAIL] senden",
        "send to ops[at]example.fr", "send to [EMAIL]",
        "reach me at pat at example.net", "reach me at [EMAIL]");
  }

  @Test
  void proseWithAtAndDotIsKept() {
    Cases.check("email",
        "left the drill at site.Then drove home", "=",
        "meet at 10.30 at the depot", "=",
        "battery at 80% after the update", "=",
        "@channel the depot opens at 7", "=");
  }
}
