package io.piimask.spark.text;

import org.junit.jupiter.api.Test;

class MacDetectorTest {
  @Test
  void separatedCiscoAndCuedBareForms() {
    Cases.check("mac",
        "beacon 00:00:5E:00:53:2A paired", "beacon [MAC] paired",
        "hub 00-00-5e-00-53-ff offline", "hub [MAC] offline",
        "ap 0000.5e00.5301 rebooted", "ap [MAC] rebooted",
        "mac addr 00005E005342 on tracker", "mac addr [MAC] on tracker");
  }

  @Test
  void timesHexWordsAndBareHexWithoutCueAreKept() {
    Cases.check("mac",
        "shift 07:30-16:00, break 12:00", "=",
        "hash 00005e005342 in the log", "=",
        "code DEADBEEF0001 stored", "=",
        "serial 12-34-56-78", "=");
  }
}
