package io.piimask.spark.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PhoneRegionTest {
  /** The compiled check agrees with libphonenumber's parse + isValidNumberForRegion. */
  @Test
  void agreesWithTheLibraryOnRandomDigits() {
    Random rnd = new Random(7);
    for (String r : EngineConfig.DEFAULT_REGIONS) {
      PhoneRegion pr = new PhoneRegion(r);
      for (int i = 0; i < 4000; i++) {
        int len = 6 + rnd.nextInt(9);
        StringBuilder b = new StringBuilder();
        int mode = rnd.nextInt(3);
        if (mode < 2) {
          b.append((char) ('0' + mode));
        }
        while (b.length() < len) {
          b.append((char) ('0' + rnd.nextInt(10)));
        }
        String d = b.toString();
        assertEquals(pr.parsedValid(d), pr.valid(d), r + " " + d);
      }
    }
  }

  /** Every international number the library finds possible is one for the engine too. */
  @Test
  void internationalNumbersTheLibraryFindsPossible() throws Exception {
    var util = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
    Random rnd = new Random(11);
    int possible = 0;
    for (int i = 0; i < 20000; i++) {
      StringBuilder b = new StringBuilder();
      int len = 8 + rnd.nextInt(7);
      while (b.length() < len) {
        b.append((char) ('0' + rnd.nextInt(10)));
      }
      String d = b.toString();
      boolean lib;
      try {
        lib = util.isPossibleNumber(util.parse("+" + d, "ZZ"));
      } catch (com.google.i18n.phonenumbers.NumberParseException e) {
        lib = false;
      }
      if (lib) {
        possible++;
        org.junit.jupiter.api.Assertions.assertTrue(PhoneDetector.international(d), d);
      }
    }
    org.junit.jupiter.api.Assertions.assertTrue(possible > 1000);
  }
}
