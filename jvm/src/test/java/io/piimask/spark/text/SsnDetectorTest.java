package io.piimask.spark.text;

import org.junit.jupiter.api.Test;

class SsnDetectorTest {
  @Test
  void shapedAndCuedNumbers() {
    Cases.check("ssn",
        "ssn 219-09-9999 on the form", "ssn [SSN] on the form",
        "SSN: 219 09 9999", "SSN: [SSN]",
        "social security 219099999", "social security [SSN]");
  }

  @Test
  void impossibleAreasAndBareNumbersWithoutCueAreKept() {
    Cases.check("ssn",
        "ref 000-12-3456", "=",
        "ref 666-12-3456", "=",
        "case 912-34-5678", "=",
        "id 219099999 in the table", "=",
        "part 123-45-67890", "=");
  }
}
