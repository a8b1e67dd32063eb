package io.piimask.spark.text;

import org.junit.jupiter.api.Test;

class SerialDetectorTest {
  @Test
  void valuesAfterMarkersInEveryLanguage() {
    Cases.check("serial",
        "S/N QX-55012-B stolen", "S/N [SERIAL] stolen",
        "sn: 7781-0042 and 7781-0043 missing", "sn: [SERIAL] and [SERIAL] missing",
        "Seriennummer ZK2210-883 defekt", "Seriennummer [SERIAL] defekt",
        "n° de série FR-7712-Q perdu", "n° de série [SERIAL] perdu",
        "número de serie 2021/ES/4410", "número de serie [SERIAL]",
        "シリアル AB-99120 紛失", "シリアル [SERIAL] 紛失",
        "serial no. k88x1220", "serial no. [SERIAL]",
        "Serial: 4471 9932 ok", "Serial: [SERIAL] ok",
        "serial 1234 5 units", "serial [SERIAL] 5 units");
  }

  @Test
  void theRubricPattern() {
    Engine e = Engine.forConfig("{\"detectors\": [\"serial\"], \"serial_pattern\": \"\\\\b[A-Z]{2,4}\\\\d{8,12}\\\\b\"}");
    org.junit.jupiter.api.Assertions.assertEquals("tool [SERIAL] swapped", e.redact("tool DW123456789 swapped", null));
  }

  @Test
  void modelsAndMarkersWithoutValueAreKept() {
    Cases.check("serial",
        "drill DCD996 needs a new chuck", "=",
        "serial labels missing on 3 units", "=",
        "Seriennummern im Anhang", "=");
  }
}
